package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The optimizer state's subnormals set to zero every {@link CpuOptimizer#SUBNORMAL_FLUSH_INTERVAL}th
 * step: the loop kernel of both kinds against its definition on random bit patterns, and Adam's
 * stuck moments (0.9 times the smallest subnormals rounds back to them) zeroed on that step only.
 */
class SubnormalFlushTest {
  private final long seed = new Random().nextLong();

  @Test
  void bothKernelKindsZeroExactlyTheSubnormalsKeepingTheirSign() {
    Random random = new Random(seed);
    int n = 1000 + random.nextInt(100);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      int bits = random.nextInt();
      if (random.nextBoolean()) bits &= 0x807FFFFF; // a zero exponent: subnormal, or a signed zero
      a[i] = Float.intBitsToFloat(bits);
    }
    a[0] = Float.MIN_NORMAL;
    a[1] = -Float.MIN_VALUE;
    a[2] = Float.NaN;
    a[3] = Float.NEGATIVE_INFINITY;
    float[] expected = a.clone();
    int from = 1 + random.nextInt(7), to = n - random.nextInt(7);
    for (int i = from; i < to; i++) {
      if (Math.abs(a[i]) < Float.MIN_NORMAL) expected[i] = Math.copySign(0f, a[i]);
    }
    for (LoopKernels kernels : new LoopKernels[] {new ScalarLoopKernels(), new VectorLoopKernels()}) {
      float[] flushed = a.clone();
      kernels.flushSubnormals(flushed, from, to);
      for (int i = 0; i < n; i++) {
        assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(flushed[i]),
            kernels.describe() + ", element " + i + " of [" + from + ", " + to + ") (seed " + seed + ")");
      }
    }
  }

  @Test
  void stuckMomentsAreZeroedOnEverySixtyFourthStepOnly() {
    int interval = CpuOptimizer.SUBNORMAL_FLUSH_INTERVAL, n = 37;
    try (CpuBackend backend = new CpuBackend(1)) {
      float[] stuck = new float[n];
      for (int i = 0; i < n; i++) stuck[i] = Float.intBitsToFloat(1 + i % 4) * (i % 2 == 0 ? 1 : -1); // 1-4 ulps
      Tensor params = backend.allocate(n), grads = backend.allocate(n), m = backend.allocate(n), v = backend.allocate(n);
      backend.fill(params, 0.5f);
      backend.fill(grads, 0f);
      backend.upload(stuck, m);
      float[] stuckSquares = new float[n]; // v >= 0
      for (int i = 0; i < n; i++) stuckSquares[i] = Math.abs(stuck[i]);
      backend.upload(stuckSquares, v);
      AdamParams adam = AdamParams.pytorchDefaults(1e-3);
      backend.adamUpdate(params, grads, m, v, adam, interval - 1);
      assertArrayEquals(stuck, backend.download(m), "0.9 times 1-4 ulps rounds back to them: stuck");
      assertArrayEquals(stuckSquares, backend.download(v), "0.999 times them too");
      backend.adamUpdate(params, grads, m, v, adam, interval);
      float[] after = backend.download(m), afterV = backend.download(v);
      for (int i = 0; i < n; i++) {
        assertEquals(0f, Math.abs(after[i]), "m[" + i + "] after step " + interval);
        assertEquals(0f, Math.abs(afterV[i]), "v[" + i + "] after step " + interval);
      }
      float[] p = backend.download(params);
      for (float x : p) assertEquals(0.5f, x, "parameters moved by less than a float's resolution");
    }
  }
}
