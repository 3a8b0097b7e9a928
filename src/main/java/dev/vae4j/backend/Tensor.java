package dev.vae4j.backend;

/**
 * A float32 buffer owned by a {@link Backend}: host memory for the CPU backend, device memory for
 * the CUDA backend. It is an opaque handle: its contents are reached only through backend ops and
 * {@link Backend#upload}/{@link Backend#download}. Tensors carry no shape; each op states the
 * row-major shape it reads. A tensor is valid only with the backend that made it.
 */
public interface Tensor {
  /** Number of float elements. */
  long length();
}
