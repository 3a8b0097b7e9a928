package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cudart.cudaStreamCaptureModeThreadLocal;

import dev.vae4j.backend.Backend;
import java.util.function.LongConsumer;

/**
 * A step captured as a CUDA graph: one {@code cudaGraphLaunch} replays every kernel and GEMM of
 * the step, with no per-op host work. The graph ends by advancing an int64 counter in device
 * memory, from which the per-step arguments (gather offset, noise stream, Adam step) are computed
 * on the device at each replay; see {@link StepRecorder}.
 */
final class CudaGraphStep implements Backend.RecordedStep {
  private final CudaBackend backend;
  private final CudaTensor counter;
  private final CudaApi api;
  /** The captured graph and its executable, 0 until made. */
  private final long[] graph = new long[1];
  private final long[] exec = new long[1];
  private boolean open = true;

  CudaGraphStep(CudaBackend backend, LongConsumer body) {
    this.backend = backend;
    CudaContext context = backend.context();
    this.api = context.api;
    this.counter = backend.memory().allocateBytes(1, Long.BYTES, "recorded step counter");
    StepRecorder recorder = new StepRecorder(counter.address);
    backend.setRecorder(recorder);
    try {
      recorder.beginProbe();
      body.accept(1);
      recorder.beginProbe();
      body.accept(2);
      recorder.beginCapture();
      capture(context, recorder, body);
      Status.runtime(api.cudaGraphInstantiate(exec, graph[0], 0L), "cudaGraphInstantiate (recorded step)");
    } catch (RuntimeException | Error e) {
      backend.setRecorder(null);
      if (graph[0] != 0) api.cudaGraphDestroy(graph[0]);
      backend.memory().release(counter);
      throw e;
    }
    backend.setRecorder(null);
  }

  /** Runs {@code body(0)} under stream capture; capture always ends, even if the body throws. */
  private void capture(CudaContext context, StepRecorder recorder, LongConsumer body) {
    context.makeCurrent();
    Status.runtime(api.cudaStreamBeginCapture(context.stream, cudaStreamCaptureModeThreadLocal),
        "cudaStreamBeginCapture (recorded step)");
    context.capturing = true;
    RuntimeException failure = null;
    try {
      body.accept(0);
      recorder.finishCapture();
      backend.launchAdvance(counter);
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      context.capturing = false;
      int rc = api.cudaStreamEndCapture(context.stream, graph);
      if (failure == null) Status.runtime(rc, "cudaStreamEndCapture (recorded step)");
    }
    if (failure != null) throw failure;
  }

  @Override
  public void replay() {
    if (!open) throw new IllegalStateException("recorded step was closed");
    CudaContext context = backend.context();
    context.makeCurrent();
    Status.runtime(api.cudaGraphLaunch(exec[0], context.stream), "cudaGraphLaunch (recorded step)");
    context.afterOp("recorded step");
  }

  @Override
  public void close() {
    if (!open) return;
    open = false;
    backend.context().makeCurrent();
    Status.runtime(api.cudaGraphExecDestroy(exec[0]), "cudaGraphExecDestroy");
    Status.runtime(api.cudaGraphDestroy(graph[0]), "cudaGraphDestroy");
    backend.memory().release(counter);
  }
}
