package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.RmspropParams;
import dev.vae4j.backend.SgdParams;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code update}'s rules (optim.cu) against the CPU's on the same random inputs, a few steps, and
 * clipping (clip.cu); GPU only.
 */
@RequiresGpu
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaOptimizerVsCpuTest {
  private Backend cpu;
  private Backend gpu;
  private long seed;

  @BeforeAll
  void open() {
    cpu = new CpuBackend(2);
    gpu = new CudaBackend(CudaOptions.defaults().withSyncEveryOp(true));
    seed = new Random().nextLong();
  }

  @AfterAll
  void close() {
    if (gpu != null) gpu.close();
    if (cpu != null) cpu.close();
  }

  @ParameterizedTest
  @CsvSource({"sgd,0,0", "sgd:0.9,0.01,0.001", "rmsprop,0.01,0.001", "adam,0.01,0.001", "adamw,0.01,0.001"})
  void sameAsTheCpu(String name, double weightDecay, double l1) {
    Random random = new Random(seed);
    int n = 100_003;
    float[] p = new float[n], g = new float[n];
    for (int i = 0; i < n; i++) {
      p[i] = i % 97 == 0 ? 0 : (float) random.nextGaussian();
      g[i] = (float) (0.1 * random.nextGaussian());
    }
    OptimizerParams h = name.startsWith("sgd") ? new SgdParams(0.1, name.contains(":") ? 0.9 : 0, weightDecay)
        : name.equals("rmsprop") ? RmspropParams.pytorchDefaults(1e-3, weightDecay)
        : new AdamParams(1e-3, 0.9, 0.999, 1e-8, weightDecay, name.equals("adamw"));
    Tensor[] c = tensors(cpu, p, n), d = tensors(gpu, p, n);
    for (long step = 1; step <= 3; step++) {
      cpu.upload(g, c[3]);
      gpu.upload(g, d[3]);
      cpu.update(c[0], new Tensor[] {c[3]}, c[1], c[2], h, l1, step);
      gpu.update(d[0], new Tensor[] {d[3]}, d[1], d[2], h, l1, step);
    }
    for (int t = 0; t < 3; t++) {
      float[] a = cpu.download(c[t]), b = gpu.download(d[t]);
      for (int i = 0; i < n; i++) {
        double tol = 1e-6 + 1e-5 * Math.abs(a[i]);
        assertTrue(Math.abs(a[i] - b[i]) <= tol,
            name + " tensor " + t + " [" + i + "]: cpu " + a[i] + ", cuda " + b[i] + " (seed " + seed + ")");
      }
    }
  }

  /** clip.cu's squared norm, scale and norm sums against the CPU's, below and above MAX. */
  @ParameterizedTest
  @CsvSource({"1", "1000"})
  void clippingSameAsTheCpu(double max) {
    Random random = new Random(seed);
    int n = 300_007;
    float[] g = new float[n];
    for (int i = 0; i < n; i++) g[i] = (float) (0.01 * random.nextGaussian());
    float[][] out = new float[2][];
    float[][] scalars = new float[2][];
    Backend[] backends = {cpu, gpu};
    for (int b = 0; b < 2; b++) {
      Backend be = backends[b];
      Tensor t = be.allocate(n), sq = be.allocate(1), sums = be.allocate(2);
      be.upload(g, t);
      be.fill(sums, 0f);
      be.gradientSquaredNorm(new Tensor[] {t}, sq);
      be.clipGradients(t, sq, max, sums);
      out[b] = be.download(t);
      scalars[b] = new float[] {be.download(sq)[0], be.download(sums)[0], be.download(sums)[1]};
    }
    for (int k = 0; k < 3; k++) {
      assertTrue(Math.abs(scalars[0][k] - scalars[1][k]) <= 1e-6 * Math.abs(scalars[0][k]),
          "scalar " + k + ": cpu " + scalars[0][k] + ", cuda " + scalars[1][k] + " (seed " + seed + ")");
    }
    for (int i = 0; i < n; i++) {
      assertTrue(Math.abs(out[0][i] - out[1][i]) <= 1e-6 * Math.abs(out[0][i]) + 1e-12,
          "max " + max + " [" + i + "]: cpu " + out[0][i] + ", cuda " + out[1][i] + " (seed " + seed + ")");
    }
  }

  /** Parameters, m, v (zeros) and a gradient buffer. */
  private static Tensor[] tensors(Backend b, float[] p, int n) {
    Tensor[] t = {b.allocate(n), b.allocate(n), b.allocate(n), b.allocate(n)};
    b.upload(p, t[0]);
    b.fill(t[1], 0f);
    b.fill(t[2], 0f);
    return t;
  }
}
