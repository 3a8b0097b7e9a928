package dev.vae4j.model;

import java.util.ArrayList;
import java.util.List;

/**
 * One GEMM of a training step, as {@link dev.vae4j.backend.Backend#gemm} takes it: {@code C[m, n] =
 * op(A)[m, k] op(B)[k, n]}. {@link #trainingStep} lists the GEMMs {@link VaeNetwork} issues for one
 * step, so benchmarks time exactly the shapes training uses.
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

  /**
   * Every GEMM of one training step on {@code batch} rows, in the order {@link VaeNetwork} issues
   * them: each layer's forward {@code x W^T}; then, output layer first, its weight gradient {@code
   * dy^T x} and (except for the first encoder layer) its input gradient {@code dy W}.
   */
  public static List<GemmShape> trainingStep(ParameterLayout layout, int batch) {
    List<Named> layers = layers(layout);
    List<GemmShape> out = new ArrayList<>();
    for (Named l : layers) out.add(new GemmShape(l.name + " forward", batch, l.layer.out(), l.layer.in(), false, true));
    // Backward runs the decoder from its output, then the heads, then the encoder from its top.
    List<Named> backward = new ArrayList<>();
    int encoders = layout.encoder().size();
    for (int i = layers.size() - 1; i >= encoders + 1; i--) backward.add(layers.get(i));
    for (int i = encoders; i >= 0; i--) backward.add(layers.get(i));
    for (Named l : backward) {
      out.add(new GemmShape(l.name + " weight grad", l.layer.out(), l.layer.in(), batch, true, false));
      if (!l.first) out.add(new GemmShape(l.name + " input grad", batch, l.layer.in(), l.layer.out(), false, false));
    }
    return out;
  }

  /** The forward GEMMs only: one inference pass (encode and decode) on {@code batch} rows. */
  public static List<GemmShape> inference(ParameterLayout layout, int batch) {
    return trainingStep(layout, batch).stream().filter(g -> g.role.endsWith("forward")).toList();
  }

  /** Total floating-point operations of {@code shapes}. */
  public static long flops(List<GemmShape> shapes) {
    long sum = 0;
    for (GemmShape s : shapes) sum += s.flops();
    return sum;
  }

  private record Named(String name, Linear layer, boolean first) {}

  private static List<Named> layers(ParameterLayout layout) {
    List<Named> all = new ArrayList<>();
    List<Linear> enc = layout.encoder(), dec = layout.decoder();
    for (int i = 0; i < enc.size(); i++) all.add(new Named("enc" + (i + 1), enc.get(i), i == 0));
    all.add(new Named("heads", layout.heads(), false));
    for (int i = 0; i < dec.size(); i++) {
      all.add(new Named(i == dec.size() - 1 ? "dec.out" : "dec" + (i + 1), dec.get(i), false));
    }
    return all;
  }
}
