package dev.vae4j.backend.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
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
  /** Shorts as many as {@link #S}'s floats, in half its width: {@link #toBf16}'s narrowing target. */
  private static final VectorSpecies<Short> HALF_SHORTS =
      VectorSpecies.of(short.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
  private static final VectorSpecies<Integer> INTS = S.withLanes(int.class);
  /** Bytes as many as {@link #S}'s floats, in a quarter of its width: {@link #pixelsToFloats}' source. */
  private static final VectorSpecies<Byte> QUARTER_BYTES =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(S.vectorBitSize() / 4));
  private final ScalarLoopKernels scalar = new ScalarLoopKernels();
  private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[0]);

  @Override
  public void toBf16(float[] x, int from, int count, ByteBuffer dst) {
    int bound = S.loopBound(count);
    for (int i = 0; i < bound; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, from + i);
      IntVector bits = v.reinterpretAsInts();
      IntVector high = bits.lanewise(VectorOperators.LSHR, 16);
      IntVector rounded = bits.add(0x7FFF).add(high.and(1)).lanewise(VectorOperators.LSHR, 16);
      rounded = rounded.blend(high.or(0x40), v.test(VectorOperators.IS_NAN).cast(INTS));
      rounded.convertShape(VectorOperators.I2S, HALF_SHORTS, 0).reinterpretAsShorts()
          .intoByteBuffer(dst, 2 * i, dst.order());
    }
    for (int i = bound; i < count; i++) dst.putShort(2 * i, Bf16.round(x[from + i]));
  }

  @Override
  public void pixelsToFloats(byte[] src, int from, float[] dst, int to, int count) {
    int bound = S.loopBound(count);
    for (int i = 0; i < bound; i += S.length()) {
      IntVector pixels = (IntVector) ByteVector.fromArray(QUARTER_BYTES, src, from + i).convertShape(VectorOperators.B2I, INTS, 0);
      ((FloatVector) pixels.and(0xff).convert(VectorOperators.I2F, 0)).div(255f).intoArray(dst, to + i);
    }
    LoopKernels.super.pixelsToFloats(src, from + bound, dst, to + bound, count - bound);
  }

  @Override
  public void flushSubnormals(float[] a, int from, int to) {
    int bound = from + S.loopBound(to - from);
    for (int i = from; i < bound; i += S.length()) {
      IntVector bits = FloatVector.fromArray(S, a, i).reinterpretAsInts();
      VectorMask<Integer> subnormalOrZero = bits.and(0x7F800000).eq(0);
      if (subnormalOrZero.anyTrue()) bits.blend(bits.and(0x80000000), subnormalOrZero).reinterpretAsFloats().intoArray(a, i);
    }
    LoopKernels.super.flushSubnormals(a, bound, to);
  }

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

  /**
   * Three passes over the row: exp into a per-thread scratch row, then the loss's linear part and
   * the gradient, then the log1p terms. C2 stops inlining once a method's graph is large: with exp
   * and log1p in one loop body, log1p stayed a call taking a FloatVector of unknown shape, which
   * runs the Vector API's slow Java fallback (seen in a JFR profile; the loss took twice as long).
   */
  @Override
  public float bernoulliRow(float[] l, int lo, float[] x, int xo, float[] d, int dOffset, int n, float scale) {
    int bound = S.loopBound(n);
    float[] e = scratchRow(bound + S.length()); // exp values, then one vector's room to sum lanes in
    expOfMinusAbs(l, lo, e, bound);
    // Two methods rather than an `if (d != null)` in one loop: validation (no gradient) arriving
    // after thousands of training rows made C2 throw away the compiled loop (seen in JFR's
    // deoptimization events), and Vector API code allocates until it is compiled again.
    float linear = d == null
        ? linearPart(l, lo, x, xo, e, bound)
        : linearPartAndGradient(l, lo, x, xo, e, d, dOffset, bound, scale);
    float softplus = sumOfLog1p(e, bound);
    float rest = bound < n ? scalar.bernoulliRow(l, lo + bound, x, xo + bound, d, dOffset + bound, n - bound, scale) : 0f;
    return linear + softplus + rest;
  }

  /** e[i] = exp(-|l[lo + i]|) for i in [0, n), n a multiple of the vector length. */
  private static void expOfMinusAbs(float[] l, int lo, float[] e, int n) {
    for (int i = 0; i < n; i += S.length()) {
      VectorMath.exp(FloatVector.fromArray(S, l, lo + i).abs().neg()).intoArray(e, i);
    }
  }

  /**
   * The sum of max(l, 0) - l x over n logits, n a multiple of the vector length; e is only room, one
   * vector long from e[n], to sum the lanes in.
   */
  private static float linearPart(float[] l, int lo, float[] x, int xo, float[] e, int n) {
    FloatVector sum = FloatVector.zero(S);
    for (int i = 0; i < n; i += S.length()) {
      FloatVector li = FloatVector.fromArray(S, l, lo + i);
      sum = sum.add(li.max(0f).sub(li.mul(FloatVector.fromArray(S, x, xo + i))));
    }
    sum.intoArray(e, n);
    return sumOfLanes(e, n);
  }

  /**
   * {@link #linearPart}, and d = scale (sigmoid(l) - x) from e = exp(-|l|) (d may alias l: each
   * element is read before it is written).
   */
  private static float linearPartAndGradient(float[] l, int lo, float[] x, int xo, float[] e, float[] d, int dOffset,
      int n, float scale) {
    FloatVector sum = FloatVector.zero(S);
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (int i = 0; i < n; i += S.length()) {
      FloatVector li = FloatVector.fromArray(S, l, lo + i);
      FloatVector xi = FloatVector.fromArray(S, x, xo + i);
      sum = sum.add(li.max(0f).sub(li.mul(xi)));
      FloatVector ei = FloatVector.fromArray(S, e, i);
      FloatVector inv = one.div(ei.add(1f));
      FloatVector sigmoid = inv.blend(ei.mul(inv), li.compare(VectorOperators.LT, 0f));
      sigmoid.sub(xi).mul(scale).intoArray(d, dOffset + i);
    }
    sum.intoArray(e, n);
    return sumOfLanes(e, n);
  }

  /** The sum of log1p(e[i]) for i in [0, n), n a multiple of the vector length and e one vector longer. */
  private static float sumOfLog1p(float[] e, int n) {
    FloatVector sum = FloatVector.zero(S);
    for (int i = 0; i < n; i += S.length()) sum = sum.add(VectorMath.log1pUnit(FloatVector.fromArray(S, e, i)));
    sum.intoArray(e, n);
    return sumOfLanes(e, n);
  }

  /** This thread's scratch row of at least {@code n} floats (allocated once per thread and size). */
  private float[] scratchRow(int n) {
    float[] row = scratch.get();
    if (row.length < n) {
      row = new float[n];
      scratch.set(row);
    }
    return row;
  }

  /**
   * The sum of one vector's lanes stored at {@code room[at..]}, first to last: a fixed order,
   * unlike {@code reduceLanes}; lane extraction or shuffles in a loop instead made the loss 2.5x
   * slower. Callers store the vector themselves: a method taking a FloatVector that C2 does not
   * inline (a call site outside the loop often is not) gets a boxed vector, two allocations a call.
   */
  private static float sumOfLanes(float[] room, int at) {
    float total = 0f;
    for (int lane = 0; lane < S.length(); lane++) total += room[at + lane];
    return total;
  }

  /** Each row's first multiple of the vector length in lanes, the rest ({@code latent % lanes}) in scalar code. */
  @Override
  public void reparameterize(float[] stats, int so, float[] eps, int eo, float[] z, int zo, int fromRow, int toRow,
      int latent) {
    int bound = S.loopBound(latent);
    for (int r = fromRow; r < toRow; r++) {
      int mu = so + r * 2 * latent, lv = mu + latent, e = eo + r * latent, zr = zo + r * latent;
      for (int j = 0; j < bound; j += S.length()) {
        FloatVector sigma = VectorMath.exp(FloatVector.fromArray(S, stats, lv + j).mul(0.5f));
        FloatVector.fromArray(S, stats, mu + j).add(sigma.mul(FloatVector.fromArray(S, eps, e + j))).intoArray(z, zr + j);
      }
      if (bound < latent) ScalarLoopKernels.reparameterizeRow(stats, so, eps, eo, z, zo, r, bound, latent);
    }
  }

  @Override
  public void reparameterizeBackward(float[] dz, int dzo, float[] stats, int so, float[] eps, int eo, float[] dstats,
      int dso, int fromRow, int toRow, int latent) {
    int bound = S.loopBound(latent);
    for (int r = fromRow; r < toRow; r++) {
      int lv = so + r * 2 * latent + latent, dmu = dso + r * 2 * latent, dlv = dmu + latent;
      int e = eo + r * latent, g = dzo + r * latent;
      for (int j = 0; j < bound; j += S.length()) {
        FloatVector grad = FloatVector.fromArray(S, dz, g + j);
        FloatVector sigma = VectorMath.exp(FloatVector.fromArray(S, stats, lv + j).mul(0.5f));
        FloatVector.fromArray(S, dstats, dmu + j).add(grad).intoArray(dstats, dmu + j);
        FloatVector dlogvar = grad.mul(FloatVector.fromArray(S, eps, e + j)).mul(0.5f).mul(sigma);
        FloatVector.fromArray(S, dstats, dlv + j).add(dlogvar).intoArray(dstats, dlv + j);
      }
      if (bound < latent) {
        ScalarLoopKernels.reparameterizeBackwardRow(dz, dzo, stats, so, eps, eo, dstats, dso, r, bound, latent);
      }
    }
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

  /**
   * The scalar loop: C2 vectorizes it itself when the arrays share one offset (every use in
   * training), a little faster than a Vector API loop (0.09 against 0.11 ms for 324k parameters),
   * and it allocates nothing before C2 compiles it, where a Vector API loop allocates an object per
   * operation: that Adam was most of a training run's warm-up garbage (docs/benchmarks.md).
   */
  @Override
  public void adam(float[] p, int po, float[] g, int go, float[] g2, int g2o, float[] m, int mo, float[] v, int vo,
      int from, int to, AdamStep k) {
    scalar.adam(p, po, g, go, g2, g2o, m, mo, v, vo, from, to, k);
  }

  /**
   * Here in Vector API lanes: C2 does not vectorize loads from a buffer. Each lane does the scalar
   * loop's operations in its order (no fused multiply-add; SQRT is correctly rounded like the
   * scalar's float-rounded double square root), so the bits are the scalar kernel's.
   */
  @Override
  public void adamFromMirrors(float[] p, float[] m, float[] v, ByteBuffer g, ByteBuffer g2, int from, int to,
      AdamStep k) {
    float b1 = k.beta1(), b2 = k.beta2(), c1 = k.oneMinusBeta1(), c2 = k.oneMinusBeta2();
    float stepSize = k.stepSize(), bc2Sqrt = k.biasCorrection2Sqrt(), eps = k.eps();
    float l2 = k.l2(), decay = k.decayFactor();
    ByteOrder order = ByteOrder.nativeOrder();
    int bound = from + S.loopBound(to - from);
    for (int i = from; i < bound; i += S.length()) {
      FloatVector pi = FloatVector.fromArray(S, p, i);
      FloatVector gi = FloatVector.fromByteBuffer(S, g, 4 * i, order);
      if (g2 != null) gi = gi.add(FloatVector.fromByteBuffer(S, g2, 4 * i, order));
      gi = gi.add(pi.mul(l2));
      FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(c1));
      FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(gi).mul(c2));
      mi.intoArray(m, i);
      vi.intoArray(v, i);
      pi.mul(decay).sub(mi.mul(stepSize).div(vi.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps))).intoArray(p, i);
    }
    scalar.adamFromMirrors(p, m, v, g, g2, bound, to, k);
  }

  @Override
  public boolean readsMirrorsFast() {
    return true;
  }

  @Override
  public String describe() {
    return "Vector API, " + S.length() + " float lanes";
  }
}
