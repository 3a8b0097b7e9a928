package dev.vae4j.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API implementation over the widest float vectors the CPU has, each loop finishing
 * its tail with the scalar twin. Every result is the same bit pattern whether the code runs
 * interpreted or JIT-compiled, so runs are reproducible across processes: exp and log1p come from
 * {@link VectorMath} rather than the Vector API's lanewise EXP/LOG1P, and row sums add the lanes in
 * a fixed order rather than with {@code reduceLanes}, whose order is unspecified. Row sums of the
 * loss are accumulated in float lanes: a row of 784 terms keeps a relative error near 1e-7.
 */
final class VectorLoopKernels implements LoopKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final List<VectorShuffle<Float>> HALVING_ROTATIONS = halvingRotations();
  private final ScalarLoopKernels scalar = new ScalarLoopKernels();

  @Override
  public void biasRelu(float[] x, int xo, float[] b, int bo, int fromRow, int toRow, int cols, boolean relu) {
    int bound = S.loopBound(cols);
    for (int r = fromRow; r < toRow; r++) {
      int base = xo + r * cols;
      for (int c = 0; c < bound; c += S.length()) {
        FloatVector v = FloatVector.fromArray(S, x, base + c);
        if (b != null) v = v.add(FloatVector.fromArray(S, b, bo + c));
        if (relu) v = v.max(0f);
        v.intoArray(x, base + c);
      }
      for (int c = bound; c < cols; c++) {
        float v = x[base + c] + (b == null ? 0f : b[bo + c]);
        x[base + c] = relu ? Math.max(v, 0f) : v;
      }
    }
  }

  @Override
  public void reluBackward(float[] g, int go, float[] y, int yo, int from, int to) {
    int i = from;
    for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
      FloatVector gv = FloatVector.fromArray(S, g, go + i);
      VectorMask<Float> dead = FloatVector.fromArray(S, y, yo + i).compare(VectorOperators.LE, 0f);
      gv.blend(0f, dead).intoArray(g, go + i);
    }
    scalar.reluBackward(g, go, y, yo, i, to);
  }

  @Override
  public void columnSums(float[] m, int mo, int rows, int cols, int fromCol, int toCol, float[] out, int oo) {
    int c = fromCol;
    for (int bound = fromCol + S.loopBound(toCol - fromCol); c < bound; c += S.length()) {
      FloatVector sum = FloatVector.zero(S);
      for (int r = 0; r < rows; r++) sum = sum.add(FloatVector.fromArray(S, m, mo + r * cols + c));
      sum.intoArray(out, oo + c);
    }
    if (c < toCol) scalar.columnSums(m, mo, rows, cols, c, toCol, out, oo);
  }

  @Override
  public float bernoulliRow(float[] l, int lo, float[] x, int xo, float[] d, int dOffset, int n, float scale) {
    FloatVector sum = FloatVector.zero(S);
    FloatVector one = FloatVector.broadcast(S, 1f);
    int bound = S.loopBound(n);
    for (int i = 0; i < bound; i += S.length()) {
      FloatVector li = FloatVector.fromArray(S, l, lo + i);
      FloatVector xi = FloatVector.fromArray(S, x, xo + i);
      FloatVector e = VectorMath.exp(li.abs().neg());
      sum = sum.add(li.max(0f).sub(li.mul(xi)).add(VectorMath.log1pUnit(e)));
      if (d != null) {
        FloatVector inv = one.div(e.add(1f));
        FloatVector sigmoid = inv.blend(e.mul(inv), li.compare(VectorOperators.LT, 0f));
        sigmoid.sub(xi).mul(scale).intoArray(d, dOffset + i);
      }
    }
    float rest = bound < n ? scalar.bernoulliRow(l, lo + bound, x, xo + bound, d, dOffset + bound, n - bound, scale) : 0f;
    return inFixedOrder(sum) + rest;
  }

  /**
   * The sum of the lanes by a fixed tree: each round adds the vector rotated by half the remaining
   * width, then lane 0 holds the total (explicit shuffles, unlike {@code reduceLanes}, fix the order).
   */
  private static float inFixedOrder(FloatVector v) {
    for (VectorShuffle<Float> rotation : HALVING_ROTATIONS) v = v.add(v.rearrange(rotation));
    return v.lane(0);
  }

  @Override
  public void sigmoid(float[] a, int from, int to) {
    int i = from;
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, a, i);
      one.div(VectorMath.exp(v.neg()).add(1f)).intoArray(a, i);
    }
    scalar.sigmoid(a, i, to);
  }

  @Override
  public void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int from, int to,
      AdamStep k) {
    FloatVector b1 = FloatVector.broadcast(S, k.beta1()), c1 = FloatVector.broadcast(S, k.oneMinusBeta1());
    FloatVector b2 = FloatVector.broadcast(S, k.beta2()), c2 = FloatVector.broadcast(S, k.oneMinusBeta2());
    float stepSize = k.stepSize(), bc2Sqrt = k.biasCorrection2Sqrt(), eps = k.eps();
    float l2 = k.l2(), decay = k.decayFactor();
    int i = from;
    for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
      FloatVector pi = FloatVector.fromArray(S, p, po + i);
      FloatVector gi = FloatVector.fromArray(S, g, go + i).add(pi.mul(l2));
      FloatVector mi = FloatVector.fromArray(S, m, mo + i).mul(b1).add(gi.mul(c1));
      FloatVector vi = FloatVector.fromArray(S, v, vo + i).mul(b2).add(gi.mul(gi).mul(c2));
      mi.intoArray(m, mo + i);
      vi.intoArray(v, vo + i);
      FloatVector denom = vi.sqrt().div(bc2Sqrt).add(eps);
      pi.mul(decay).sub(mi.mul(stepSize).div(denom)).intoArray(p, po + i);
    }
    scalar.adam(p, po, g, go, m, mo, v, vo, i, to, k);
  }

  private static List<VectorShuffle<Float>> halvingRotations() {
    List<VectorShuffle<Float>> rotations = new ArrayList<>();
    for (int half = S.length() / 2; half >= 1; half /= 2) rotations.add(VectorShuffle.iota(S, half, 1, true));
    return List.copyOf(rotations);
  }

  @Override
  public String describe() {
    return "Vector API, " + S.length() + " float lanes";
  }
}
