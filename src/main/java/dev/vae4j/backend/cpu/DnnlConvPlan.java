package dev.vae4j.backend.cpu;

import static dev.vae4j.backend.cpu.Dnnl.check;
import static dev.vae4j.backend.cpu.Dnnl.desc;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ConvShape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.global.dnnl;

/**
 * Everything one {@link ConvShape} needs on one thread at a time, made once: the forward primitive
 * twice (bias alone, and bias with ReLU as a oneDNN post-op), the backward-data and the
 * backward-weights (with the bias gradient) primitives, each created with {@code format_tag::any}
 * so oneDNN picks its layouts (reorders only where they differ from NCHW and PyTorch's weight
 * layouts), on a stream of its own, plus a zero bias for forward calls without one and a bias
 * gradient buffer for backward calls that want none. A transposed shape uses oneDNN's
 * deconvolution primitives, whose {@code iohw} weight layout is PyTorch's {@code ConvTranspose2d}
 * layout.
 */
final class DnnlConvPlan implements AutoCloseable {
  private final dnnl_stream stream;
  private final List<dnnl_memory_desc> descs = new ArrayList<>();
  private final DnnlPrimitive forward;
  private final DnnlPrimitive forwardRelu;
  private final DnnlPrimitive backwardData;
  private final DnnlPrimitive backwardWeights;
  private final FloatBuffer zeroBias;
  private final FloatBuffer unusedBiasGrad;

  DnnlConvPlan(ConvShape s) {
    dnnl_engine engine = Dnnl.engine();
    stream = new dnnl_stream();
    check(dnnl.dnnl_stream_create(stream, engine, dnnl.dnnl_stream_default_flags), "stream_create");
    long n = s.batch(), k = s.kernel();
    long[] src = {n, s.inChannels(), s.inHeight(), s.inWidth()};
    long[] dst = {n, s.outChannels(), s.outHeight(), s.outWidth()};
    long[] weights = {s.outChannels(), s.inChannels(), k, k};
    long[] bias = {s.outChannels()};
    long[] strides = {s.stride(), s.stride()}, dilates = {0, 0}, padding = {s.padding(), s.padding()};
    dnnl_memory_desc srcPlain = keep(desc(dnnl.dnnl_nchw, src)), dstPlain = keep(desc(dnnl.dnnl_nchw, dst));
    dnnl_memory_desc weightsPlain = keep(desc(s.transposed() ? dnnl.dnnl_iohw : dnnl.dnnl_oihw, weights));
    dnnl_memory_desc biasPlain = keep(desc(dnnl.dnnl_a, bias));
    int any = dnnl.dnnl_format_tag_any;
    dnnl_memory_desc srcAny = keep(desc(any, src)), dstAny = keep(desc(any, dst));
    dnnl_memory_desc weightsAny = keep(desc(any, weights)), biasAny = keep(desc(any, bias));
    boolean t = s.transposed();
    int alg = t ? dnnl.dnnl_deconvolution_direct : dnnl.dnnl_convolution_direct;

    dnnl_primitive_desc[] fwd = new dnnl_primitive_desc[2];
    for (int relu = 0; relu < 2; relu++) {
      dnnl_primitive_attr attr = attributes(relu == 1);
      fwd[relu] = new dnnl_primitive_desc();
      check(t ? dnnl.dnnl_deconvolution_forward_primitive_desc_create(fwd[relu], engine, dnnl.dnnl_forward_training, alg,
              srcAny, weightsAny, biasAny, dstAny, strides, dilates, padding, padding, attr)
          : dnnl.dnnl_convolution_forward_primitive_desc_create(fwd[relu], engine, dnnl.dnnl_forward_training, alg,
              srcAny, weightsAny, biasAny, dstAny, strides, dilates, padding, padding, attr),
          "forward primitive_desc_create for " + s.describe());
      check(dnnl.dnnl_primitive_attr_destroy(attr), "primitive_attr_destroy");
    }
    String name = s.describe();
    DnnlPrimitive.Arg[] forwardArgs = {input(DNNL_ARG_SRC, srcPlain), input(DNNL_ARG_WEIGHTS, weightsPlain),
        input(DNNL_ARG_BIAS, biasPlain), output(DNNL_ARG_DST, dstPlain)};
    forward = new DnnlPrimitive(name + " forward", engine, stream, fwd[0], forwardArgs);
    forwardRelu = new DnnlPrimitive(name + " forward+relu", engine, stream, fwd[1], forwardArgs);

    dnnl_primitive_attr attr = attributes(false);
    dnnl_primitive_desc data = new dnnl_primitive_desc();
    check(t ? dnnl.dnnl_deconvolution_backward_data_primitive_desc_create(data, engine, alg, srcAny, weightsAny, dstAny,
            strides, dilates, padding, padding, fwd[0], attr)
        : dnnl.dnnl_convolution_backward_data_primitive_desc_create(data, engine, alg, srcAny, weightsAny, dstAny,
            strides, dilates, padding, padding, fwd[0], attr), "backward-data primitive_desc_create for " + name);
    backwardData = new DnnlPrimitive(name + " backward data", engine, stream, data,
        input(DNNL_ARG_DIFF_DST, dstPlain),
        input(DNNL_ARG_WEIGHTS, weightsPlain),
        output(DNNL_ARG_DIFF_SRC, srcPlain));
    dnnl_primitive_desc wgt = new dnnl_primitive_desc();
    check(t ? dnnl.dnnl_deconvolution_backward_weights_primitive_desc_create(wgt, engine, alg, srcAny, weightsAny,
            biasAny, dstAny, strides, dilates, padding, padding, fwd[0], attr)
        : dnnl.dnnl_convolution_backward_weights_primitive_desc_create(wgt, engine, alg, srcAny, weightsAny, biasAny,
            dstAny, strides, dilates, padding, padding, fwd[0], attr), "backward-weights primitive_desc_create for " + name);
    backwardWeights = new DnnlPrimitive(name + " backward weights", engine, stream, wgt,
        input(DNNL_ARG_SRC, srcPlain),
        input(DNNL_ARG_DIFF_DST, dstPlain),
        output(DNNL_ARG_DIFF_WEIGHTS, weightsPlain),
        output(DNNL_ARG_DIFF_BIAS, biasPlain));
    check(dnnl.dnnl_primitive_attr_destroy(attr), "primitive_attr_destroy");
    for (dnnl_primitive_desc pd : new dnnl_primitive_desc[] {fwd[0], fwd[1], data, wgt}) {
      check(dnnl.dnnl_primitive_desc_destroy(pd), "primitive_desc_destroy");
    }
    zeroBias = direct(s.outChannels());
    unusedBiasGrad = direct(s.outChannels());
  }

  private dnnl_memory_desc keep(dnnl_memory_desc md) {
    descs.add(md);
    return md;
  }

  private static DnnlPrimitive.Arg input(int arg, dnnl_memory_desc plain) {
    return new DnnlPrimitive.Arg(arg, false, plain);
  }

  private static DnnlPrimitive.Arg output(int arg, dnnl_memory_desc plain) {
    return new DnnlPrimitive.Arg(arg, true, plain);
  }

  private static dnnl_primitive_attr attributes(boolean relu) {
    dnnl_primitive_attr attr = new dnnl_primitive_attr();
    check(dnnl.dnnl_primitive_attr_create(attr), "primitive_attr_create");
    check(dnnl.dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl.dnnl_scratchpad_mode_user), "set_scratchpad_mode");
    if (relu) {
      dnnl_post_ops ops = new dnnl_post_ops();
      check(dnnl.dnnl_post_ops_create(ops), "post_ops_create");
      check(dnnl.dnnl_post_ops_append_eltwise(ops, dnnl.dnnl_eltwise_relu, 0f, 0f), "post_ops_append_eltwise");
      check(dnnl.dnnl_primitive_attr_set_post_ops(attr, ops), "primitive_attr_set_post_ops");
      check(dnnl.dnnl_post_ops_destroy(ops), "post_ops_destroy");
    }
    return attr;
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** {@code y = act(conv(x, w) + bias)}; a null bias reads zeros. */
  void forward(FloatBuffer x, FloatBuffer w, FloatBuffer bias, FloatBuffer y, Activation act) {
    (act == Activation.RELU ? forwardRelu : forward).run(x, w, bias == null ? zeroBias : bias, y);
  }

  void backwardData(FloatBuffer dy, FloatBuffer w, FloatBuffer dx) {
    backwardData.run(dy, w, dx);
  }

  /** Weight and bias gradients; a null bias gradient is computed into a buffer of the plan's and dropped. */
  void backwardWeights(FloatBuffer x, FloatBuffer dy, FloatBuffer weightGrad, FloatBuffer biasGrad) {
    backwardWeights.run(x, dy, weightGrad, biasGrad == null ? unusedBiasGrad : biasGrad);
  }

  /** E.g. {@code reorders: forward 2, backward data 1, backward weights 2} (arguments not in oneDNN's preferred layout). */
  String describeReorders() {
    return "reorders: forward " + forward.reorders() + ", backward data " + backwardData.reorders()
        + ", backward weights " + backwardWeights.reorders();
  }

  @Override
  public void close() {
    forward.close();
    forwardRelu.close();
    backwardData.close();
    backwardWeights.close();
    for (dnnl_memory_desc md : descs) dnnl.dnnl_memory_desc_destroy(md);
    dnnl.dnnl_stream_destroy(stream);
  }
}
