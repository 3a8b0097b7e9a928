package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every {@link Backend} op against a double-precision reference written from the op's Javadoc, on
 * fresh random inputs with outputs poisoned by NaN first and sizes that are not multiples of any
 * block or vector width. Each backend runs this by extending it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContractTest {
  protected Backend backend;
  protected long seed;
  protected Random random;

  /** The backend under test; called once. */
  protected abstract Backend createBackend();

  @BeforeAll
  void open() {
    backend = createBackend();
    seed = new Random().nextLong();
    random = new Random(seed);
  }

  @AfterAll
  void close() {
    backend.close();
  }

  private Tensor upload(float[] values) {
    Tensor t = backend.allocate(values.length);
    backend.upload(values, t);
    return t;
  }

  private Tensor poisoned(int length) {
    Tensor t = backend.allocate(length);
    backend.fill(t, Float.NaN);
    return t;
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

  private void assertClose(double expected, float actual, double relTol, double absTol, String what) {
    double tol = absTol + relTol * Math.abs(expected);
    assertTrue(Math.abs(expected - actual) <= tol,
        what + ": expected " + expected + ", got " + actual + " (seed " + seed + ", " + backend.name() + ")");
  }

  @ParameterizedTest
  @CsvSource({"false,false", "true,false", "false,true", "true,true"})
  void gemm(boolean transA, boolean transB) {
    int m = 37, n = 29, k = 53;
    float[] a = gaussian(m * k, 1), b = gaussian(k * n, 1), c0 = gaussian(m * n, 1);
    float alpha = 0.75f, beta = -0.5f;
    Tensor c = upload(c0);
    backend.gemm(transA, transB, m, n, k, alpha, upload(a), upload(b), beta, c);
    float[] out = backend.download(c);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          double av = transA ? a[p * m + i] : a[i * k + p];
          double bv = transB ? b[j * k + p] : b[p * n + j];
          s += av * bv;
        }
        assertClose(alpha * s + beta * c0[i * n + j], out[i * n + j], 1e-5, 1e-4, "C[" + i + "," + j + "]");
      }
    }
    Tensor poisoned = poisoned(m * n); // beta == 0 must ignore C's old contents
    backend.gemm(transA, transB, m, n, k, 1f, upload(a), upload(b), 0f, poisoned);
    for (float v : backend.download(poisoned)) assertTrue(Float.isFinite(v), "beta=0 must not read C");
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void biasActivation(Activation act) {
    int rows = 19, cols = 1031;
    float[] x = gaussian(rows * cols, 3), bias = gaussian(cols, 1);
    Tensor t = upload(x);
    backend.biasActivation(t, upload(bias), rows, cols, act);
    float[] out = backend.download(t);
    for (int i = 0; i < x.length; i++) {
      double v = (double) x[i] + bias[i % cols];
      double expected = switch (act) {
        case IDENTITY -> v;
        case RELU -> Math.max(v, 0);
        case SIGMOID -> 1 / (1 + Math.exp(-v));
      };
      assertClose(expected, out[i], 1e-6, 1e-7, act + " element " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Activation.class, names = {"IDENTITY", "RELU"})
  void activationBackward(Activation act) {
    int rows = 131, cols = 403;
    float[] grad = gaussian(rows * cols, 1), out = gaussian(rows * cols, 1);
    Tensor g = upload(grad), biasGrad = poisoned(cols);
    backend.activationBackward(g, upload(out), biasGrad, rows, cols, act);
    float[] dg = backend.download(g), db = backend.download(biasGrad);
    double[] colSums = new double[cols];
    for (int i = 0; i < grad.length; i++) {
      double expected = act == Activation.RELU && out[i] <= 0 ? 0 : grad[i];
      assertClose(expected, dg[i], 0, 0, "grad " + i);
      colSums[i % cols] += expected;
    }
    for (int c = 0; c < cols; c++) assertClose(colSums[c], db[c], 1e-5, 1e-5, "bias grad " + c);
  }

  /** {@code values} in a slice at an odd offset of a larger buffer, as layers sit in the parameter buffer. */
  private Tensor uploadMisaligned(float[] values) {
    int offset = 1 + random.nextInt(63);
    Tensor parent = backend.allocate(offset + values.length + 3L);
    backend.fill(parent, Float.NaN);
    Tensor t = backend.slice(parent, offset, values.length);
    backend.upload(values, t);
    return t;
  }

  @ParameterizedTest
  @CsvSource({"IDENTITY,true", "RELU,true", "SIGMOID,true", "IDENTITY,false", "RELU,false"})
  void linearForward(Activation act, boolean withBias) {
    int rows = 37, in = 53, out = 29;
    float[] x = gaussian(rows * in, 1), w = gaussian(out * in, 0.3), bias = gaussian(out, 1);
    Tensor y = poisoned(rows * out);
    backend.linearForward(upload(x), uploadMisaligned(w), withBias ? uploadMisaligned(bias) : null, y, rows, in, out,
        act);
    float[] yo = backend.download(y);
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double v = withBias ? bias[o] : 0;
        for (int i = 0; i < in; i++) v += (double) x[r * in + i] * w[o * in + i];
        double expected = switch (act) {
          case IDENTITY -> v;
          case RELU -> Math.max(v, 0);
          case SIGMOID -> 1 / (1 + Math.exp(-v));
        };
        assertClose(expected, yo[r * out + o], 1e-5, 1e-5, act + " y[" + r + "," + o + "]");
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"IDENTITY,true,true", "RELU,true,true", "RELU,false,true", "IDENTITY,true,false", "RELU,false,false"})
  void linearBackward(Activation act, boolean withBiasGrad, boolean withDx) {
    int rows = 41, in = 23, out = 31;
    float[] x = gaussian(rows * in, 1), w = gaussian(out * in, 0.3);
    float[] y = gaussian(rows * out, 1), dy = gaussian(rows * out, 1);
    if (act == Activation.RELU) for (int i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0f);
    Tensor dyt = upload(dy), weightGrad = backend.slice(poisoned(out * in + 5), 5, (long) out * in);
    Tensor biasGrad = withBiasGrad ? backend.slice(poisoned(out + 7), 7, out) : null;
    Tensor dx = withDx ? poisoned(rows * in) : null;
    backend.linearBackward(upload(x), uploadMisaligned(w), upload(y), dyt, weightGrad, biasGrad, dx, rows, in, out,
        act);
    double[] pre = new double[dy.length]; // d(pre-activation)
    for (int i = 0; i < dy.length; i++) pre[i] = act == Activation.RELU && y[i] <= 0 ? 0 : dy[i];
    float[] dyo = backend.download(dyt), dwo = backend.download(weightGrad);
    for (int i = 0; i < dy.length; i++) assertClose(pre[i], dyo[i], 0, 0, "d(pre-activation) " + i);
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        double s = 0;
        for (int r = 0; r < rows; r++) s += pre[r * out + o] * x[r * in + i];
        assertClose(s, dwo[o * in + i], 1e-5, 1e-5, "dW[" + o + "," + i + "]");
      }
    }
    if (withBiasGrad) {
      float[] dbo = backend.download(biasGrad);
      for (int o = 0; o < out; o++) {
        double s = 0;
        for (int r = 0; r < rows; r++) s += pre[r * out + o];
        assertClose(s, dbo[o], 1e-5, 1e-5, "db[" + o + "]");
      }
    }
    if (withDx) {
      float[] dxo = backend.download(dx);
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < in; i++) {
          double s = 0;
          for (int o = 0; o < out; o++) s += pre[r * out + o] * w[o * in + i];
          assertClose(s, dxo[r * in + i], 1e-5, 1e-5, "dx[" + r + "," + i + "]");
        }
      }
    }
  }

  @Test
  void gatherRows() {
    int srcRows = 50, cols = 17, rows = 13;
    float[] src = gaussian(srcRows * cols, 1);
    int[] idx = new int[srcRows];
    for (int i = 0; i < srcRows; i++) idx[i] = random.nextInt(srcRows);
    IndexTensor indices = backend.allocateIndices(srcRows);
    backend.uploadIndices(idx, indices);
    Tensor dst = poisoned(rows * cols);
    backend.gatherRows(upload(src), cols, indices, 7, rows, dst);
    float[] out = backend.download(dst);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) assertEquals(src[idx[7 + r] * cols + c], out[r * cols + c]);
    }
  }

  /** 8-bit pixels uploaded in two pieces and gathered as the floats k / 255 that Dataset gives. */
  @Test
  void gatherRowsOfEightBitPixels() {
    int srcRows = 40, cols = 19, rows = 11;
    byte[] src = new byte[srcRows * cols];
    random.nextBytes(src);
    Tensor pixels = backend.allocatePixels(src.length);
    int half = 17 * cols + 5;
    backend.uploadPixels(src, 0, pixels, 0, half);
    backend.uploadPixels(src, half, pixels, half, src.length - half);
    int[] idx = new int[srcRows];
    for (int i = 0; i < srcRows; i++) idx[i] = random.nextInt(srcRows);
    IndexTensor indices = backend.allocateIndices(srcRows);
    backend.uploadIndices(idx, indices);
    Tensor dst = poisoned(rows * cols);
    backend.gatherRows(pixels, cols, indices, 3, rows, dst);
    float[] out = backend.download(dst);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        assertEquals((src[idx[3 + r] * cols + c] & 0xff) / 255f, out[r * cols + c], "row " + r + " col " + c);
      }
    }
    backend.release(pixels);
  }

  @Test
  void normalNoiseFollowsPhilox() {
    int n = 4 * 1000 + 3;
    Tensor t = poisoned(n);
    long s = random.nextLong(), stream = random.nextInt(1000);
    backend.normalNoise(t, s, stream);
    float[] expected = new float[n];
    Philox.normals(s, stream, expected, 0, n);
    float[] out = backend.download(t);
    for (int i = 0; i < n; i++) assertClose(expected[i], out[i], 1e-5, 1e-5, "noise " + i);
  }

  @Test
  void reparameterizeAndBackward() {
    int rows = 21, latent = 7;
    float[] stats = gaussian(rows * 2 * latent, 1), eps = gaussian(rows * latent, 1);
    float[] dz = gaussian(rows * latent, 1), dstats0 = gaussian(rows * 2 * latent, 1);
    Tensor z = poisoned(rows * latent), dstats = upload(dstats0);
    Tensor st = upload(stats), ep = upload(eps);
    backend.reparameterize(st, ep, z, rows, latent);
    backend.reparameterizeBackward(upload(dz), st, ep, dstats, rows, latent);
    float[] zo = backend.download(z), ds = backend.download(dstats);
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < latent; j++) {
        double mu = stats[r * 2 * latent + j], lv = stats[r * 2 * latent + latent + j];
        double e = eps[r * latent + j], g = dz[r * latent + j];
        assertClose(mu + Math.exp(lv / 2) * e, zo[r * latent + j], 1e-6, 1e-6, "z");
        assertClose(dstats0[r * 2 * latent + j] + g, ds[r * 2 * latent + j], 1e-6, 1e-6, "dmu");
        assertClose(dstats0[r * 2 * latent + latent + j] + g * e * 0.5 * Math.exp(lv / 2),
            ds[r * 2 * latent + latent + j], 1e-6, 1e-6, "dlogvar");
      }
    }
  }

  @Test
  void klDivergence() {
    int rows = 33, latent = 20;
    float[] stats = gaussian(rows * 2 * latent, 1.5);
    Tensor kl = poisoned(rows), dstats = poisoned(rows * 2 * latent);
    float scale = 0.37f;
    backend.klDivergence(upload(stats), rows, latent, kl, dstats, scale);
    float[] k = backend.download(kl), d = backend.download(dstats);
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int j = 0; j < latent; j++) {
        double mu = stats[r * 2 * latent + j], lv = stats[r * 2 * latent + latent + j];
        sum += -0.5 * (1 + lv - mu * mu - Math.exp(lv));
        assertClose(scale * mu, d[r * 2 * latent + j], 1e-6, 1e-7, "dmu");
        assertClose(scale * 0.5 * (Math.exp(lv) - 1), d[r * 2 * latent + latent + j], 1e-6, 1e-7, "dlogvar");
      }
      assertClose(sum, k[r], 1e-5, 1e-6, "kl row " + r);
    }
  }

  @ParameterizedTest
  @EnumSource(Likelihood.class)
  void reconstructionLoss(Likelihood likelihood) {
    int rows = 17, cols = 787, width = likelihood.outputsPerValue() * cols;
    float[] logits = gaussian(rows * width, 6), x = uniform(rows * cols);
    logits[0] = 80f; // far tails must stay finite and exact
    logits[1] = -80f;
    logits[2] = 0f; // the continuous Bernoulli's Taylor branch, and both sides of it
    logits[3] = 1e-3f;
    logits[4] = -5e-3f;
    logits[5] = 0.0101f;
    logits[6] = -0.0099f;
    if (likelihood == Likelihood.GAUSSIAN_LEARNED) {
      logits[cols] = Likelihood.LOG_VARIANCE_MAX; // the clamp's bounds pass the gradient
      logits[cols + 1] = Likelihood.LOG_VARIANCE_MIN;
      logits[cols + 2] = -30f;
      logits[cols + 3] = 30f;
    }
    Tensor loss = poisoned(rows), dl = poisoned(rows * width);
    float scale = 1f / rows;
    backend.reconstructionLoss(likelihood, upload(logits), upload(x), rows, cols, loss, dl, scale);
    float[] lo = backend.download(loss), g = backend.download(dl);
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c, o = r * width + c;
        double l = logits[o], xi = x[i];
        switch (likelihood) {
          case BERNOULLI -> {
            sum += Math.max(l, 0) - l * xi + Math.log1p(Math.exp(-Math.abs(l)));
            assertClose(scale * (1 / (1 + Math.exp(-l)) - xi), g[o], 1e-5, 1e-8, "dlogits " + o);
          }
          case CONTINUOUS_BERNOULLI -> {
            sum += continuousBernoulliNll(l, xi);
            double dLogNorm = Math.abs(l) < 1e-4 ? l / 6 : 1 / l - 1 / Math.sinh(l);
            assertClose(scale * (1 / (1 + Math.exp(-l)) - xi - dLogNorm), g[o], 1e-5, 1e-8, "dlogits " + o);
          }
          case GAUSSIAN -> {
            sum += 0.5 * (xi - l) * (xi - l) + 0.5 * Math.log(2 * Math.PI);
            assertClose(scale * (l - xi), g[o], 1e-5, 1e-8, "dlogits " + o);
          }
          case GAUSSIAN_LEARNED -> {
            double lv = logits[o + cols];
            sum += learnedGaussianNll(l, lv, xi);
            double v = Math.min(7, Math.max(-7, lv)), diff = l - xi;
            assertClose(scale * diff * Math.exp(-v), g[o], 1e-5, 1e-8, "dmean " + o);
            double dlv = lv < -7 || lv > 7 ? 0 : scale * 0.5 * (1 - diff * diff * Math.exp(-v));
            assertClose(dlv, g[o + cols], 1e-5, 1e-8, "dlogvar " + (o + cols));
          }
        }
      }
      assertClose(sum, lo[r], 1e-5, 1e-4, "loss row " + r);
    }
    // Forward only, in place over the logits, leaves the losses as they were.
    Tensor lt = upload(logits), loss2 = poisoned(rows);
    backend.reconstructionLoss(likelihood, lt, upload(x), rows, cols, loss2, null, 0f);
    float[] lo2 = backend.download(loss2);
    for (int r = 0; r < rows; r++) assertClose(lo[r], lo2[r], 1e-6, 1e-5, "forward-only loss " + r);
    // With the gradient in place over the logits, the same losses and gradients.
    Tensor lt3 = upload(logits), loss3 = poisoned(rows);
    backend.reconstructionLoss(likelihood, lt3, upload(x), rows, cols, loss3, lt3, scale);
    float[] lo3 = backend.download(loss3), g3 = backend.download(lt3);
    for (int r = 0; r < rows; r++) assertClose(lo[r], lo3[r], 1e-6, 1e-5, "in-place loss " + r);
    for (int i = 0; i < g.length; i++) assertClose(g[i], g3[i], 1e-6, 1e-9, "in-place gradient " + i);
  }

  /** The continuous Bernoulli NLL from its definition, -x log(lambda) - (1-x) log(1-lambda) - log C(lambda), via the logit. */
  public static double continuousBernoulliNll(double l, double x) {
    double bce = Math.max(l, 0) - l * x + Math.log1p(Math.exp(-Math.abs(l)));
    // C = 2 artanh(1 - 2 lambda) / (1 - 2 lambda), with 1 - 2 lambda = -tanh(l/2) and 2 artanh(..) = -l.
    double logNorm = Math.abs(l) < 1e-4 ? Math.log(2) + l * l / 12 : Math.log(l / Math.tanh(l / 2));
    return bce - logNorm;
  }

  /** The learned-variance Gaussian NLL with the log-variance clamped to [-7, 7]. */
  public static double learnedGaussianNll(double mu, double lv, double x) {
    double v = Math.min(7, Math.max(-7, lv));
    return 0.5 * (Math.log(2 * Math.PI) + v + (x - mu) * (x - mu) * Math.exp(-v));
  }

  /** The double reference NLL of one value from its decoder outputs {@code o} (1 or 2 of them). */
  public static double referenceNll(Likelihood likelihood, double[] o, double x) {
    return switch (likelihood) {
      case BERNOULLI -> Math.max(o[0], 0) - o[0] * x + Math.log1p(Math.exp(-Math.abs(o[0])));
      case CONTINUOUS_BERNOULLI -> continuousBernoulliNll(o[0], x);
      case GAUSSIAN -> 0.5 * (x - o[0]) * (x - o[0]) + 0.5 * Math.log(2 * Math.PI);
      case GAUSSIAN_LEARNED -> learnedGaussianNll(o[0], o[1], x);
    };
  }

  /** The fused gradients against central differences of the double reference loss. */
  @ParameterizedTest
  @EnumSource(Likelihood.class)
  void reconstructionLossGradientMatchesFiniteDifferences(Likelihood likelihood) {
    int rows = 3, cols = 101, k = likelihood.outputsPerValue(), width = k * cols;
    float[] logits = gaussian(rows * width, 3), x = uniform(rows * cols);
    logits[0] = 0f;
    logits[1] = 2e-3f;
    logits[2] = -0.02f;
    Tensor loss = poisoned(rows), dl = poisoned(rows * width);
    backend.reconstructionLoss(likelihood, upload(logits), upload(x), rows, cols, loss, dl, 1f);
    float[] g = backend.download(dl);
    System.out.println("finite differences of " + likelihood + " on " + backend.name() + ", seed " + seed);
    double h = 1e-5;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double[] o = new double[k];
        for (int j = 0; j < k; j++) o[j] = logits[r * width + j * cols + c];
        for (int j = 0; j < k; j++) {
          if (likelihood == Likelihood.GAUSSIAN_LEARNED && j == 1 && Math.abs(Math.abs(o[1]) - 7) < 2 * h) continue;
          double[] up = o.clone(), down = o.clone();
          up[j] += h;
          down[j] -= h;
          double xi = x[r * cols + c];
          double fd = (referenceNll(likelihood, up, xi) - referenceNll(likelihood, down, xi)) / (2 * h);
          assertClose(fd, g[r * width + j * cols + c], 1e-4, 1e-6, likelihood + " d/d output " + j + " of value " + c
              + " in row " + r + " (outputs " + java.util.Arrays.toString(o) + ")");
        }
      }
    }
  }

  @Test
  void accumulateSum() {
    float[] values = gaussian(1001, 10);
    Tensor acc = upload(new float[] {1.5f, -2f, 0f});
    backend.accumulateSum(upload(values), 1000, acc, 1);
    double sum = -2;
    for (int i = 0; i < 1000; i++) sum += values[i];
    float[] out = backend.download(acc);
    assertClose(1.5, out[0], 0, 0, "untouched slot");
    assertClose(sum, out[1], 1e-6, 1e-3, "sum");
  }

  @Test
  void addInto() {
    float[] a = gaussian(40_009, 1), b = gaussian(40_009, 1);
    Tensor dst = upload(b);
    backend.addInto(upload(a), dst);
    float[] out = backend.download(dst);
    for (int i = 0; i < a.length; i++) assertEquals(a[i] + b[i], out[i], "dst " + i); // one rounding, exact
  }

  /** The interface's own addInto (one rank-1 GEMM), which backends that never split batches keep. */
  @Test
  void defaultAddIntoThroughGemm() {
    Backend plain = (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, (proxy, method, args) -> method.getName().equals("addInto")
            ? java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args)
            : method.invoke(backend, args));
    float[] a = gaussian(1003, 1), b = gaussian(1003, 1);
    Tensor dst = upload(b);
    plain.addInto(upload(a), dst);
    float[] out = backend.download(dst);
    for (int i = 0; i < a.length; i++) assertClose((double) a[i] + b[i], out[i], 1e-6, 1e-6, "dst " + i);
  }

  @Test
  void inParallelRunsEveryPartOnce() {
    int parts = backend.batchParts();
    assertTrue(parts >= 1, "batchParts " + parts);
    float[][] values = new float[parts][];
    Tensor[] outs = new Tensor[parts];
    for (int p = 0; p < parts; p++) {
      values[p] = gaussian(50_000, 1);
      outs[p] = upload(values[p]);
    }
    backend.inParallel(parts, p -> backend.biasActivation(outs[p], null, 100, 500, Activation.RELU));
    for (int p = 0; p < parts; p++) {
      float[] out = backend.download(outs[p]);
      for (int i = 0; i < out.length; i++) assertEquals(Math.max(values[p][i], 0f), out[i], "part " + p + " [" + i + "]");
    }
    IllegalStateException failure = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> backend.inParallel(parts, p -> {
          if (p == parts - 1) throw new IllegalStateException("part " + p + " failed");
        }));
    assertEquals("part " + (parts - 1) + " failed", failure.getMessage());
  }

  /** A GEMM after Adam reads the new weights, however the backend keeps copies of them. */
  @Test
  void gemmReadsWeightsUpdatedByAdam() {
    int m = 33, n = 40, k = 27;
    float[] x = gaussian(m * k, 1), w = gaussian(n * k, 1);
    Tensor xt = upload(x), wt = upload(w), y = poisoned(m * n);
    backend.gemm(false, true, m, n, k, 1f, xt, wt, 0f, y); // may make a copy of w for the GEMM library
    Tensor slice = backend.slice(wt, 7, n * k - 7); // Adam on part of w, as a batch part does
    backend.adamUpdate(slice, upload(gaussian(n * k - 7, 1)), upload(new float[n * k - 7]),
        upload(new float[n * k - 7]), AdamParams.pytorchDefaults(0.1), 1);
    backend.gemm(false, true, m, n, k, 1f, xt, wt, 0f, y);
    float[] updated = backend.download(wt), out = backend.download(y);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) s += (double) x[i * k + p] * updated[j * k + p];
        assertClose(s, out[i * n + j], 1e-5, 1e-4, "y[" + i + "," + j + "]");
      }
    }
  }

  /** Adam over the sum of a batch's gradient parts is Adam over their float sum, in part order. */
  @ParameterizedTest
  @CsvSource({"1", "2", "3"})
  void adamOverGradientParts(int count) {
    int n = 50_001;
    float[] p = gaussian(n, 1), m = gaussian(n, 0.01), v = uniform(n);
    float[][] g = new float[count][];
    Tensor[] parts = new Tensor[count];
    for (int q = 0; q < count; q++) {
      g[q] = gaussian(n, 0.1);
      parts[q] = upload(g[q]);
    }
    float[] sum = g[0].clone();
    for (int q = 1; q < count; q++) for (int i = 0; i < n; i++) sum[i] += g[q][i];
    AdamParams h = AdamParams.pytorchDefaults(1e-2);
    Tensor byParts = upload(p), m1 = upload(m), v1 = upload(v);
    backend.adamUpdate(byParts, parts, m1, v1, h, 3);
    Tensor bySum = upload(p), m2 = upload(m), v2 = upload(v);
    backend.adamUpdate(bySum, upload(sum), m2, v2, h, 3);
    assertEquals(java.util.Arrays.toString(backend.download(bySum)), java.util.Arrays.toString(backend.download(byParts)),
        "parameters");
    assertEquals(java.util.Arrays.toString(backend.download(m2)), java.util.Arrays.toString(backend.download(m1)), "m");
  }

  @ParameterizedTest
  @CsvSource({"0,false", "0.01,false", "0.01,true"})
  void adamMatchesReference(double weightDecay, boolean decoupled) {
    int n = 100_003; // large enough to be split across threads
    float[] p = gaussian(n, 1), m = gaussian(n, 0.01), v = uniform(n), g = gaussian(n, 0.1);
    for (int i = 0; i < n; i++) v[i] *= 1e-4f;
    AdamParams h = new AdamParams(1e-3, 0.9, 0.999, 1e-8, weightDecay, decoupled);
    int step = 1 + random.nextInt(50);
    Tensor pt = upload(p), mt = upload(m), vt = upload(v);
    backend.adamUpdate(pt, upload(g), mt, vt, h, step);
    float[] po = backend.download(pt), mo = backend.download(mt), vo = backend.download(vt);
    for (int i = 0; i < n; i++) {
      double pi = p[i], gi = g[i];
      if (!decoupled) gi += weightDecay * pi;
      else pi *= 1 - 1e-3 * weightDecay;
      double mi = 0.9 * m[i] + 0.1 * gi, vi = 0.999 * v[i] + 0.001 * gi * gi;
      double mhat = mi / (1 - Math.pow(0.9, step)), vhat = vi / (1 - Math.pow(0.999, step));
      double expected = pi - 1e-3 * mhat / (Math.sqrt(vhat) + 1e-8);
      // m's terms (and g's L2 term) may nearly cancel: float rounding is relative to the terms.
      double terms = Math.abs(0.9 * m[i]) + 0.1 * (Math.abs(g[i]) + Math.abs(weightDecay * p[i]));
      assertClose(mi, mo[i], 0, 1e-6 * terms, "m " + i);
      assertClose(vi, vo[i], 1e-5, 1e-12, "v " + i);
      assertClose(expected, po[i], 2e-7, 1e-7, "p " + i); // float rounding of p
    }
  }
}
