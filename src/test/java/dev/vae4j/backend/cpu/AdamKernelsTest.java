package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vae4j.backend.AdamParams;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scalar Adam loops and the Vector API ones give the same bits, so the Vector API kernels may
 * hand aligned ranges to the scalar loop (which C2 vectorizes) and keep their own for the rest.
 */
class AdamKernelsTest {

  @ParameterizedTest
  @CsvSource({"false,0,false", "true,0,false", "true,0.01,false", "true,0.01,true"})
  void scalarAndVectorLoopsAgreeBitForBit(boolean twoGradients, double weightDecay, boolean decoupled) {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int n = 10_007, offset = 3; // offsets differ between arrays below, so the vector loops run
    float[] p = gaussian(random, n + offset, 1), g = gaussian(random, n + offset, 0.1), g2 = gaussian(random, n + offset, 0.1);
    float[] m = gaussian(random, n + offset, 0.01), v = gaussian(random, n + offset, 0.001);
    for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
    AdamStep k = AdamStep.of(new AdamParams(1e-3, 0.9, 0.999, 1e-8, weightDecay, decoupled), 1 + random.nextInt(100));

    float[] ps = p.clone(), ms = m.clone(), vs = v.clone(); // scalar loop, one shared offset
    new ScalarLoopKernels().adam(ps, offset, g, offset, twoGradients ? g2 : null, offset, ms, offset, vs, offset, 0, n, k);

    float[] pv = shifted(p, offset), mv = shifted(m, offset), vv = shifted(v, offset); // vector loops, offsets differ
    new VectorLoopKernels().adam(pv, 0, g, offset, twoGradients ? g2 : null, offset, mv, 0, vv, 0, 0, n, k);

    assertArrayEquals(shifted(ps, offset), pv, "parameters (seed " + seed + ")");
    assertArrayEquals(shifted(ms, offset), mv, "first moments (seed " + seed + ")");
    assertArrayEquals(shifted(vs, offset), vv, "second moments (seed " + seed + ")");
  }

  private static float[] gaussian(Random random, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (random.nextGaussian() * scale);
    return a;
  }

  private static float[] shifted(float[] a, int offset) {
    return java.util.Arrays.copyOfRange(a, offset, a.length);
  }
}
