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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The importance-weighted pass on the CPU backend against a double-precision reference of the
 * IWAE loss (Burda et al. 2016) written from its definition on {@link ReferenceVae}'s forward pass,
 * and its gradient against central differences of that double loss over every parameter.
 */
class IwaeObjectiveTest {
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
  @CsvSource({"BERNOULLI,1.0,5", "GAUSSIAN,0.6,3", "GAUSSIAN_LEARNED,1.0,4"})
  void lossAndGradientMatchTheDoubleReference(Likelihood likelihood, float beta, int draws) {
    long seed = Long.getLong("vae4j.seed", new Random().nextLong());
    Random random = new Random(seed);
    // tanh: smooth everywhere, so central differences need no care about kinks.
    VaeConfig config = VaeConfig.mlp(Shape.flat(17), new int[] {13}, 3, likelihood, Activation.TANH);
    int rows = 5, batchRows = 7, d = 17, latent = 3; // the part's gradient is of its sum over the batch's 7 rows
    ParameterLayout layout = new ParameterLayout(config);
    float[] p = Initializer.pytorchLinear(layout, seed);
    float[] x = new float[rows * d], eps = new float[rows * draws * latent];
    for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
    for (int i = 0; i < eps.length; i++) eps[i] = (float) random.nextGaussian();

    Tensor params = backend.allocate(layout.size());
    backend.upload(p, params);
    VaeNetwork net = new VaeNetwork(backend, config, layout, params);
    Workspace ws = net.workspace(IwaeObjective.workspaceRows(rows + 1, draws), true); // capacity above the rows used
    IwaeObjective iwae = new IwaeObjective(net, rows + 1, draws);
    backend.upload(x, 0, ws.input(), 0, x.length);
    backend.upload(eps, 0, ws.eps(), 0, eps.length);
    Tensor grads = backend.allocate(layout.size());
    backend.fill(grads, Float.NaN); // every gradient must be written
    iwae.lossesAndGradients(ws, rows, batchRows, beta, net.new LayerGradients(grads));
    float[] analytic = backend.download(grads);
    float[] bound = new float[rows], weights = new float[rows * draws];
    backend.download(iwae.bound(), 0, bound, 0, rows);
    backend.download(iwae.weights(), 0, weights, 0, rows * draws);

    ReferenceVae ref = new ReferenceVae(config);
    double[] pd = VaeNetworkTest.toDouble(p);
    double[][] xd = repeated(x, rows, d, draws), epsd = VaeNetworkTest.rowsOf(eps, rows * draws, latent);
    double[] expectedBound = rowLosses(ref, pd, xd, epsd, rows, draws, beta);
    for (int r = 0; r < rows; r++) {
      assertEquals(expectedBound[r], bound[r], 1e-5 * Math.abs(expectedBound[r]) + 1e-4, "bound row " + r + " seed " + seed);
      double sum = 0;
      for (int k = 0; k < draws; k++) sum += weights[r * draws + k];
      assertEquals(1, sum, 1e-5, "weights of row " + r + " seed " + seed);
    }
    double[] numeric = new double[p.length];
    double h = 1e-6;
    for (int i = 0; i < p.length; i++) {
      double keep = pd[i];
      pd[i] = keep + h;
      double up = sum(rowLosses(ref, pd, xd, epsd, rows, draws, beta));
      pd[i] = keep - h;
      double down = sum(rowLosses(ref, pd, xd, epsd, rows, draws, beta));
      pd[i] = keep;
      numeric[i] = (up - down) / (2 * h) / batchRows;
    }
    double error = VaeNetworkTest.relativeError(numeric, analytic);
    System.out.println("iwae gradient relative error " + error + " (" + likelihood + ", K " + draws + ", seed " + seed + ")");
    assertTrue(error < 1e-4, "iwae gradient vs finite differences: relative error " + error + " seed " + seed);
    iwae.release();
    ws.release(backend);
  }

  /** Per row, -(log mean_k w_k) with log w = -recon - beta * (log q - log p), the sampled Gaussian terms, in double. */
  static double[] rowLosses(ReferenceVae ref, double[] p, double[][] xRepeated, double[][] eps, int rows, int draws,
      double beta) {
    ReferenceVae.Pass pass = ref.forward(p, xRepeated, eps, beta);
    int latent = eps[0].length;
    double[] out = new double[rows];
    for (int r = 0; r < rows; r++) {
      double[] logW = new double[draws];
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < draws; k++) {
        int i = r * draws + k;
        double logQ = 0, logP = 0;
        for (int j = 0; j < latent; j++) {
          double mu = pass.stats[i][j], lv = pass.stats[i][latent + j], z = pass.z[i][j];
          logQ += -0.5 * Math.log(2 * Math.PI) - lv / 2 - (z - mu) * (z - mu) / (2 * Math.exp(lv));
          logP += -0.5 * Math.log(2 * Math.PI) - z * z / 2;
        }
        logW[k] = -pass.recon[i] + beta * (logP - logQ);
        max = Math.max(max, logW[k]);
      }
      double s = 0;
      for (double l : logW) s += Math.exp(l - max);
      out[r] = -(max + Math.log(s) - Math.log(draws));
    }
    return out;
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double v : a) s += v;
    return s;
  }

  private static double[][] repeated(float[] x, int rows, int cols, int draws) {
    double[][] out = new double[rows * draws][cols];
    for (int i = 0; i < rows * draws; i++) for (int c = 0; c < cols; c++) out[i][c] = x[(i / draws) * cols + c];
    return out;
  }
}
