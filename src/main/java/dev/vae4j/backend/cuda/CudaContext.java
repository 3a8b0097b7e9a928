package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cudart.cudaDevAttrMultiProcessorCount;
import static org.bytedeco.cuda.global.cudart.cudaStreamNonBlocking;

/**
 * One GPU's primary context and the one stream every op of a backend is queued on, so ops run in
 * program order without host synchronization. The stream is non-blocking, as graph capture needs.
 *
 * <p>The runtime API makes the primary context current on any thread by itself; the driver API
 * (module loading, kernel launches) does not, so {@link #makeCurrent} binds the context to the
 * calling thread whenever the backend is used from a thread it has not seen last.
 */
final class CudaContext implements AutoCloseable {
  /** Every device call of the backend goes through this (see {@link CudaApi}). */
  final CudaApi api;
  final int device;
  final int multiprocessors;
  /** The stream's handle. */
  final long stream;
  private final long context;
  private final boolean syncEveryOp;
  /** True while a stream capture is open; synchronizing then would invalidate the capture. */
  boolean capturing;

  private Thread lastThread;

  CudaContext(CudaApi api, int device, boolean syncEveryOp) {
    this.api = api;
    this.device = device;
    this.syncEveryOp = syncEveryOp;
    long[] out = new long[1];
    Status.runtime(api.cudaSetDevice(device), "cudaSetDevice(" + device + ")");
    Status.runtime(api.cudaFree(0), "cudaFree(NULL) (creating the primary context)");
    Status.driver(api.cuInit(0), "cuInit");
    Status.driver(api.cuCtxGetCurrent(out), "cuCtxGetCurrent");
    this.context = out[0];
    lastThread = Thread.currentThread();
    Status.runtime(api.cudaStreamCreateWithFlags(out, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
    this.stream = out[0];
    this.multiprocessors = CudaProbe.attribute(api, cudaDevAttrMultiProcessorCount, device);
  }

  /** Binds the context to the calling thread if another thread used it last. */
  void makeCurrent() {
    Thread current = Thread.currentThread();
    if (current != lastThread) {
      Status.driver(api.cuCtxSetCurrent(context), "cuCtxSetCurrent");
      lastThread = current;
    }
  }

  /** Waits for the stream; an asynchronous fault of an earlier op surfaces here. */
  void synchronize(String op) {
    int rc = api.cudaStreamSynchronize(stream);
    if (rc != 0) {
      try {
        Status.runtime(rc, "cudaStreamSynchronize (" + op + ")");
      } catch (CudaException e) {
        throw new CudaException(e.getMessage() + (syncEveryOp ? ""
            : "; the fault may come from an earlier op: run with -Dvae4j.cuda.syncEveryOp=true to name it"));
      }
    }
  }

  /** After each op when debugging, so that a fault is reported by the op that caused it. */
  void afterOp(String op) {
    if (syncEveryOp && !capturing) synchronize(op);
  }

  @Override
  public void close() {
    makeCurrent();
    Status.runtime(api.cudaStreamSynchronize(stream), "cudaStreamSynchronize (close)");
    Status.runtime(api.cudaStreamDestroy(stream), "cudaStreamDestroy");
  }
}
