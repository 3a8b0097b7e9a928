package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cudart.cuCtxGetCurrent;
import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cuInit;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrMultiProcessorCount;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamNonBlocking;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;

import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.Pointer;

/**
 * One GPU's primary context and the one stream every op of a backend is queued on, so ops run in
 * program order without host synchronization. The stream is non-blocking, as graph capture needs.
 *
 * <p>The runtime API makes the primary context current on any thread by itself; the driver API
 * (module loading, kernel launches) does not, so {@link #makeCurrent} binds the context to the
 * calling thread whenever the backend is used from a thread it has not seen last.
 */
final class CudaContext implements AutoCloseable {
  final int device;
  final int multiprocessors;
  final CUstream_st stream = new CUstream_st();
  private final CUctx_st context = new CUctx_st();
  private final boolean syncEveryOp;
  /** True while a stream capture is open; synchronizing then would invalidate the capture. */
  boolean capturing;

  private Thread lastThread;

  CudaContext(int device, boolean syncEveryOp) {
    this.device = device;
    this.syncEveryOp = syncEveryOp;
    Status.runtime(cudaSetDevice(device), "cudaSetDevice(" + device + ")");
    Status.runtime(cudaFree(new Pointer()), "cudaFree(NULL) (creating the primary context)");
    Status.driver(cuInit(0), "cuInit");
    Status.driver(cuCtxGetCurrent(context), "cuCtxGetCurrent");
    lastThread = Thread.currentThread();
    Status.runtime(cudaStreamCreateWithFlags(stream, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
    this.multiprocessors = CudaProbe.attribute(cudaDevAttrMultiProcessorCount, device);
  }

  /** Binds the context to the calling thread if another thread used it last. */
  void makeCurrent() {
    Thread current = Thread.currentThread();
    if (current != lastThread) {
      Status.driver(cuCtxSetCurrent(context), "cuCtxSetCurrent");
      lastThread = current;
    }
  }

  /** Waits for the stream; an asynchronous fault of an earlier op surfaces here. */
  void synchronize(String op) {
    int rc = cudaStreamSynchronize(stream);
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
    Status.runtime(cudaStreamSynchronize(stream), "cudaStreamSynchronize (close)");
    Status.runtime(cudaStreamDestroy(stream), "cudaStreamDestroy");
  }
}
