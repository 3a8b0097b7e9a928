package dev.vae4j.backend.cuda;

import dev.vae4j.backend.Tensor;

/**
 * What every CUDA op family shares: the context and its one stream, the loaded kernels, and the
 * step recorder that, while {@link CudaBackend#recordStep} records, sees each op before it is
 * queued (and swallows it while probing).
 */
final class CudaQueue {
  final CudaContext context;
  final KernelModule kernels;
  /** Non-null while a step is being recorded. */
  private StepRecorder recorder;

  CudaQueue(CudaContext context, KernelModule kernels) {
    this.context = context;
    this.kernels = kernels;
  }

  /** Routes the ops of a recording to {@code r}, or back to plain execution when null. */
  void setRecorder(StepRecorder r) {
    recorder = r;
  }

  /** True while a recording runs its body without executing it (k = 1, 2). */
  boolean probing() {
    return recorder != null && !recorder.isCapturing();
  }

  /** Launches a kernel whose arguments are filled in, through the recorder when recording. */
  void launch(Kernel kernel, LaunchConfig config, String op, int dynamicSlot) {
    if (recorder != null) {
      KernelArgs args = kernels.filled(kernel);
      long[] values = recorder.onOp(op, args.values(), dynamicSlot);
      if (values == null) return;
      args.set(values);
    }
    kernels.launch(kernel, config, op);
  }

  /** True when a non-kernel op should run now; false while a recording probes. */
  boolean recorded(String op, long[] args, int dynamicSlot) {
    return recorder == null || recorder.onOp(op, args, dynamicSlot) != null;
  }

  void requireNotRecording(String op) {
    if (recorder != null) {
      throw new IllegalStateException(op + " is not allowed inside recordStep: a recorded step may only queue ops");
    }
  }

  /** Queues the kernel that advances a recorded step's counter, outside the recorder. */
  void launchAdvance(CudaTensor counter) {
    kernels.args(Kernel.ADVANCE_COUNTER).ptr(counter);
    kernels.launch(Kernel.ADVANCE_COUNTER, new LaunchConfig(1, 32, 1), "recorded step counter");
  }

  /** {@code t} as a live CUDA tensor; the family classes' first step with every operand. */
  static CudaTensor cuda(Tensor t) {
    if (!(t instanceof CudaTensor c)) {
      throw new IllegalArgumentException("tensor " + t + " does not belong to the CUDA backend");
    }
    if (!c.isLive()) throw new IllegalStateException("tensor " + t + " was released");
    return c;
  }
}
