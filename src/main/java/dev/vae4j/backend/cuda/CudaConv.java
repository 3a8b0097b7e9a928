package dev.vae4j.backend.cuda;

import static dev.vae4j.backend.cuda.CudaQueue.cuda;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_NOT_SUPPORTED;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ConvOps;
import dev.vae4j.backend.ConvShape;
import dev.vae4j.backend.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link ConvOps} on cuDNN 9 (its convolution API: descriptors, heuristically chosen algorithms,
 * one shared workspace). cuDNN is loaded and its handle made when the first shape is prepared, so
 * the backend starts, and dense models run, without it; without it that first preparation fails
 * naming the missing library ({@code Backends} checks this before choosing the GPU for a model with
 * convolutions).
 *
 * <p>Per shape, {@link #prepareConv} plans ({@link CudnnConvPlan}: descriptors and the three
 * algorithms), grows the workspace ({@link ConvWorkspace}) and runs each op once on scratch
 * buffers, so that whatever cuDNN initializes lazily on a first call (kernel loading, its engines'
 * plans) happens there and not inside a captured graph; the ops then only queue cuDNN calls on the
 * stream, which is what lets a recorded step with convolutions be one CUDA graph.
 *
 * <p>The ops, for a convolution / a transposed one (planned as its adjoint convolution):
 *
 * <ul>
 *   <li>forward: {@code cudnnConvolutionBiasActivationForward} for a convolution with bias and
 *       ReLU (cuDNN fuses only ReLU for any algorithm; identity needs one fixed algorithm), else
 *       {@code cudnnConvolutionForward} / {@code cudnnConvolutionBackwardData}, then {@code
 *       cudnnAddTensor} for the bias and {@code cudnnActivationForward} for ReLU, in place;
 *   <li>backward-data: {@code cudnnConvolutionBackwardData} / {@code cudnnConvolutionForward};
 *   <li>backward-weights: {@code cudnnConvolutionBackwardFilter} with the two tensors' roles
 *       swapped for a transposed shape, and {@code cudnnConvolutionBackwardBias}.
 * </ul>
 *
 * All with beta = 0, so outputs are overwritten as the contract says.
 */
final class CudaConv implements ConvOps, AutoCloseable {
  /**
   * The most workspace one algorithm may take. Generous for a GPU with tens of GiB, while an
   * algorithm wanting more (some FFT variants on large images) is passed over for the next ranked.
   */
  static final long MAX_WORKSPACE_BYTES = 256L << 20;

  private final CudaQueue queue;
  private final CudaContext context;
  private final DeviceMemory memory;
  private final boolean tf32;
  private final ConvWorkspace workspace;
  /** In preparation order, so that close frees in an order the transcript tests can compare. */
  private final Map<ConvShape, CudnnConvPlan> plans = new LinkedHashMap<>();
  /** Null until the first shape is prepared. */
  private Cudnn dnn;

  CudaConv(CudaQueue queue, DeviceMemory memory, boolean tf32) {
    this.queue = queue;
    this.context = queue.context;
    this.memory = memory;
    this.tf32 = tf32;
    this.workspace = new ConvWorkspace(memory);
  }

  @Override
  public void prepareConv(ConvShape shape) {
    queue.requireNotRecording("prepareConv(" + shape.describe() + ")");
    plan(shape, "prepareConv");
  }

  /** How many shapes have been prepared. */
  int preparedShapes() {
    return plans.size();
  }

  /** The shared workspace, for tests. */
  ConvWorkspace workspace() {
    return workspace;
  }

  /** The loaded cuDNN's version, or null when no convolution has been prepared. */
  String cudnnVersion() {
    return dnn == null ? null : dnn.versionString();
  }

  @Override
  public void convForward(ConvShape shape, Tensor x, Tensor w, Tensor bias, Tensor y, Activation act) {
    if (act == Activation.SIGMOID) {
      throw new IllegalArgumentException("convForward supports IDENTITY and RELU, not SIGMOID (" + shape.describe() + ")");
    }
    CudaTensor xd = cuda(x), wd = cuda(w), yd = cuda(y), bd = bias == null ? null : cuda(bias);
    shape.checkForward(xd, wd, bd, yd);
    CudnnConvPlan plan = plan(shape, "convForward");
    long[] args = {plan.id, xd.address, wd.address, address(bd), yd.address, act.ordinal()};
    if (queue.recorded("convForward", args, -1)) forward(plan, xd, wd, bd, yd, act);
  }

  @Override
  public void convBackwardData(ConvShape shape, Tensor dy, Tensor w, Tensor dx) {
    CudaTensor dyd = cuda(dy), wd = cuda(w), dxd = cuda(dx);
    shape.checkBackwardData(dyd, wd, dxd);
    CudnnConvPlan plan = plan(shape, "convBackwardData");
    long[] args = {plan.id, dyd.address, wd.address, dxd.address};
    if (queue.recorded("convBackwardData", args, -1)) backwardData(plan, dyd, wd, dxd);
  }

  @Override
  public void convBackwardWeights(ConvShape shape, Tensor x, Tensor dy, Tensor weightGrad, Tensor biasGrad) {
    CudaTensor xd = cuda(x), dyd = cuda(dy), dw = cuda(weightGrad), db = biasGrad == null ? null : cuda(biasGrad);
    shape.checkBackwardWeights(xd, dyd, dw, db);
    CudnnConvPlan plan = plan(shape, "convBackwardWeights");
    long[] args = {plan.id, xd.address, dyd.address, dw.address, address(db)};
    if (queue.recorded("convBackwardWeights", args, -1)) backwardWeights(plan, xd, dyd, dw, db);
  }

  private static long address(CudaTensor t) {
    return t == null ? 0 : t.address;
  }

  /** The plan of {@code shape}, prepared now if it is new (an error while a step is recorded). */
  private CudnnConvPlan plan(ConvShape shape, String op) {
    CudnnConvPlan plan = plans.get(shape);
    if (plan != null) return plan;
    queue.requireNotRecording(op + " of " + shape.describe() + ", a shape not prepared (prepareConv) before the step,");
    context.makeCurrent();
    if (dnn == null) dnn = Cudnn.open(context, tf32);
    plan = CudnnConvPlan.create(dnn, shape, plans.size(), MAX_WORKSPACE_BYTES);
    try {
      workspace.ensure(plan.workspaceBytes());
      warmUp(plan);
    } catch (RuntimeException e) {
      try {
        plan.close();
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
    plans.put(shape, plan);
    return plan;
  }

  /**
   * Runs every op of the plan once on zero-filled scratch buffers and waits for them: cuDNN's lazy
   * first-call work happens here, outside any graph capture, and a fused forward that cuDNN refuses
   * for this shape and algorithm falls back to the unfused calls from now on.
   */
  private void warmUp(CudnnConvPlan plan) {
    ConvShape s = plan.shape;
    String what = "cuDNN warm-up of " + s.describe();
    CudaTensor x = memory.allocate(s.batch() * s.inputSize(), what);
    CudaTensor y = null, w = null, b = null;
    try {
      y = memory.allocate(s.batch() * s.outputSize(), what);
      w = memory.allocate(s.weightSize(), what);
      b = memory.allocate(s.outChannels(), what);
      if (plan.fusedRelu) {
        int rc = fusedForward(plan, x, w, b, y);
        if (rc == CUDNN_STATUS_NOT_SUPPORTED) plan.fusedRelu = false;
        else Status.cudnn(rc, "cudnnConvolutionBiasActivationForward (" + what + ")");
      }
      forward(plan, x, w, b, y, Activation.RELU);
      forward(plan, x, w, b, y, Activation.IDENTITY);
      backwardData(plan, y, w, x);
      backwardWeights(plan, x, y, w, b);
      context.synchronize(what);
    } finally {
      for (CudaTensor t : new CudaTensor[] {b, w, y, x}) {
        if (t != null) memory.release(t);
      }
    }
  }

  private void forward(CudnnConvPlan plan, CudaTensor x, CudaTensor w, CudaTensor bias, CudaTensor y, Activation act) {
    CudaApi api = dnn.api;
    String what = " for " + plan.shape.describe();
    context.makeCurrent();
    if (act == Activation.RELU && bias != null && plan.fusedRelu) {
      Status.cudnn(fusedForward(plan, x, w, bias, y), "cudnnConvolutionBiasActivationForward" + what);
    } else if (!plan.shape.transposed()) {
      Status.cudnn(api.cudnnConvolutionForward(dnn.handle, 1f, plan.x(), x.address, plan.filter, w.address,
          plan.forwardConv, plan.forward.algo(), workspace.address(), workspace.bytes(), 0f, plan.y(), y.address),
          "cudnnConvolutionForward" + what);
    } else {
      Status.cudnn(api.cudnnConvolutionBackwardData(dnn.handle, 1f, plan.filter, w.address, plan.x(), x.address,
          plan.backwardDataConv, plan.backwardData.algo(), workspace.address(), workspace.bytes(), 0f, plan.y(),
          y.address), "cudnnConvolutionBackwardData (transposed forward)" + what);
    }
    if (!(act == Activation.RELU && bias != null && plan.fusedRelu)) {
      if (bias != null) {
        Status.cudnn(api.cudnnAddTensor(dnn.handle, 1f, plan.bias, bias.address, 1f, plan.y(), y.address),
            "cudnnAddTensor (bias)" + what);
      }
      if (act == Activation.RELU) {
        Status.cudnn(api.cudnnActivationForward(dnn.handle, dnn.relu, 1f, plan.y(), y.address, 0f, plan.y(),
            y.address), "cudnnActivationForward (ReLU)" + what);
      }
    }
    context.afterOp("convForward");
  }

  /** y = relu(conv(x, w) + bias) in one call; z is y with alpha2 = 0 (cuDNN reads it, but times 0). */
  private int fusedForward(CudnnConvPlan plan, CudaTensor x, CudaTensor w, CudaTensor bias, CudaTensor y) {
    return dnn.api.cudnnConvolutionBiasActivationForward(dnn.handle, 1f, plan.x(), x.address, plan.filter, w.address,
        plan.forwardConv, plan.forward.algo(), workspace.address(), workspace.bytes(), 0f, plan.y(), y.address,
        plan.bias, bias.address, dnn.relu, plan.y(), y.address);
  }

  private void backwardData(CudnnConvPlan plan, CudaTensor dy, CudaTensor w, CudaTensor dx) {
    CudaApi api = dnn.api;
    String what = " for " + plan.shape.describe();
    context.makeCurrent();
    if (!plan.shape.transposed()) {
      Status.cudnn(api.cudnnConvolutionBackwardData(dnn.handle, 1f, plan.filter, w.address, plan.y(), dy.address,
          plan.backwardDataConv, plan.backwardData.algo(), workspace.address(), workspace.bytes(), 0f, plan.x(),
          dx.address), "cudnnConvolutionBackwardData" + what);
    } else {
      Status.cudnn(api.cudnnConvolutionForward(dnn.handle, 1f, plan.y(), dy.address, plan.filter, w.address,
          plan.forwardConv, plan.forward.algo(), workspace.address(), workspace.bytes(), 0f, plan.x(), dx.address),
          "cudnnConvolutionForward (transposed backward-data)" + what);
    }
    context.afterOp("convBackwardData");
  }

  private void backwardWeights(CudnnConvPlan plan, CudaTensor x, CudaTensor dy, CudaTensor dw, CudaTensor db) {
    CudaApi api = dnn.api;
    String what = " for " + plan.shape.describe();
    context.makeCurrent();
    // The cuDNN convolution's input and output gradient: for a transposed shape, its adjoint maps
    // dy's shape to x's, so dy is that convolution's input and x its output gradient.
    boolean t = plan.shape.transposed();
    CudaTensor input = t ? dy : x, outputGrad = t ? x : dy;
    Status.cudnn(api.cudnnConvolutionBackwardFilter(dnn.handle, 1f, plan.cudnnInput, input.address, plan.cudnnOutput,
        outputGrad.address, plan.backwardFilterConv, plan.backwardFilter.algo(), workspace.address(), workspace.bytes(),
        0f, plan.filter, dw.address), "cudnnConvolutionBackwardFilter" + what);
    if (db != null) {
      Status.cudnn(api.cudnnConvolutionBackwardBias(dnn.handle, 1f, plan.y(), dy.address, 0f, plan.bias, db.address),
          "cudnnConvolutionBackwardBias" + what);
    }
    context.afterOp("convBackwardWeights");
  }

  /** Frees the plans' descriptors and the cuDNN handle (the workspace goes with the backend's memory). */
  @Override
  public void close() {
    if (dnn == null) return;
    context.makeCurrent();
    RuntimeException failure = null;
    for (CudnnConvPlan plan : plans.values()) {
      try {
        plan.close();
      } catch (RuntimeException e) {
        if (failure == null) failure = e;
        else failure.addSuppressed(e);
      }
    }
    plans.clear();
    try {
      dnn.close();
    } catch (RuntimeException e) {
      if (failure == null) failure = e;
      else failure.addSuppressed(e);
    }
    dnn = null;
    if (failure != null) throw failure;
  }
}
