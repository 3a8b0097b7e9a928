package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Precision;
import dev.vae4j.backend.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --precision bf16}'s GEMMs against double-precision references, on the step's shapes and
 * transposes, with two tolerances per element of C, both relative to {@code S = sum_p |a_ip| |b_pj|}:
 *
 * <ul>
 *   <li>against the exact product of the float inputs: {@code (2^-8 + k 2^-23) S}. Rounding to
 *       bfloat16 (8 significant bits, nearest even) changes each input by a relative 2^-9 at most,
 *       so each product by {@code (1 + d1)(1 + d2) - 1 <= 2^-8 + 2^-18}; the float32 accumulation of
 *       k terms, in any order or blocking, adds at most {@code k 2^-24} relative to S, doubled for
 *       oneDNN's pairwise dot-product steps. The typical error is far smaller (random signs: about
 *       {@code 2^-9 sqrt(k)} times a term's size), but this bound holds for every input;
 *   <li>against the exact product of the inputs rounded to bfloat16 in double ({@link Bf16#round}):
 *       {@code k 2^-23 S}, the accumulation alone. This pins the rounding: truncating instead of
 *       rounding to nearest would miss it by 2^-9 S.
 * </ul>
 *
 * and checks that the error against the float inputs is at least 2^-20 S somewhere, which an FP32
 * GEMM (errors near 2^-24 S) would not reach: the GEMM really reads bfloat16.
 */
class Bf16GemmTest {
  private static final long SEED = new Random().nextLong();
  private static CpuBackend backend;

  @BeforeAll
  static void start() {
    assumeTrue(CpuBackend.unsupportedReason(Precision.BF16) == null,
        "no native BF16 on this CPU: " + CpuBackend.unsupportedReason(Precision.BF16));
    backend = new CpuBackend(2, "dnnl", Precision.BF16);
    System.out.println("Bf16GemmTest seed " + SEED);
  }

  @AfterAll
  static void stop() {
    if (backend != null) backend.close();
  }

  @Test
  void theStepsShapesMeetTheBf16Bounds() {
    Random random = new Random(SEED);
    int[][] shapes = {{128, 400, 784}, {400, 784, 128}, {128, 784, 400}, {64, 40, 400}, {7, 13, 33}};
    for (int[] s : shapes) {
      for (int t = 0; t < 4; t++) {
        check(random, t / 2 == 1, t % 2 == 1, s[0], s[1], s[2], 1f, 0f);
      }
    }
  }

  @Test
  void alphaAndBetaAreApplied() {
    Random random = new Random(SEED + 1);
    check(random, false, true, 33, 17, 65, 0.5f, 1f);
    check(random, true, false, 20, 30, 40, -2f, 0.25f);
  }

  @Test
  void weightsUpdatedByAdamAreReadAgainRounded() {
    Random random = new Random(SEED + 2);
    int m = 16, n = 24, k = 32;
    float[] a = values(random, m * k), w = values(random, n * k);
    Tensor at = upload(a), wt = upload(w), ct = backend.allocate((long) m * n);
    backend.gemm(false, true, m, n, k, 1f, at, wt, 0f, ct);
    Tensor g = upload(values(random, n * k)), mt = backend.allocate(n * k), vt = backend.allocate(n * k);
    backend.fill(mt, 0f);
    backend.fill(vt, 0f);
    backend.adamUpdate(wt, g, mt, vt, AdamParams.pytorchDefaults(0.1), 1);
    float[] updated = backend.download(wt);
    backend.gemm(false, true, m, n, k, 1f, at, wt, 0f, ct);
    assertWithin(a, updated, false, true, m, n, k, 1f, 0f, null, backend.download(ct));
  }

  @Test
  void roundingIsToNearestEven() {
    assertEquals((short) 0x3F80, Bf16.round(1f));
    assertEquals((short) 0x3F80, Bf16.round(Float.intBitsToFloat(0x3F808000))); // tie, 0x3F80 even: down
    assertEquals((short) 0x3F82, Bf16.round(Float.intBitsToFloat(0x3F818000))); // tie, 0x3F81 odd: up
    assertEquals((short) 0x3F81, Bf16.round(Float.intBitsToFloat(0x3F808001)));
    assertEquals((short) 0x7F80, Bf16.round(Float.POSITIVE_INFINITY));
    assertTrue(Float.isNaN(Bf16.value(Bf16.round(Float.NaN))));
    assertTrue(Float.isNaN(Bf16.value(Bf16.round(Float.intBitsToFloat(0x7F800001))))); // low-bit NaN stays NaN
  }

  @Test
  void vectorAndScalarRoundingGiveTheSameBits() {
    Random random = new Random(SEED + 3);
    float[] x = new float[1031];
    for (int i = 0; i < x.length; i++) x[i] = Float.intBitsToFloat(random.nextInt());
    x[5] = Float.NaN;
    x[6] = Float.intBitsToFloat(0x3F808000);
    ByteBuffer scalar = ByteBuffer.allocateDirect(2 * x.length).order(ByteOrder.nativeOrder());
    ByteBuffer vector = ByteBuffer.allocateDirect(2 * x.length).order(ByteOrder.nativeOrder());
    new ScalarLoopKernels().toBf16(x, 0, x.length, scalar);
    new VectorLoopKernels().toBf16(x, 0, x.length, vector);
    for (int i = 0; i < x.length; i++) {
      assertEquals(Bf16.round(x[i]), scalar.getShort(2 * i), "scalar, element " + i);
      assertEquals(scalar.getShort(2 * i), vector.getShort(2 * i), "vector, element " + i + " seed " + SEED);
    }
  }

  @Test
  void refusedWithoutNativeBf16() {
    java.util.Optional<String> zen4Without = java.util.Optional.of("fpu sse2 avx2 avx512f avx512bw avx512_vnni");
    String reason = Bf16Isa.unsupportedReason(zen4Without, () -> "AVX512_CORE_AMX");
    assertTrue(reason.contains("AVX512-BF16 or AMX-BF16"), reason);
    assertNull(Bf16Isa.unsupportedReason(java.util.Optional.of("avx2 avx512_bf16"), () -> "none"));
    assertNull(Bf16Isa.unsupportedReason(java.util.Optional.of("amx_tile amx_bf16"), () -> "none"));
    assertNull(Bf16Isa.unsupportedReason(java.util.Optional.empty(), () -> "AVX512_CORE_BF16"));
    assertTrue(Bf16Isa.unsupportedReason(java.util.Optional.empty(), () -> "AVX2").contains("AVX2".toLowerCase()));
  }

  private void check(Random random, boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {
    float[] a = values(random, m * k), b = values(random, k * n);
    float[] c0 = beta == 0f ? nans(m * n) : values(random, m * n);
    Tensor at = upload(a), bt = upload(b), ct = upload(c0);
    backend.gemm(transA, transB, m, n, k, alpha, at, bt, beta, ct);
    float[] c = backend.download(ct);
    double largest = assertWithin(a, b, transA, transB, m, n, k, alpha, beta, c0, c);
    assertTrue(largest > Math.pow(2, -20), "error at most " + largest + " S: not a bf16 GEMM? seed " + SEED);
  }

  /** Asserts both bounds; returns the largest error against the float inputs, in units of S. */
  private static double assertWithin(float[] a, float[] b, boolean transA, boolean transB, int m, int n, int k,
      float alpha, float beta, float[] c0, float[] c) {
    double largest = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double exact = 0, rounded = 0, size = 0;
        for (int p = 0; p < k; p++) {
          float x = transA ? a[p * m + i] : a[i * k + p], y = transB ? b[j * k + p] : b[p * n + j];
          exact += (double) x * y;
          rounded += (double) Bf16.value(Bf16.round(x)) * Bf16.value(Bf16.round(y));
          size += Math.abs((double) x * y);
        }
        double base = beta == 0f ? 0 : beta * (double) c0[i * n + j];
        double s = Math.abs(alpha) * size + Math.abs(base) * 0x1p-23;
        double got = c[i * n + j];
        double errExact = Math.abs(got - (alpha * exact + base)), errRounded = Math.abs(got - (alpha * rounded + base));
        String where = "C[" + i + "," + j + "] of " + m + "x" + n + "x" + k + (transA ? " A^T" : "") + (transB ? " B^T" : "")
            + " seed " + SEED;
        assertTrue(errExact <= (0x1p-8 + k * 0x1p-23) * s, where + ": " + got + " vs exact " + exact);
        assertTrue(errRounded <= k * 0x1p-23 * s, where + ": " + got + " vs bf16-rounded inputs " + rounded);
        largest = Math.max(largest, errExact / s);
      }
    }
    return largest;
  }

  private static float[] values(Random random, int count) {
    float[] x = new float[count];
    for (int i = 0; i < count; i++) x[i] = (float) random.nextGaussian();
    return x;
  }

  private static float[] nans(int count) {
    float[] x = new float[count];
    java.util.Arrays.fill(x, Float.NaN);
    return x;
  }

  private static Tensor upload(float[] x) {
    Tensor t = backend.allocate(x.length);
    backend.upload(x, t);
    return t;
  }
}
