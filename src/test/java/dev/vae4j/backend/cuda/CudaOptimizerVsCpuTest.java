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

/** {@code update}'s rules (optim.cu) against the CPU's on the same random inputs, a few steps; GPU only. */
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

  /** Parameters, m, v (zeros) and a gradient buffer. */
  private static Tensor[] tensors(Backend b, float[] p, int n) {
    Tensor[] t = {b.allocate(n), b.allocate(n), b.allocate(n), b.allocate(n)};
    b.upload(p, t[0]);
    b.fill(t[1], 0f);
    b.fill(t[2], 0f);
    return t;
  }
}
