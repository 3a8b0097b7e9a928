package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.ConvShape;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every cuDNN convolution op against the CPU backend's (oneDNN, itself checked against the double
 * reference by the contract tests) on the same fresh random inputs, outputs poisoned with NaN
 * first (every op overwrites), over small shapes with odd sizes, stride 1 and 2, padding 0 and 1,
 * 1 and 3 channels, convolutions and transposed ones, full and partial batches; and a recorded
 * step of convolutions, captured as a CUDA graph, against the same ops run one by one. Needs a GPU
 * and cuDNN 9 ({@code benchmarks/gpu-check.sh} puts it on the library path); skipped with the
 * reason where either is missing.
 */
@RequiresGpu
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaConvVsCpuTest {
  private static final List<ConvShape> SHAPES = List.of(
      ConvShape.conv(3, 1, 7, 5, 2, 3, 1, 0),
      ConvShape.conv(2, 3, 9, 7, 4, 3, 2, 1),
      ConvShape.conv(5, 3, 16, 12, 8, 4, 2, 1),
      ConvShape.conv(128, 1, 28, 28, 32, 4, 2, 1),
      ConvShape.conv(128, 32, 14, 14, 64, 4, 2, 1),
      ConvShape.transposed(3, 2, 5, 3, 1, 3, 1, 0),
      ConvShape.transposed(2, 4, 5, 4, 3, 3, 2, 1),
      ConvShape.transposed(5, 8, 4, 3, 3, 4, 2, 1),
      ConvShape.transposed(128, 64, 7, 7, 32, 4, 2, 1),
      ConvShape.transposed(128, 32, 14, 14, 1, 4, 2, 1));

  private Backend cpu;
  private Backend gpu;
  private long seed;
  private Random random;

  @BeforeAll
  void open() {
    String noCudnn = CudaBackend.convolutionsUnavailableReason();
    assumeTrue(noCudnn == null, "needs cuDNN 9: " + noCudnn);
    cpu = new CpuBackend(2);
    gpu = new CudaBackend(CudaOptions.defaults().withSyncEveryOp(true));
    seed = new Random().nextLong();
    random = new Random(seed);
    System.out.println("CudaConvVsCpuTest seed " + seed);
  }

  @AfterAll
  void close() {
    if (gpu != null) gpu.close();
    if (cpu != null) cpu.close();
  }

  private record Pair(Tensor cpu, Tensor gpu) {
    Tensor on(boolean onCpu) {
      return onCpu ? cpu : gpu;
    }
  }

  private Pair pair(float[] values) {
    Pair p = new Pair(cpu.allocate(values.length), gpu.allocate(values.length));
    cpu.upload(values, p.cpu());
    gpu.upload(values, p.gpu());
    return p;
  }

  private Pair poisoned(long length) {
    float[] nan = new float[Math.toIntExact(length)];
    Arrays.fill(nan, Float.NaN);
    return pair(nan);
  }

  private Pair gaussian(long n) {
    float[] a = new float[Math.toIntExact(n)];
    for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian();
    return pair(a);
  }

  /**
   * Within float32 rounding of sums of {@code terms} products of unit-scale values, in any order:
   * {@code 1e-5 * sqrt(terms)} of the result's largest magnitude.
   */
  private void assertClose(Pair p, long terms, String what) {
    float[] expected = cpu.download(p.cpu()), actual = gpu.download(p.gpu());
    double scale = 1;
    for (float e : expected) scale = Math.max(scale, Math.abs(e));
    double tol = 1e-5 * Math.sqrt(terms) * scale;
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Math.abs(expected[i] - actual[i]) <= tol, what + "[" + i + "]: cpu " + expected[i] + ", cuda "
          + actual[i] + " (tolerance " + tol + ", seed " + seed + ")");
    }
  }

  /** Products summed per output value of the forward pass (and, as an upper bound, each backward one). */
  private static long terms(ConvShape s) {
    return (long) Math.max(s.inChannels(), s.outChannels()) * s.kernel() * s.kernel() * s.batch()
        * Math.max(s.outHeight() * s.outWidth(), s.inHeight() * s.inWidth());
  }

  @Test
  void forwardWithEveryBiasAndActivation() {
    for (ConvShape full : SHAPES) {
      for (ConvShape s : List.of(full, full.withBatch(Math.max(1, full.batch() / 2 - 1)))) {
        Pair x = gaussian(s.batch() * s.inputSize()), w = gaussian(s.weightSize()), b = gaussian(s.outChannels());
        for (Activation act : new Activation[] {Activation.IDENTITY, Activation.RELU}) {
          for (boolean withBias : new boolean[] {false, true}) {
            Pair y = poisoned(s.batch() * s.outputSize());
            for (boolean onCpu : new boolean[] {true, false}) {
              (onCpu ? cpu : gpu).convForward(s, x.on(onCpu), w.on(onCpu), withBias ? b.on(onCpu) : null, y.on(onCpu), act);
            }
            assertClose(y, (long) s.inChannels() * s.kernel() * s.kernel(), "convForward " + s.describe() + " " + act
                + (withBias ? " with bias" : ""));
          }
        }
      }
    }
  }

  @Test
  void backwardDataAndWeights() {
    for (ConvShape s : SHAPES) {
      Pair x = gaussian(s.batch() * s.inputSize()), w = gaussian(s.weightSize()), dy = gaussian(s.batch() * s.outputSize());
      Pair dx = poisoned(s.batch() * s.inputSize()), dw = poisoned(s.weightSize()), db = poisoned(s.outChannels());
      Pair dwOnly = poisoned(s.weightSize());
      for (boolean onCpu : new boolean[] {true, false}) {
        Backend be = onCpu ? cpu : gpu;
        be.convBackwardData(s, dy.on(onCpu), w.on(onCpu), dx.on(onCpu));
        be.convBackwardWeights(s, x.on(onCpu), dy.on(onCpu), dw.on(onCpu), db.on(onCpu));
        be.convBackwardWeights(s, x.on(onCpu), dy.on(onCpu), dwOnly.on(onCpu), null);
      }
      assertClose(dx, (long) s.outChannels() * s.kernel() * s.kernel(), "convBackwardData " + s.describe());
      assertClose(dw, terms(s), "convBackwardWeights " + s.describe());
      assertClose(dwOnly, terms(s), "convBackwardWeights without bias " + s.describe());
      assertClose(db, (long) s.batch() * s.outHeight() * s.outWidth(), "bias gradient " + s.describe());
    }
  }

  /** A conv, a transposed conv and their backward passes as one recorded step: graph replay = direct calls. */
  @Test
  void aRecordedStepOfConvolutionsReplaysAsTheOpsRunDirectly() {
    ConvShape enc = ConvShape.conv(16, 3, 16, 12, 8, 4, 2, 1), dec = enc.adjoint();
    Pair x = gaussian(enc.batch() * enc.inputSize()), we = gaussian(enc.weightSize()), be = gaussian(enc.outChannels());
    Pair wd = gaussian(dec.weightSize()), bd = gaussian(dec.outChannels());
    Tensor h = gpu.allocate(enc.batch() * enc.outputSize()), y = gpu.allocate(dec.batch() * dec.outputSize());
    Tensor dwe = gpu.allocate(enc.weightSize()), dbe = gpu.allocate(enc.outChannels());
    Tensor dwd = gpu.allocate(dec.weightSize()), dbd = gpu.allocate(dec.outChannels());
    Tensor dh = gpu.allocate(enc.batch() * enc.outputSize());
    gpu.prepareConv(enc);
    gpu.prepareConv(dec);
    Runnable body = () -> {
      gpu.convForward(enc, x.gpu(), we.gpu(), be.gpu(), h, Activation.RELU);
      gpu.convForward(dec, h, wd.gpu(), bd.gpu(), y, Activation.IDENTITY);
      gpu.convBackwardWeights(dec, h, y, dwd, dbd);
      gpu.convBackwardData(dec, y, wd.gpu(), dh);
      gpu.convBackwardWeights(enc, x.gpu(), dh, dwe, dbe);
    };
    body.run();
    float[][] direct = {gpu.download(y), gpu.download(dwd), gpu.download(dwe), gpu.download(dbe)};
    // Backward-filter algorithms may sum with atomics, so two runs of a weight or bias gradient agree
    // to the rounding of their sums in another order: up to 2 n 2^-24 of the sum of the terms'
    // magnitudes, n terms a weight. The magnitudes are the same gradients of the inputs' absolute
    // values. (A flat 1e-4 relative failed once on an H200: 13.2339 against 13.2324 for a weight
    // of the encoder, whose terms cancel.)
    Tensor ah = abs(h), ay = abs(y), adh = abs(dh), ax = abs(x.gpu());
    Tensor mwd = gpu.allocate(dec.weightSize()), mwe = gpu.allocate(enc.weightSize()), mbe = gpu.allocate(enc.outChannels());
    gpu.convBackwardWeights(dec, ah, ay, mwd, gpu.allocate(dec.outChannels()));
    gpu.convBackwardWeights(enc, ax, adh, mwe, mbe);
    float[][] magnitudes = {null, gpu.download(mwd), gpu.download(mwe), gpu.download(mbe)};
    long[] terms = {0, (long) dec.batch() * dec.outHeight() * dec.outWidth(),
        (long) enc.batch() * enc.outHeight() * enc.outWidth(), (long) enc.batch() * enc.outHeight() * enc.outWidth()};
    for (Tensor t : new Tensor[] {h, y, dwe, dbe, dwd, dbd, dh}) gpu.fill(t, Float.NaN);
    try (Backend.RecordedStep step = gpu.recordStep(k -> body.run())) {
      step.replay();
    }
    float[][] replayed = {gpu.download(y), gpu.download(dwd), gpu.download(dwe), gpu.download(dbe)};
    for (int i = 0; i < direct.length; i++) {
      assertEquals(direct[i].length, replayed[i].length);
      for (int j = 0; j < direct[i].length; j++) {
        double tol = i == 0 ? 1e-4 * Math.max(1, Math.abs(direct[i][j])) : 1e-12 + 2 * terms[i] * 0x1p-24 * magnitudes[i][j];
        assertEquals(direct[i][j], replayed[i][j], tol, "output " + i + "[" + j + "]");
      }
    }
  }

  /** A new tensor of |t|'s elements. */
  private Tensor abs(Tensor t) {
    float[] values = gpu.download(t);
    for (int i = 0; i < values.length; i++) values[i] = Math.abs(values[i]);
    Tensor a = gpu.allocate(values.length);
    gpu.upload(values, a);
    return a;
  }
}
