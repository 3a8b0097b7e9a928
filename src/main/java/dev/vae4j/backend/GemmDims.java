package dev.vae4j.backend;

/**
 * The shape of {@link DenseOps#gemm}: {@code C[m,n] = op(A)[m,k] op(B)[k,n]}. Transposes change
 * how A and B are read, not how many floats they hold.
 */
public record GemmDims(int m, int n, int k) {
  /** A holds at least {@code m*k} floats, B {@code k*n} and C {@code m*n}. */
  public void check(Tensor a, Tensor b, Tensor c) {
    Lengths.require("gemm", "A", a, (long) m * k);
    Lengths.require("gemm", "B", b, (long) k * n);
    Lengths.require("gemm", "C", c, (long) m * n);
  }
}
