package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Precision;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code --precision bf16}'s GEMMs on the GPU against the CPU's (the reference): both round the
 * inputs to bfloat16 the same way (nearest even) and accumulate in float32, so per element of C
 * they may differ only by the two accumulations' rounding, at most {@code 2 k 2^-23 S} with {@code
 * S = sum_p |a_ip b_pj|} (Bf16GemmTest's second bound, once for each backend). Runs only where a
 * GPU is present (compute capability 8.0 or newer), on the step's shapes and all transposes.
 */
@RequiresGpu
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaBf16VsCpuTest {
  private Backend cpu;
  private Backend gpu;
  private final long seed = new Random().nextLong();

  @BeforeAll
  void open() {
    cpu = new CpuBackend(Precision.BF16);
    gpu = new CudaBackend(CudaOptions.defaults().withSyncEveryOp(true).withPrecision(Precision.BF16));
  }

  @AfterAll
  void close() {
    if (gpu != null) gpu.close();
    if (cpu != null) cpu.close();
  }

  @Test
  void gemmsAgreeWithTheCpusToAccumulationRounding() {
    Random random = new Random(seed);
    int[][] shapes = {{128, 400, 784}, {400, 784, 128}, {128, 784, 400}, {37, 29, 41}};
    for (int[] s : shapes) {
      for (int t = 0; t < 4; t++) {
        boolean transA = t / 2 == 1, transB = t % 2 == 1;
        int m = s[0], n = s[1], k = s[2];
        float[] a = gaussian(random, m * k), b = gaussian(random, k * n);
        float[] onCpu = run(cpu, transA, transB, m, n, k, a, b), onGpu = run(gpu, transA, transB, m, n, k, a, b);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double size = 0;
            for (int p = 0; p < k; p++) {
              size += Math.abs((double) (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]));
            }
            double diff = Math.abs((double) onCpu[i * n + j] - onGpu[i * n + j]);
            assertTrue(diff <= 2 * k * 0x1p-23 * size, "C[" + i + "," + j + "] of " + m + "x" + n + "x" + k + " trans "
                + transA + "/" + transB + ": cpu " + onCpu[i * n + j] + " gpu " + onGpu[i * n + j] + " seed " + seed);
          }
        }
      }
    }
  }

  private static float[] run(Backend backend, boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b) {
    Tensor at = backend.allocate(a.length), bt = backend.allocate(b.length), ct = backend.allocate((long) m * n);
    backend.upload(a, at);
    backend.upload(b, bt);
    backend.fill(ct, Float.NaN);
    backend.gemm(transA, transB, m, n, k, 1f, at, bt, 0f, ct);
    float[] c = backend.download(ct);
    backend.release(at);
    backend.release(bt);
    backend.release(ct);
    return c;
  }

  private static float[] gaussian(Random random, int count) {
    float[] x = new float[count];
    for (int i = 0; i < count; i++) x[i] = (float) random.nextGaussian();
    return x;
  }
}
