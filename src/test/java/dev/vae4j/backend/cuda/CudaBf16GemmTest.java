package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Precision;
import dev.vae4j.backend.Tensor;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code --precision bf16}'s GEMMs on the GPU against the exact product, in double, of the inputs
 * rounded to bfloat16 to nearest even (what the CPU's {@code Bf16GemmTest} checks oneDNN against):
 * cuBLASLt accumulates in float32, so per element of C they may differ by the accumulation's
 * rounding alone, at most {@code k 2^-23 S} with {@code S = sum_p |a_ip b_pj|}; rounding the inputs
 * any other way (truncation) would miss by about {@code 2^-9 S}. The reference is plain Java, not
 * the CPU backend, since a GPU machine's host need not have the BF16 instructions the CPU's bf16
 * GEMMs require. Runs only where a GPU is present (compute capability 8.0 or newer), on the step's
 * shapes and all transposes.
 */
@RequiresGpu
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaBf16GemmTest {
  private Backend gpu;
  private final long seed = new Random().nextLong();

  @BeforeAll
  void open() {
    gpu = new CudaBackend(CudaOptions.defaults().withSyncEveryOp(true).withPrecision(Precision.BF16));
  }

  @AfterAll
  void close() {
    if (gpu != null) gpu.close();
  }

  @Test
  void gemmsAgreeWithTheRoundedInputsExactProductToAccumulationRounding() {
    Random random = new Random(seed);
    int[][] shapes = {{128, 400, 784}, {400, 784, 128}, {128, 784, 400}, {37, 29, 41}};
    for (int[] s : shapes) {
      for (int t = 0; t < 4; t++) {
        boolean transA = t / 2 == 1, transB = t % 2 == 1;
        int m = s[0], n = s[1], k = s[2];
        float[] a = gaussian(random, m * k), b = gaussian(random, k * n);
        float[] onGpu = run(gpu, transA, transB, m, n, k, a, b);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double exact = 0, size = 0;
            for (int p = 0; p < k; p++) {
              double product = (double) bf16(transA ? a[p * m + i] : a[i * k + p]) * bf16(transB ? b[j * k + p] : b[p * n + j]);
              exact += product;
              size += Math.abs(product);
            }
            double diff = Math.abs(exact - onGpu[i * n + j]);
            assertTrue(diff <= k * 0x1p-23 * size, "C[" + i + "," + j + "] of " + m + "x" + n + "x" + k + " trans "
                + transA + "/" + transB + ": exact " + exact + " gpu " + onGpu[i * n + j] + " seed " + seed);
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

  /** x rounded to bfloat16, nearest even (finite x). */
  private static float bf16(float x) {
    int bits = Float.floatToRawIntBits(x);
    return Float.intBitsToFloat((bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000);
  }

  private static float[] gaussian(Random random, int count) {
    float[] x = new float[count];
    for (int i = 0; i < count; i++) x[i] = (float) random.nextGaussian();
    return x;
  }
}
