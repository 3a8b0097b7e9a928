package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;

/**
 * The CPU backend's elementwise loops, behind one interface with two implementations, as in
 * Lucene's vectorization provider: {@link ScalarLoopKernels} everywhere, and {@link
 * VectorLoopKernels} using the incubating Vector API when the JVM runs with {@code --add-modules
 * jdk.incubator.vector}. The Vector API matters because HotSpot cannot vectorize exp/log on its own
 * (the 128 x 784 Bernoulli loss: 2.0 ms scalar, 0.12 ms vectorized) nor loops whose arrays are
 * indexed at different offsets (a bias added along each row, parameter views in one buffer).
 * {@link #select} picks one at start-up and says why. Each method covers a sub-range so {@link
 * ParallelRanges} can split it; contracts are those of the matching {@link
 * dev.vae4j.backend.Backend} methods. Arrays are given with the offset of element 0.
 */
interface LoopKernels {

  /**
   * dst[i] = x[from + i] rounded to bfloat16, nearest even (NaN stays a quiet NaN), for i in
   * [0, count), stored as two bytes in {@code dst}'s order from its byte 0: the GEMM operands of
   * {@code --precision bf16}. The bits are the same for both kernel kinds.
   */
  default void toBf16(float[] x, int from, int count, java.nio.ByteBuffer dst) {
    for (int i = 0; i < count; i++) dst.putShort(2 * i, Bf16.round(x[from + i]));
  }

  /**
   * a[i] = a signed zero where a[i] is subnormal, for i in [from, to); every other value (zeros,
   * normal numbers, infinities, NaN) is kept. Decided on the bits alone (a zero exponent field), so
   * that it does no floating-point arithmetic on the subnormals it removes, and gives the same
   * bits for both kernel kinds.
   */
  default void flushSubnormals(float[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      int bits = Float.floatToRawIntBits(a[i]);
      if ((bits & 0x7F800000) == 0) a[i] = Float.intBitsToFloat(bits & 0x80000000);
    }
  }

  /**
   * dst[to + i] = (src[from + i] &amp; 0xff) / 255f for i in [0, count): 8-bit pixels as the floats
   * {@code gatherRows} gives the step. Division, correctly rounded in every lane, so the same bits
   * for both kernel kinds ({@link CpuPixelTensor#VALUE}'s).
   */
  default void pixelsToFloats(byte[] src, int from, float[] dst, int to, int count) {
    for (int i = 0; i < count; i++) dst[to + i] = CpuPixelTensor.VALUE[src[from + i] & 0xff];
  }

  /** x[r, c] = act(x[r, c] + b[c]) for rows [fromRow, toRow); {@code b} may be null; ReLU or identity. */
  void biasRelu(float[] x, int xo, float[] b, int bo, int fromRow, int toRow, int cols, boolean relu);

  /** g[i] = 0 where y[i] <= 0, for i in [from, to). */
  void reluBackward(float[] g, int go, float[] y, int yo, int from, int to);

  /**
   * x[i] = act(x[i]) for i in [from, to), for {@link Activation#ELU}, {@link Activation#TANH}, {@link Activation#LEAKY_RELU}
   * (of {@code act}'s slope), {@link Activation#GELU} ({@link Gelu}), and {@link Activation#RELU} and
   * {@link Activation#IDENTITY} (for a pass that keeps the pre-activation):
   * one scalar loop for both kernel kinds, so that a run resumed under the other kind (the JIT's
   * Vector API or the interpreter's scalar loop) continues bit for bit: {@code StrictMath}'s
   * expm1 and tanh give the same bits everywhere, which neither Vector API lanes nor {@code Math}'s
   * (intrinsifiable) versions promise.
   */
  default void activate(float[] x, int from, int to, ActivationFunction act) {
    if (act.kind() == Activation.ELU) {
      for (int i = from; i < to; i++) x[i] = x[i] > 0f ? x[i] : (float) StrictMath.expm1(x[i]);
    } else if (act.kind() == Activation.TANH) {
      for (int i = from; i < to; i++) x[i] = (float) StrictMath.tanh(x[i]);
    } else if (act.kind() == Activation.LEAKY_RELU) {
      float slope = act.slope();
      for (int i = from; i < to; i++) x[i] = x[i] > 0f ? x[i] : slope * x[i];
    } else if (act.kind() == Activation.GELU) {
      for (int i = from; i < to; i++) x[i] = Gelu.forward(x[i]);
    } else if (act.kind() == Activation.RELU) {
      for (int i = from; i < to; i++) x[i] = Math.max(x[i], 0f);
    } else if (act.kind() != Activation.IDENTITY) {
      throw new IllegalArgumentException("activate does not cover " + act);
    }
  }

  /**
   * g[i] = g[i] * act'(y[i]) for i in [from, to), from the output y of {@link #activate}: ELU
   * {@code y > 0 ? 1 : y + 1}, TANH {@code 1 - y^2}, LEAKY_RELU
   * {@code y > 0 ? 1 : slope}; GELU from the pre-activation in place of y, {@code Phi(y) + y phi(y)}
   * ({@link Gelu#derivative}). Scalar in both kinds, as {@link #activate}.
   */
  default void activationBackward(float[] g, int go, float[] y, int yo, int from, int to, ActivationFunction act) {
    if (act.kind() == Activation.ELU) {
      for (int i = from; i < to; i++) {
        float out = y[yo + i];
        if (!(out > 0f)) g[go + i] *= out + 1f;
      }
    } else if (act.kind() == Activation.TANH) {
      for (int i = from; i < to; i++) {
        float out = y[yo + i];
        g[go + i] *= 1f - out * out;
      }
    } else if (act.kind() == Activation.LEAKY_RELU) {
      float slope = act.slope();
      for (int i = from; i < to; i++) if (!(y[yo + i] > 0f)) g[go + i] *= slope;
    } else if (act.kind() == Activation.GELU) {
      for (int i = from; i < to; i++) g[go + i] *= Gelu.derivative(y[yo + i]);
    } else {
      throw new IllegalArgumentException("activationBackward covers ELU, TANH, LEAKY_RELU and GELU, not " + act);
    }
  }

  /** out[c] = sum over rows of m[r, c], for columns [fromCol, toCol). */
  void columnSums(float[] m, int mo, int rows, int cols, int fromCol, int toCol, float[] out, int oo);

  /**
   * The Bernoulli negative log-likelihood of one row of {@code n} logits at {@code l[lo..]} against
   * targets {@code x[xo..]}, in the stable form max(l,0) - l*x + log1p(exp(-|l|)), returned; and,
   * unless {@code d} is null, {@code d[dOffset..] = scale * (sigmoid(l) - x)} (may alias {@code l}).
   */
  float bernoulliRow(float[] l, int lo, float[] x, int xo, float[] d, int dOffset, int n, float scale);

  /**
   * z[r, j] = mu[r, j] + exp(logvar[r, j] / 2) * eps[r, j] for rows [fromRow, toRow), where {@code
   * stats} rows hold {@code latent} mu then {@code latent} logvar values and {@code eps}, {@code z}
   * rows {@code latent} values.
   */
  void reparameterize(float[] stats, int so, float[] eps, int eo, float[] z, int zo, int fromRow, int toRow, int latent);

  /**
   * Backward of {@link #reparameterize}, accumulated: dmu[r, j] += dz[r, j] and dlogvar[r, j] +=
   * dz[r, j] * eps[r, j] * exp(logvar[r, j] / 2) / 2, {@code dstats} laid out as {@code stats}.
   */
  void reparameterizeBackward(float[] dz, int dzo, float[] stats, int so, float[] eps, int eo, float[] dstats, int dso,
      int fromRow, int toRow, int latent);

  /** a[i] = 1 / (1 + exp(-a[i])) for i in [from, to). */
  void sigmoid(float[] a, int from, int to);

  /**
   * One Adam/AdamW update of elements [from, to) with gradient {@code g}, or {@code g + g2} (one
   * float addition) when {@code g2} is not null; see {@link AdamStep}.
   */
  void adam(float[] p, int po, float[] g, int go, float[] g2, int g2o, float[] m, int mo, float[] v, int vo, int from,
      int to, AdamStep k);

  /**
   * {@link #adam} of elements [from, to) of arrays that share one index, the gradient read from
   * off-heap buffers instead (native byte order, element i at byte 4 i: the GEMMs' output mirrors,
   * {@link CpuTensor#mirrorForRead}); the same arithmetic, so the same bits.
   */
  void adamFromMirrors(float[] p, float[] m, float[] v, java.nio.ByteBuffer g, java.nio.ByteBuffer g2, int from, int to,
      AdamStep k);

  /**
   * Whether {@link #adamFromMirrors} runs about as fast as {@link #adam} on the heap: true for the
   * Vector API's buffer loads; C2 does not vectorize the scalar kernel's (9x slower, 1.1 against
   * 0.12 ms for 326,400 parameters on the Zen 4 VM), so for it the optimizer copies the gradients
   * back to the heap first.
   */
  default boolean readsMirrorsFast() {
    return false;
  }

  /** Short description for logs. */
  String describe();

  /** The implementation and the reason it was chosen. */
  record Choice(LoopKernels kernels, String reason) {}

  /**
   * The Vector API implementation when its module is present and not disabled, else the scalar
   * one; choosing the former also keeps its loops out of their callers' JIT compilations ({@link
   * KernelInlining}).
   */
  static Choice select() {
    if (Boolean.getBoolean("vae4j.scalar")) {
      return new Choice(new ScalarLoopKernels(), "scalar loops (forced by -Dvae4j.scalar=true)");
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return new Choice(new ScalarLoopKernels(),
          "scalar loops (Vector API not enabled: run java with --add-modules jdk.incubator.vector, several times faster)");
    }
    try {
      LoopKernels vector = new VectorLoopKernels();
      KernelInlining.keepOutOfCallersSoon();
      return new Choice(vector, vector.describe());
    } catch (LinkageError e) {
      return new Choice(new ScalarLoopKernels(), "scalar loops (Vector API unusable: " + e + ")");
    }
  }
}
