package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every CUDA op against the CPU backend (the reference) on the same fresh random inputs, outputs
 * poisoned with NaN first, sizes that are not multiples of any block size, several shapes. Runs
 * only where a GPU is present; elsewhere it is skipped with the probe's reason.
 */
@RequiresGpu
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaVsCpuTest {
  private static final int[][] SHAPES = {{1, 1}, {3, 5}, {37, 29}, {128, 400}, {129, 784}, {1000, 20}};

  private Backend cpu;
  private Backend gpu;
  private long seed;
  private Random random;

  @BeforeAll
  void open() {
    cpu = new CpuBackend(2);
    gpu = new CudaBackend(CudaOptions.defaults().withSyncEveryOp(true));
    seed = new Random().nextLong();
    random = new Random(seed);
  }

  @AfterAll
  void close() {
    if (gpu != null) gpu.close();
    if (cpu != null) cpu.close();
  }

  /** The same values in both backends. */
  private record Pair(Tensor cpu, Tensor gpu) {}

  private Pair pair(float[] values) {
    Pair p = new Pair(cpu.allocate(values.length), gpu.allocate(values.length));
    cpu.upload(values, p.cpu());
    gpu.upload(values, p.gpu());
    return p;
  }

  private Pair poisoned(int length) {
    float[] nan = new float[length];
    java.util.Arrays.fill(nan, Float.NaN);
    return pair(nan);
  }

  private float[] gaussian(int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (random.nextGaussian() * scale);
    return a;
  }

  private float[] uniform(int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = random.nextFloat();
    return a;
  }

  private void assertSame(Pair p, double relTol, double absTol, String what) {
    float[] expected = cpu.download(p.cpu()), actual = gpu.download(p.gpu());
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      double tol = absTol + relTol * Math.abs(expected[i]);
      assertTrue(Math.abs(expected[i] - actual[i]) <= tol || (Float.isNaN(expected[i]) && Float.isNaN(actual[i])),
          what + "[" + i + "]: cpu " + expected[i] + ", cuda " + actual[i] + " (seed " + seed + ")");
    }
  }

  /**
   * {@code sums}, the column sums of the {@code rows x cols} gradient {@code terms} (each term
   * within {@code termTol} relative between the backends), against the CPU's: the two add the
   * rows in different orders, so a column may differ by up to {@code 2 rows 2^-24} of its sum of
   * magnitudes from the additions, plus {@code termTol} of it from the terms (one 2.7e-5 for
   * ELU, of a column of 0.91, seen on an H200 where a flat 1e-5 + 1e-5 relative was asked).
   */
  private void assertColumnSums(Pair sums, Pair terms, int rows, int cols, double termTol, String what) {
    float[] expected = cpu.download(sums.cpu()), actual = gpu.download(sums.gpu()), t = cpu.download(terms.cpu());
    for (int j = 0; j < cols; j++) {
      double magnitude = 0;
      for (int i = 0; i < rows; i++) magnitude += Math.abs(t[i * cols + j]);
      double tol = (2 * rows * 0x1p-24 + termTol) * magnitude + 1e-12;
      assertTrue(Math.abs(expected[j] - actual[j]) <= tol, what + "[" + j + "] of " + rows + "x" + cols + ": cpu "
          + expected[j] + ", cuda " + actual[j] + ", bound " + tol + " (seed " + seed + ")");
    }
  }

  private void both(BiConsumer<Backend, Boolean> op) {
    op.accept(cpu, true);
    op.accept(gpu, false);
  }

  @ParameterizedTest
  @CsvSource({"false,false", "true,false", "false,true", "true,true"})
  void gemm(boolean transA, boolean transB) {
    for (int[] mnk : new int[][] {{37, 29, 53}, {128, 400, 784}, {1, 1, 1}, {129, 20, 400}}) {
      int m = mnk[0], n = mnk[1], k = mnk[2];
      Pair a = pair(gaussian(m * k, 1)), b = pair(gaussian(k * n, 1)), c = pair(gaussian(m * n, 1));
      both((be, isCpu) -> be.gemm(transA, transB, m, n, k, 0.75f, isCpu ? a.cpu() : a.gpu(),
          isCpu ? b.cpu() : b.gpu(), -0.5f, isCpu ? c.cpu() : c.gpu()));
      assertSame(c, 1e-4, 1e-4 * Math.sqrt(k), "gemm " + m + "x" + n + "x" + k);
      Pair d = poisoned(m * n); // beta == 0: NaN in C must not propagate
      both((be, isCpu) -> be.gemm(transA, transB, m, n, k, 1f, isCpu ? a.cpu() : a.gpu(),
          isCpu ? b.cpu() : b.gpu(), 0f, isCpu ? d.cpu() : d.gpu()));
      assertSame(d, 1e-4, 1e-4 * Math.sqrt(k), "gemm beta=0");
    }
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void biasActivation(Activation act) {
    for (int[] s : SHAPES) {
      Pair x = pair(gaussian(s[0] * s[1], 2)), bias = pair(gaussian(s[1], 1));
      both((be, c) -> be.biasActivation(c ? x.cpu() : x.gpu(), c ? bias.cpu() : bias.gpu(), s[0], s[1], act));
      assertSame(x, 1e-6, 1e-7, "biasActivation " + act);
      Pair y = pair(gaussian(s[0] * s[1], 2));
      both((be, c) -> be.biasActivation(c ? y.cpu() : y.gpu(), null, s[0], s[1], act));
      assertSame(y, 1e-6, 1e-7, "biasActivation without bias " + act);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Activation.class, names = {"IDENTITY", "RELU", "ELU", "TANH", "LEAKY_RELU", "GELU"})
  void activationBackward(Activation act) {
    double tol = exact(act) ? 0 : 1e-6; // nvcc may contract tanh's 1 - y*y into an FMA
    for (int[] s : SHAPES) {
      Pair g = pair(gaussian(s[0] * s[1], 1)), out = pair(outputs(act, gaussian(s[0] * s[1], 2))), bg = poisoned(s[1]);
      both((be, c) -> be.activationBackward(c ? g.cpu() : g.gpu(), c ? out.cpu() : out.gpu(),
          c ? bg.cpu() : bg.gpu(), s[0], s[1], act));
      assertSame(g, tol, tol, "activationBackward grad " + act);
      assertColumnSums(bg, g, s[0], s[1], tol, "activationBackward biasGrad " + act);
      Pair g2 = pair(gaussian(s[0] * s[1], 1));
      both((be, c) -> be.activationBackward(c ? g2.cpu() : g2.gpu(), c ? out.cpu() : out.gpu(), null, s[0], s[1], act));
      assertSame(g2, tol, tol, "activationBackward without bias " + act);
    }
  }

  private static boolean exact(Activation act) {
    return act == Activation.IDENTITY || act == Activation.RELU;
  }

  /**
   * {@code act(pre)}: outputs the activation can give (ELU above -1, tanh inside (-1, 1), leaky ReLU's sign that of pre);
   * for GELU {@code pre} itself, which its backward takes.
   */
  private static float[] outputs(Activation act, float[] pre) {
    float[] y = pre.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = switch (act) {
        case RELU -> Math.max(pre[i], 0f);
        case ELU -> pre[i] > 0 ? pre[i] : (float) Math.expm1(pre[i]);
        case TANH -> (float) Math.tanh(pre[i]);
        case LEAKY_RELU -> pre[i] > 0 ? pre[i] : Activation.LEAKY_SLOPE * pre[i];
        default -> pre[i];
      };
    }
    return y;
  }

  /** Layer shapes of the default model and odd ones: rows, in, out. */
  private static final int[][] LAYERS = {{128, 784, 400}, {128, 400, 40}, {128, 20, 400}, {129, 400, 784}, {3, 5, 7}};

  /** {@code values} at an odd float offset, as a layer's weights sit in the parameter buffer. */
  private Pair misaligned(float[] values) {
    int offset = 1 + random.nextInt(63);
    float[] padded = new float[offset + values.length];
    System.arraycopy(values, 0, padded, offset, values.length);
    Pair parent = pair(padded);
    return new Pair(cpu.slice(parent.cpu(), offset, values.length), gpu.slice(parent.gpu(), offset, values.length));
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void linearForward(Activation act) {
    for (int[] l : LAYERS) {
      int rows = l[0], in = l[1], out = l[2];
      Pair x = pair(gaussian(rows * in, 1)), w = misaligned(gaussian(out * in, 0.05)), b = misaligned(gaussian(out, 0.1));
      Pair y = poisoned(rows * out), y0 = poisoned(rows * out);
      both((be, c) -> be.linearForward(c ? x.cpu() : x.gpu(), c ? w.cpu() : w.gpu(), c ? b.cpu() : b.gpu(),
          c ? y.cpu() : y.gpu(), rows, in, out, act));
      assertSame(y, 1e-4, 1e-5 * Math.sqrt(in), "linearForward " + act + " " + rows + "x" + in + "x" + out);
      both((be, c) -> be.linearForward(c ? x.cpu() : x.gpu(), c ? w.cpu() : w.gpu(), null,
          c ? y0.cpu() : y0.gpu(), rows, in, out, act));
      assertSame(y0, 1e-4, 1e-5 * Math.sqrt(in), "linearForward without bias " + act);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Activation.class, names = {"IDENTITY", "RELU", "ELU", "TANH", "LEAKY_RELU", "GELU"})
  void linearBackward(Activation act) {
    for (int[] l : LAYERS) {
      int rows = l[0], in = l[1], out = l[2];
      float[] yv = outputs(act, gaussian(rows * out, 1));
      Pair x = pair(gaussian(rows * in, 1)), w = misaligned(gaussian(out * in, 0.05)), y = pair(yv);
      Pair dy = pair(gaussian(rows * out, 1)), dw = misaligned(new float[out * in]), db = misaligned(new float[out]);
      Pair dx = poisoned(rows * in);
      both((be, c) -> be.linearBackward(c ? x.cpu() : x.gpu(), c ? w.cpu() : w.gpu(), c ? y.cpu() : y.gpu(),
          c ? dy.cpu() : dy.gpu(), c ? dw.cpu() : dw.gpu(), c ? db.cpu() : db.gpu(), c ? dx.cpu() : dx.gpu(), rows, in,
          out, act));
      String shape = act + " " + rows + "x" + in + "x" + out;
      assertSame(dy, exact(act) ? 0 : 1e-6, exact(act) ? 0 : 1e-6, "linearBackward d(pre-activation) " + shape);
      assertSame(dw, 1e-4, 1e-5 * Math.sqrt(rows), "linearBackward weightGrad " + shape);
      assertSame(db, 1e-4, 1e-5 * Math.sqrt(rows), "linearBackward biasGrad " + shape);
      assertSame(dx, 1e-4, 1e-5 * Math.sqrt(out), "linearBackward dx " + shape);
    }
  }

  /** A GELU layer's forward keeping its pre-activation (the GEMM, then the kernel writing both). */
  @Test
  void geluForwardKeepsThePreActivation() {
    ActivationFunction act = ActivationFunction.of(Activation.GELU);
    for (int[] l : LAYERS) {
      int rows = l[0], in = l[1], out = l[2];
      Pair x = pair(gaussian(rows * in, 1)), w = misaligned(gaussian(out * in, 0.05)), b = misaligned(gaussian(out, 0.1));
      Pair y = poisoned(rows * out), pre = poisoned(rows * out);
      both((be, c) -> be.linearForward(c ? x.cpu() : x.gpu(), c ? w.cpu() : w.gpu(), c ? b.cpu() : b.gpu(),
          c ? y.cpu() : y.gpu(), c ? pre.cpu() : pre.gpu(), rows, in, out, act));
      String shape = rows + "x" + in + "x" + out;
      assertSame(pre, 1e-4, 1e-5 * Math.sqrt(in), "GELU pre-activation " + shape);
      assertSame(y, 1e-4, 1e-5 * Math.sqrt(in), "GELU output " + shape);
    }
  }

  /** {@code leaky-relu:SLOPE} at a slope other than 0.01: the kernels take the slope, forward and backward. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(floats = {0.2f, 0.9f})
  void leakyReluOfAnySlope(float slope) {
    ActivationFunction act = ActivationFunction.leakyRelu(slope);
    for (int[] l : LAYERS) {
      int rows = l[0], in = l[1], out = l[2];
      Pair x = pair(gaussian(rows * in, 1)), w = misaligned(gaussian(out * in, 0.05)), b = misaligned(gaussian(out, 0.1));
      Pair y = poisoned(rows * out);
      both((be, c) -> be.linearForward(c ? x.cpu() : x.gpu(), c ? w.cpu() : w.gpu(), c ? b.cpu() : b.gpu(),
          c ? y.cpu() : y.gpu(), rows, in, out, act));
      String shape = act + " " + rows + "x" + in + "x" + out;
      assertSame(y, 1e-4, 1e-5 * Math.sqrt(in), "linearForward " + shape);
      float[] pre = gaussian(rows * out, 1), yv = new float[pre.length];
      for (int i = 0; i < pre.length; i++) yv[i] = pre[i] > 0 ? pre[i] : slope * pre[i];
      Pair yo = pair(yv), dy = pair(gaussian(rows * out, 1)), dw = misaligned(new float[out * in]);
      Pair db = misaligned(new float[out]), dx = poisoned(rows * in);
      both((be, c) -> be.linearBackward(c ? x.cpu() : x.gpu(), c ? w.cpu() : w.gpu(), c ? yo.cpu() : yo.gpu(),
          c ? dy.cpu() : dy.gpu(), c ? dw.cpu() : dw.gpu(), c ? db.cpu() : db.gpu(), c ? dx.cpu() : dx.gpu(), rows, in,
          out, act));
      assertSame(dy, 0, 0, "linearBackward d(pre-activation) " + shape); // one float product each side
      assertSame(dw, 1e-4, 1e-5 * Math.sqrt(rows), "linearBackward weightGrad " + shape);
      assertSame(db, 1e-4, 1e-5 * Math.sqrt(rows), "linearBackward biasGrad " + shape);
      assertSame(dx, 1e-4, 1e-5 * Math.sqrt(out), "linearBackward dx " + shape);
    }
  }

  /** A recorded (graph-captured) pair of layers, forward and backward, against the CPU's plain re-runs. */
  @Test
  void recordedLayersMatchPlainReplays() {
    int rows = 128, in = 784, hidden = 400, out = 40;
    Pair x = pair(gaussian(rows * in, 1)), w1 = misaligned(gaussian(hidden * in, 0.05)), b1 = misaligned(gaussian(hidden, 0.1));
    Pair w2 = misaligned(gaussian(out * hidden, 0.05)), b2 = misaligned(gaussian(out, 0.1));
    Pair h = poisoned(rows * hidden), y = poisoned(rows * out), dy = pair(gaussian(rows * out, 1));
    Pair dh = poisoned(rows * hidden), dw1 = poisoned(hidden * in), db1 = poisoned(hidden);
    Pair dw2 = poisoned(out * hidden), db2 = poisoned(out);
    Backend.RecordedStep[] steps = new Backend.RecordedStep[2];
    for (int b = 0; b < 2; b++) {
      Backend be = b == 0 ? cpu : gpu;
      boolean c = b == 0;
      steps[b] = be.recordStep(k -> {
        be.linearForward(c ? x.cpu() : x.gpu(), c ? w1.cpu() : w1.gpu(), c ? b1.cpu() : b1.gpu(), c ? h.cpu() : h.gpu(),
            rows, in, hidden, Activation.RELU);
        be.linearForward(c ? h.cpu() : h.gpu(), c ? w2.cpu() : w2.gpu(), c ? b2.cpu() : b2.gpu(), c ? y.cpu() : y.gpu(),
            rows, hidden, out, Activation.IDENTITY);
        be.linearBackward(c ? h.cpu() : h.gpu(), c ? w2.cpu() : w2.gpu(), c ? y.cpu() : y.gpu(), c ? dy.cpu() : dy.gpu(),
            c ? dw2.cpu() : dw2.gpu(), c ? db2.cpu() : db2.gpu(), c ? dh.cpu() : dh.gpu(), rows, hidden, out,
            Activation.IDENTITY);
        be.linearBackward(c ? x.cpu() : x.gpu(), c ? w1.cpu() : w1.gpu(), c ? h.cpu() : h.gpu(), c ? dh.cpu() : dh.gpu(),
            c ? dw1.cpu() : dw1.gpu(), c ? db1.cpu() : db1.gpu(), null, rows, in, hidden, Activation.RELU);
      });
    }
    for (int k = 0; k < 2; k++) {
      steps[0].replay();
      steps[1].replay();
      assertSame(h, 1e-4, 1e-3, "hidden " + k);
      assertSame(y, 1e-4, 1e-3, "output " + k);
      assertSame(dh, 1e-4, 1e-3, "hidden gradient " + k);
      assertSame(dw1, 1e-4, 1e-3, "first weight gradient " + k);
      assertSame(db1, 1e-4, 1e-3, "first bias gradient " + k);
      assertSame(dw2, 1e-4, 1e-3, "second weight gradient " + k);
      assertSame(db2, 1e-4, 1e-3, "second bias gradient " + k);
    }
    steps[0].close();
    steps[1].close();
  }

  @Test
  void gatherRows() {
    int rows = 1001, cols = 37, batch = 129;
    Pair src = pair(gaussian(rows * cols, 1));
    int[] perm = new int[rows];
    for (int i = 0; i < rows; i++) perm[i] = (i * 389) % rows;
    IndexTensor ic = cpu.allocateIndices(rows), ig = gpu.allocateIndices(rows);
    cpu.uploadIndices(perm, ic);
    gpu.uploadIndices(perm, ig);
    for (int first : new int[] {0, 500, rows - batch}) {
      Pair dst = poisoned(batch * cols);
      both((be, c) -> be.gatherRows(c ? src.cpu() : src.gpu(), cols, c ? ic : ig, first, batch, c ? dst.cpu() : dst.gpu()));
      assertSame(dst, 0, 0, "gatherRows from " + first);
    }
    Pair dst = poisoned(batch * cols);
    assertThrows(IndexOutOfBoundsException.class,
        () -> gpu.gatherRows(src.gpu(), cols, ig, rows - batch + 1, batch, dst.gpu()));
    int[] bad = perm.clone();
    bad[3] = rows;
    gpu.uploadIndices(bad, ig);
    assertThrows(IndexOutOfBoundsException.class, () -> gpu.gatherRows(src.gpu(), cols, ig, 0, batch, dst.gpu()));
  }

  @Test
  void fillAndCopy() {
    Pair t = poisoned(1037);
    both((be, c) -> be.fill(c ? t.cpu() : t.gpu(), 0.375f));
    assertSame(t, 0, 0, "fill");
    Pair src = pair(gaussian(1037, 1));
    both((be, c) -> be.copy(c ? src.cpu() : src.gpu(), c ? t.cpu() : t.gpu()));
    assertSame(t, 0, 0, "copy");
  }

  @Test
  void uploadAndDownloadOffsetsAndSlices() {
    float[] values = gaussian(1000, 1);
    Tensor t = gpu.allocate(1000);
    gpu.upload(values, 10, t, 20, 500);
    float[] back = new float[500];
    gpu.download(gpu.slice(t, 20, 600), 0, back, 0, 500);
    for (int i = 0; i < 500; i++) assertEquals(values[10 + i], back[i]);
    assertEquals(0f, gpu.download(t)[0]); // allocations are zero-filled
  }

  @Test
  void normalNoiseFollowsPhilox() {
    for (int n : new int[] {1, 3, 4, 2561, 100_003}) {
      long s = random.nextLong(), stream = random.nextLong();
      Pair out = poisoned(n);
      both((be, c) -> be.normalNoise(c ? out.cpu() : out.gpu(), s, stream));
      assertSame(out, 1e-6, 1e-6, "normalNoise n=" + n);
    }
  }

  /** The same masks bit for bit (a kept element is one float product on both), plain and in a recorded step. */
  @Test
  void dropoutAndItsBackwardMatchBitForBit() {
    for (int[] shape : new int[][] {{1, 1}, {64, 400}, {129, 33}}) {
      int rows = shape[0], cols = shape[1], first = random.nextInt(1000), layer = random.nextInt(8);
      long key = random.nextLong(), step = 1 + random.nextInt(100_000);
      float p = 0.05f + 0.9f * random.nextFloat();
      Pair x = pair(gaussian(rows * cols, 1)), g = pair(gaussian(rows * cols, 1));
      both((be, c) -> be.dropout(c ? x.cpu() : x.gpu(), rows, cols, first, key, step, layer, p));
      assertSame(x, 0, 0, "dropout " + rows + "x" + cols + " p=" + p);
      both((be, c) -> be.dropoutBackward(c ? g.cpu() : g.gpu(), rows, cols, first, key, step, layer, p));
      assertSame(g, 0, 0, "dropoutBackward " + rows + "x" + cols + " p=" + p);
    }
    int rows = 100, cols = 37;
    Pair x = pair(gaussian(rows * cols, 1));
    Backend.RecordedStep[] steps = new Backend.RecordedStep[2];
    for (int b = 0; b < 2; b++) {
      Backend be = b == 0 ? cpu : gpu;
      Tensor t = b == 0 ? x.cpu() : x.gpu();
      steps[b] = be.recordStep(k -> {
        be.fill(t, 1f);
        be.dropout(t, rows, cols, 50, 42, 1000 + k, 3, 0.3f);
      });
    }
    for (int k = 0; k < 4; k++) {
      steps[0].replay();
      steps[1].replay();
      assertSame(x, 0, 0, "recorded dropout, replay " + k);
    }
    steps[0].close();
    steps[1].close();
  }

  @Test
  void reparameterizeAndBackward() {
    for (int[] s : new int[][] {{1, 1}, {128, 20}, {129, 33}}) {
      int rows = s[0], latent = s[1];
      Pair stats = pair(gaussian(2 * rows * latent, 1)), eps = pair(gaussian(rows * latent, 1));
      Pair z = poisoned(rows * latent);
      both((be, c) -> be.reparameterize(c ? stats.cpu() : stats.gpu(), c ? eps.cpu() : eps.gpu(),
          c ? z.cpu() : z.gpu(), rows, latent));
      assertSame(z, 1e-6, 1e-6, "reparameterize");
      Pair dz = pair(gaussian(rows * latent, 1)), dstats = pair(gaussian(2 * rows * latent, 1));
      both((be, c) -> be.reparameterizeBackward(c ? dz.cpu() : dz.gpu(), c ? stats.cpu() : stats.gpu(),
          c ? eps.cpu() : eps.gpu(), c ? dstats.cpu() : dstats.gpu(), rows, latent));
      assertSame(dstats, 1e-6, 1e-6, "reparameterizeBackward");
    }
  }

  @Test
  void klDivergence() {
    for (int[] s : new int[][] {{1, 1}, {128, 20}, {129, 33}, {7, 100}}) {
      int rows = s[0], latent = s[1];
      Pair stats = pair(gaussian(2 * rows * latent, 1)), kl = poisoned(rows), ds = poisoned(2 * rows * latent);
      both((be, c) -> be.klDivergence(c ? stats.cpu() : stats.gpu(), rows, latent, c ? kl.cpu() : kl.gpu(),
          c ? ds.cpu() : ds.gpu(), 0.3f));
      assertSame(kl, 1e-5, 1e-5, "kl");
      assertSame(ds, 1e-6, 1e-7, "kl gradient");
      Pair kl2 = poisoned(rows);
      both((be, c) -> be.klDivergence(c ? stats.cpu() : stats.gpu(), rows, latent, c ? kl2.cpu() : kl2.gpu(), null, 0f));
      assertSame(kl2, 1e-5, 1e-5, "kl forward only");
    }
  }

  @ParameterizedTest
  @EnumSource(Likelihood.class)
  void reconstructionLoss(Likelihood likelihood) {
    for (int[] s : SHAPES) {
      int rows = s[0], cols = s[1], width = likelihood.outputsPerValue() * cols;
      float[] values = gaussian(rows * width, 3);
      // near 0: the continuous Bernoulli's Taylor branch and both sides of it; +-7: the learned
      // Gaussian's log-variance clamp
      float[] special = {0f, 3e-3f, -9e-3f, 0.011f, 7f, -7f, 9f, -9f};
      for (int i = 0; i < special.length && i < values.length; i++) values[values.length - 1 - i] = special[i];
      Pair logits = pair(values), target = pair(uniform(rows * cols));
      Pair loss = poisoned(rows), dl = poisoned(rows * width);
      both((be, c) -> be.reconstructionLoss(likelihood, c ? logits.cpu() : logits.gpu(), c ? target.cpu() : target.gpu(),
          rows, cols, c ? loss.cpu() : loss.gpu(), c ? dl.cpu() : dl.gpu(), 1f / rows));
      assertSame(loss, 1e-5, 1e-5, "loss " + likelihood);
      assertSame(dl, 1e-5, 1e-7, "dlogits " + likelihood);
      // dlogits may alias logits
      both((be, c) -> be.reconstructionLoss(likelihood, c ? logits.cpu() : logits.gpu(), c ? target.cpu() : target.gpu(),
          rows, cols, c ? loss.cpu() : loss.gpu(), c ? logits.cpu() : logits.gpu(), 0.5f));
      assertSame(logits, 1e-5, 1e-7, "dlogits in place " + likelihood);
    }
  }

  @Test
  void accumulateSum() {
    Pair acc = pair(new float[] {1, 2, 3});
    for (int count : new int[] {1, 129, 1000}) {
      Pair v = pair(gaussian(count, 1));
      both((be, c) -> be.accumulateSum(c ? v.cpu() : v.gpu(), count, c ? acc.cpu() : acc.gpu(), 1));
    }
    assertSame(acc, 1e-6, 1e-5, "accumulateSum");
  }

  @Test
  void scaleRows() {
    for (int[] s : new int[][] {{1, 1}, {128, 784}, {129, 40}, {7, 1}}) {
      int rows = s[0], cols = s[1];
      Pair v = pair(gaussian(rows * cols, 2)), scales = pair(gaussian(rows, 1));
      both((be, c) -> be.scaleRows(c ? v.cpu() : v.gpu(), rows, cols, c ? scales.cpu() : scales.gpu()));
      assertSame(v, 0, 0, "scaleRows"); // one float multiplication per value on both
    }
  }

  @ParameterizedTest
  @CsvSource({"0,false", "0.01,false", "0.01,true"})
  void adam(double weightDecay, boolean decoupled) {
    int n = 100_003;
    AdamParams h = new AdamParams(1e-3, 0.9, 0.999, 1e-8, weightDecay, decoupled);
    Pair p = pair(gaussian(n, 1)), m = pair(new float[n]), v = pair(new float[n]);
    for (long step = 1; step <= 5; step++) {
      Pair g = pair(gaussian(n, 1));
      long t = step;
      both((be, c) -> be.adamUpdate(c ? p.cpu() : p.gpu(), c ? g.cpu() : g.gpu(), c ? m.cpu() : m.gpu(),
          c ? v.cpu() : v.gpu(), h, t));
    }
    assertSame(p, 1e-6, 1e-6, "adam params");
    assertSame(m, 1e-5, 1e-7, "adam m");
    assertSame(v, 1e-5, 1e-7, "adam v");
  }

  /**
   * A recorded step with every per-step argument varying, replayed as a CUDA graph, against the
   * CPU's plain re-runs of the same body.
   */
  @Test
  void recordedStepMatchesPlainReplays() {
    int rows = 1000, cols = 13, batch = 100, n = 257;
    Pair data = pair(gaussian(rows * cols, 1)), x = poisoned(batch * cols), eps = poisoned(batch * 3);
    Pair params = pair(gaussian(n, 1)), grads = pair(gaussian(n, 1)), m = pair(new float[n]), v = pair(new float[n]);
    Pair acc = pair(new float[2]);
    int[] perm = new int[rows];
    for (int i = 0; i < rows; i++) perm[i] = rows - 1 - i;
    IndexTensor ic = cpu.allocateIndices(rows), ig = gpu.allocateIndices(rows);
    cpu.uploadIndices(perm, ic);
    gpu.uploadIndices(perm, ig);
    AdamParams h = AdamParams.pytorchDefaults(1e-2);
    Backend.RecordedStep[] steps = new Backend.RecordedStep[2];
    for (int b = 0; b < 2; b++) {
      Backend be = b == 0 ? cpu : gpu;
      boolean c = b == 0;
      steps[b] = be.recordStep(k -> {
        be.gatherRows(c ? data.cpu() : data.gpu(), cols, c ? ic : ig, (int) (k * batch), batch, c ? x.cpu() : x.gpu());
        be.normalNoise(c ? eps.cpu() : eps.gpu(), 42, 1000 + k);
        be.accumulateSum(c ? x.cpu() : x.gpu(), batch * cols, c ? acc.cpu() : acc.gpu(), 0);
        be.accumulateSum(c ? eps.cpu() : eps.gpu(), batch * 3, c ? acc.cpu() : acc.gpu(), 1);
        be.adamUpdate(c ? params.cpu() : params.gpu(), c ? grads.cpu() : grads.gpu(), c ? m.cpu() : m.gpu(),
            c ? v.cpu() : v.gpu(), h, 7 + k);
      });
    }
    for (int k = 0; k < rows / batch; k++) {
      steps[0].replay();
      steps[1].replay();
      assertSame(x, 0, 0, "gathered batch " + k);
      assertSame(eps, 1e-6, 1e-6, "noise " + k);
    }
    assertSame(acc, 1e-5, 1e-4, "accumulated sums");
    assertSame(params, 1e-5, 1e-6, "parameters after 10 recorded Adam steps");
    steps[0].close();
    steps[1].close();
  }

  @Test
  void stepRecordedForTheLastBatchOfTheIndicesReplaysOnce() {
    int rows = 300, cols = 5, batch = 100;
    Pair data = pair(gaussian(rows * cols, 1)), x = poisoned(batch * cols);
    IndexTensor ic = cpu.allocateIndices(rows), ig = gpu.allocateIndices(rows);
    int[] identity = IntStream.range(0, rows).toArray();
    cpu.uploadIndices(identity, ic);
    gpu.uploadIndices(identity, ig);
    int last = rows - batch;
    cpu.gatherRows(data.cpu(), cols, ic, last, batch, x.cpu());
    try (Backend.RecordedStep step = gpu.recordStep(k -> gpu.gatherRows(data.gpu(), cols, ig, (int) (last + k * batch), batch, x.gpu()))) {
      step.replay();
    }
    assertSame(x, 0, 0, "the last batch, gathered by a recorded step");
  }

  @Test
  void recordingRejectsHostTransfersAndFrozenArguments() {
    Tensor t = gpu.allocate(10);
    assertThrows(IllegalStateException.class, () -> gpu.recordStep(k -> gpu.upload(new float[10], t)));
    assertThrows(IllegalStateException.class, () -> gpu.recordStep(k -> gpu.fill(t, k)));
    // The backend is usable after a failed recording.
    gpu.fill(t, 2f);
    assertEquals(2f, gpu.download(t)[9]);
  }

  @Test
  void outOfMemoryIsAnExceptionNamingTheOp() {
    CudaException e = assertThrows(CudaException.class, () -> gpu.allocate(1L << 40));
    assertTrue(e.getMessage().contains("out of GPU memory"), e.getMessage());
  }
}
