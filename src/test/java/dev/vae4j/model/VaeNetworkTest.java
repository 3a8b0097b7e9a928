package dev.vae4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.model.layer.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The float32 network on the CPU backend against the double-precision reference. */
class VaeNetworkTest {
  private static Backend backend;

  @BeforeAll
  static void open() {
    backend = new CpuBackend();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @ParameterizedTest
  @EnumSource(Likelihood.class)
  void lossesAndGradientsMatchReference(Likelihood likelihood) {
    check(likelihood, Activation.RELU);
  }

  /** {@code --activation}'s ELU, tanh and leaky ReLU in every hidden layer, encoder and decoder. */
  @ParameterizedTest
  @CsvSource({"BERNOULLI,ELU", "BERNOULLI,TANH", "GAUSSIAN_LEARNED,TANH", "GAUSSIAN,ELU", "BERNOULLI,LEAKY_RELU"})
  void lossesAndGradientsMatchReferenceWithAnotherActivation(Likelihood likelihood, Activation activation) {
    check(likelihood, activation);
  }

  private void check(Likelihood likelihood, Activation activation) {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    VaeConfig config = VaeConfig.mlp(Shape.flat(37), new int[] {23, 11}, 5, likelihood, activation);
    int rows = 13;
    ParameterLayout layout = new ParameterLayout(config);
    float[] p = Initializer.pytorchLinear(layout, seed);
    float[] x = new float[rows * 37];
    float[] eps = new float[rows * 5];
    for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
    for (int i = 0; i < eps.length; i++) eps[i] = (float) random.nextGaussian();
    float beta = 1.3f;

    Tensor params = backend.allocate(layout.size());
    backend.upload(p, params);
    VaeNetwork net = new VaeNetwork(backend, config, layout, params);
    Workspace ws = net.workspace(rows + 3, true); // capacity above the rows used
    backend.upload(x, 0, ws.input(), 0, x.length);
    backend.upload(eps, 0, ws.eps(), 0, eps.length);
    AdamOptimizer adam = new AdamOptimizer(backend, layout.size());
    backend.fill(adam.grads(), Float.NaN); // every gradient must be written
    net.forward(ws, rows);
    net.lossesAndGradients(ws, rows, beta, net.new LayerGradients(adam.grads()));

    ReferenceVae ref = new ReferenceVae(config);
    double[] pd = toDouble(p);
    double[][] xd = rowsOf(x, rows, 37), epsd = rowsOf(eps, rows, 5);
    ReferenceVae.Pass pass = ref.forward(pd, xd, epsd, beta);
    double[] expected = ref.gradient(pd, xd, epsd, beta);

    float[] recon = new float[rows], kl = new float[rows];
    backend.download(ws.reconPerRow(), 0, recon, 0, rows);
    backend.download(ws.klPerRow(), 0, kl, 0, rows);
    for (int r = 0; r < rows; r++) {
      assertEquals(pass.recon[r], recon[r], 1e-5 * Math.abs(pass.recon[r]) + 1e-5, "recon row " + r + " seed " + seed);
      assertEquals(pass.kl[r], kl[r], 1e-5 * Math.abs(pass.kl[r]) + 1e-6, "kl row " + r + " seed " + seed);
    }
    assertTrue(relativeError(expected, backend.download(adam.grads())) < 1e-5,
        "gradient relative error " + relativeError(expected, backend.download(adam.grads())) + " seed " + seed);
  }

  static double relativeError(double[] expected, float[] actual) {
    double diff = 0, norm = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (expected[i] - actual[i]) * (expected[i] - actual[i]);
      norm += expected[i] * expected[i];
    }
    return Math.sqrt(diff / norm);
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i];
    return d;
  }

  static double[][] rowsOf(float[] flat, int rows, int cols) {
    double[][] out = new double[rows][cols];
    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out[r][c] = flat[r * cols + c];
    return out;
  }

  /** Regression: eval on a conv model once made 8192-row chunks, GBs of feature maps and reorder buffers. */
  @Test
  void inferenceRowsKeepAConvModelsWorkspaceSmall() {
    VaeConfig mlp = VaeConfig.mnistDefault();
    VaeConfig conv = VaeConfig.conv(new Shape(1, 28, 28), new int[] {32, 64}, new int[] {256}, 20, Likelihood.BERNOULLI);
    assertEquals(8192, network(mlp).inferenceRows(8192, 1024), "the MLP keeps its GPU-sized chunks");
    int convRows = network(conv).inferenceRows(8192, 1024);
    assertTrue(convRows >= 1024 && convRows < 2048, "conv chunk of " + convRows + " rows");
    assertEquals(4096, network(conv).inferenceRows(8192, 4096), "at least the rows the caller needs");
    assertEquals(7, network(conv).inferenceRows(7, 1), "never more rows than wanted");
  }

  private static VaeNetwork network(VaeConfig config) {
    ParameterLayout layout = new ParameterLayout(config);
    return new VaeNetwork(backend, config, layout, backend.allocate(layout.size()));
  }
}
