package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cudnn.CUDNN_CROSS_CORRELATION;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DATA_FLOAT;
import static org.bytedeco.cuda.global.cudnn.CUDNN_FMA_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_NCHW;

import dev.vae4j.backend.ConvShape;

/**
 * What cuDNN needs for one {@link ConvShape}: tensor, filter and bias descriptors, one convolution
 * descriptor per direction (each with the math type of its algorithm), and the algorithm chosen
 * for each direction ({@link ConvAlgorithm}). Made once per shape by {@link CudaConv#prepareConv}.
 *
 * <p>cuDNN has only convolutions, so a transposed convolution is planned as its adjoint ({@link
 * ConvShape#adjoint()}): the cuDNN convolution maps the transposed one's output to its input, with
 * the same weight tensor, whose PyTorch layout {@code [in, out, k, k]} is exactly that
 * convolution's filter {@code [K = in, C = out, k, k]}. {@link #cudnnInput} and {@link
 * #cudnnOutput} are the cuDNN convolution's tensors; {@link #x} and {@link #y} those of the op's
 * own input and output (swapped for a transposed shape).
 */
final class CudnnConvPlan implements AutoCloseable {
  /**
   * The one place the memory format is chosen: NCHW, the layout of {@link ConvShape}'s tensors and
   * of the PyTorch weights, so no transposes are needed around cuDNN. NHWC is often faster for
   * tensor-core (TF32) kernels; the FP32 default runs FMA kernels, for which NCHW is cuDNN's
   * native layout. Not yet measured on a GPU (docs/gpu-results.md): a change belongs here and in
   * transposes of the operands, nowhere else.
   */
  static final int LAYOUT = CUDNN_TENSOR_NCHW;

  final ConvShape shape;
  /** The order it was planned in, which names it in recorded-step arguments. */
  final int id;
  private final Cudnn dnn;
  long cudnnInput, cudnnOutput, filter, bias;
  long forwardConv, backwardDataConv, backwardFilterConv;
  ConvAlgorithm forward, backwardData, backwardFilter;
  /** Whether the convolution + bias + ReLU forward runs as one cuDNN call (cleared if cuDNN refuses it). */
  boolean fusedRelu;

  private CudnnConvPlan(Cudnn dnn, ConvShape shape, int id) {
    this.dnn = dnn;
    this.shape = shape;
    this.id = id;
  }

  /** Descriptors and algorithms for {@code shape}; on failure frees whatever it made. */
  static CudnnConvPlan create(Cudnn dnn, ConvShape shape, int id, long maxWorkspaceBytes) {
    CudnnConvPlan plan = new CudnnConvPlan(dnn, shape, id);
    try {
      plan.describe(maxWorkspaceBytes);
    } catch (RuntimeException e) {
      try {
        plan.close();
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
    return plan;
  }

  /** The descriptor of the op's input {@code x}. */
  long x() {
    return shape.transposed() ? cudnnOutput : cudnnInput;
  }

  /** The descriptor of the op's output {@code y}. */
  long y() {
    return shape.transposed() ? cudnnInput : cudnnOutput;
  }

  /** The largest workspace of the three algorithms. */
  long workspaceBytes() {
    return Math.max(forward.workspaceBytes(), Math.max(backwardData.workspaceBytes(), backwardFilter.workspaceBytes()));
  }

  private void describe(long maxWorkspaceBytes) {
    CudaApi api = dnn.api;
    ConvShape c = shape.transposed() ? shape.adjoint() : shape;
    String what = " for " + shape.describe();
    long[] out = new long[1];
    // Each handle is kept as soon as it exists, so that close() frees it if a later call fails.
    Status.cudnn(api.cudnnCreateTensorDescriptor(out), "cudnnCreateTensorDescriptor" + what);
    cudnnInput = out[0];
    Status.cudnn(api.cudnnCreateTensorDescriptor(out), "cudnnCreateTensorDescriptor" + what);
    cudnnOutput = out[0];
    Status.cudnn(api.cudnnCreateTensorDescriptor(out), "cudnnCreateTensorDescriptor" + what);
    bias = out[0];
    Status.cudnn(api.cudnnCreateFilterDescriptor(out), "cudnnCreateFilterDescriptor" + what);
    filter = out[0];
    Status.cudnn(api.cudnnCreateConvolutionDescriptor(out), "cudnnCreateConvolutionDescriptor" + what);
    forwardConv = out[0];
    Status.cudnn(api.cudnnCreateConvolutionDescriptor(out), "cudnnCreateConvolutionDescriptor" + what);
    backwardDataConv = out[0];
    Status.cudnn(api.cudnnCreateConvolutionDescriptor(out), "cudnnCreateConvolutionDescriptor" + what);
    backwardFilterConv = out[0];
    setTensor(cudnnInput, c.batch(), c.inChannels(), c.inHeight(), c.inWidth(), "input" + what);
    setTensor(cudnnOutput, c.batch(), c.outChannels(), c.outHeight(), c.outWidth(), "output" + what);
    setTensor(bias, 1, shape.outChannels(), 1, 1, "bias" + what);
    Status.cudnn(api.cudnnSetFilter4dDescriptor(filter, CUDNN_DATA_FLOAT, LAYOUT, c.outChannels(), c.inChannels(),
        c.kernel(), c.kernel()), "cudnnSetFilter4dDescriptor" + what);
    setConvolution(forwardConv, c, "forward" + what);
    setConvolution(backwardDataConv, c, "backward-data" + what);
    setConvolution(backwardFilterConv, c, "backward-filter" + what);

    int n = ConvAlgorithm.REQUESTED;
    int[] returned = new int[1], algo = new int[n], status = new int[n], math = new int[n];
    long[] memory = new long[n];
    Status.cudnn(api.cudnnGetConvolutionForwardAlgorithm_v7(dnn.handle, cudnnInput, filter, forwardConv, cudnnOutput,
        n, returned, algo, status, memory, math), "cudnnGetConvolutionForwardAlgorithm_v7" + what);
    forward = ConvAlgorithm.choose("the forward convolution" + what, returned[0], algo, status, memory, math, dnn.tf32,
        maxWorkspaceBytes);
    setMath(forwardConv, forward, "forward" + what);
    Status.cudnn(api.cudnnGetConvolutionBackwardDataAlgorithm_v7(dnn.handle, filter, cudnnOutput, backwardDataConv,
        cudnnInput, n, returned, algo, status, memory, math), "cudnnGetConvolutionBackwardDataAlgorithm_v7" + what);
    backwardData = ConvAlgorithm.choose("the backward-data convolution" + what, returned[0], algo, status, memory,
        math, dnn.tf32, maxWorkspaceBytes);
    setMath(backwardDataConv, backwardData, "backward-data" + what);
    Status.cudnn(api.cudnnGetConvolutionBackwardFilterAlgorithm_v7(dnn.handle, cudnnInput, cudnnOutput,
        backwardFilterConv, filter, n, returned, algo, status, memory, math),
        "cudnnGetConvolutionBackwardFilterAlgorithm_v7" + what);
    backwardFilter = ConvAlgorithm.choose("the backward-filter convolution" + what, returned[0], algo, status, memory,
        math, dnn.tf32, maxWorkspaceBytes);
    setMath(backwardFilterConv, backwardFilter, "backward-filter" + what);
    // The fused call needs a bias and exists only for the forward convolution, which runs a
    // transposed shape's backward-data pass, not its forward.
    fusedRelu = !shape.transposed();
  }

  private void setTensor(long desc, int n, int c, int h, int w, String what) {
    Status.cudnn(dnn.api.cudnnSetTensor4dDescriptor(desc, LAYOUT, CUDNN_DATA_FLOAT, n, c, h, w),
        "cudnnSetTensor4dDescriptor(" + what + ")");
  }

  /** Zero padding and stride on both axes, no dilation; cross-correlation, as PyTorch's convolutions. */
  private void setConvolution(long desc, ConvShape c, String what) {
    Status.cudnn(dnn.api.cudnnSetConvolution2dDescriptor(desc, c.padding(), c.padding(), c.stride(), c.stride(), 1, 1,
        CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT), "cudnnSetConvolution2dDescriptor(" + what + ")");
    Status.cudnn(dnn.api.cudnnSetConvolutionMathType(desc, dnn.mathType), "cudnnSetConvolutionMathType(" + what + ")");
  }

  /** With TF32 allowed, the math type the algorithm was ranked with; FP32 stays on FMA math. */
  private void setMath(long desc, ConvAlgorithm algorithm, String what) {
    int math = dnn.tf32 ? algorithm.mathType() : CUDNN_FMA_MATH;
    if (math != dnn.mathType) {
      Status.cudnn(dnn.api.cudnnSetConvolutionMathType(desc, math), "cudnnSetConvolutionMathType(" + what + ")");
    }
  }

  /** Frees every descriptor made (those never made are 0), then reports the first failure. */
  @Override
  public void close() {
    CudaApi api = dnn.api;
    int rc = 0;
    for (long conv : new long[] {backwardFilterConv, backwardDataConv, forwardConv}) {
      if (conv != 0) rc = firstFailure(rc, api.cudnnDestroyConvolutionDescriptor(conv));
    }
    if (filter != 0) rc = firstFailure(rc, api.cudnnDestroyFilterDescriptor(filter));
    for (long t : new long[] {bias, cudnnOutput, cudnnInput}) {
      if (t != 0) rc = firstFailure(rc, api.cudnnDestroyTensorDescriptor(t));
    }
    backwardFilterConv = backwardDataConv = forwardConv = filter = bias = cudnnOutput = cudnnInput = 0;
    Status.cudnn(rc, "destroying the cuDNN descriptors of " + shape.describe());
  }

  private static int firstFailure(int sofar, int status) {
    return sofar != 0 ? sofar : status;
  }
}
