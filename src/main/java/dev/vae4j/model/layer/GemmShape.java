package dev.vae4j.model.layer;

import java.util.List;

/**
 * One GEMM of a training step, as {@link dev.vae4j.backend.Backend#gemm} takes it: {@code C[m, n] =
 * op(A)[m, k] op(B)[k, n]}, as a {@link Layer} describes its passes; {@code
 * dev.vae4j.model.StepGemms} lists a whole training step's, so benchmarks time exactly the shapes
 * training uses.
 *
 * @param role which layer and pass, e.g. {@code dec.out forward}
 */
public record GemmShape(String role, int m, int n, int k, boolean transA, boolean transB) {

  /** Floating-point operations: one multiply and one add per term. */
  public long flops() {
    return 2L * m * n * k;
  }

  /** E.g. {@code 128x784x400 NT}: m x n x k, then N or T for A and B. */
  public String describe() {
    return m + "x" + n + "x" + k + " " + (transA ? 'T' : 'N') + (transB ? 'T' : 'N');
  }

  /** Total floating-point operations of {@code shapes}. */
  public static long flops(List<GemmShape> shapes) {
    long sum = 0;
    for (GemmShape s : shapes) sum += s.flops();
    return sum;
  }
}
