package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cublas.cublasGetStatusString;
import static org.bytedeco.cuda.global.cudart.cuGetErrorName;
import static org.bytedeco.cuda.global.cudart.cuGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorName;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudnn.cudnnGetErrorString;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Turns the status codes of the CUDA APIs (runtime, driver, cuBLAS, cuDNN) into {@link CudaException}s. Every native call in
 * this package goes through one of these, with the call's name and what it was doing for.
 */
final class Status {
  private Status() {}

  /** Checks a CUDA runtime status ({@code cudaError_t}). */
  static void runtime(int status, String call) {
    if (status != 0) {
      throw new CudaException(call + " failed: " + string(cudaGetErrorString(status))
          + " (" + string(cudaGetErrorName(status)) + ", " + status + ")");
    }
  }

  /** Checks a CUDA driver API status ({@code CUresult}). */
  static void driver(int status, String call) {
    if (status != 0) {
      String message = driverString(status, true);
      String code = driverString(status, false);
      throw new CudaException(call + " failed: " + message + " (" + code + ", " + status + ")");
    }
  }

  /** Checks a cuBLAS or cuBLASLt status ({@code cublasStatus_t}). */
  static void cublas(int status, String call) {
    if (status != 0) {
      throw new CudaException(call + " failed: " + string(cublasGetStatusString(status)) + " (" + status + ")");
    }
  }

  /**
   * Checks a cuDNN status ({@code cudnnStatus_t}). Its string comes from cuDNN, which is loaded
   * whenever a cuDNN call could have returned the status.
   */
  static void cudnn(int status, String call) {
    if (status != 0) {
      throw new CudaException(call + " failed: " + cudnnString(status) + " (cudnnStatus_t " + status + ")");
    }
  }

  private static String cudnnString(int status) {
    try {
      return string(cudnnGetErrorString(status));
    } catch (LinkageError e) { // a fake API's status, with no cuDNN loaded
      return "cuDNN status " + status;
    }
  }

  /** The driver's description (or name) of a status; it hands back a {@code const char*}. */
  private static String driverString(int status, boolean description) {
    try (PointerPointer<BytePointer> out = new PointerPointer<>(1)) {
      int rc = description ? cuGetErrorString(status, out) : cuGetErrorName(status, out);
      return rc != 0 || out.get(0) == null ? "unrecognized CUresult" : out.getString(0);
    }
  }

  private static String string(BytePointer p) {
    return p == null || p.isNull() ? "?" : p.getString();
  }
}
