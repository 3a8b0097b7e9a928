package dev.vae4j.model;

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

/**
 * {@code --class-weights}' gradient: with row weights {@code w}, {@link VaeNetwork#lossesAndGradients}
 * gives the gradient of {@code sum_r w_r (recon_r + beta KL_r) / rows}, checked against finite
 * differences of that weighted loss, and analytically as {@code sum_r w_r} times row {@code r}'s
 * own gradient (the loss is a sum over rows); the per-row losses it leaves are the weighted ones.
 * A tanh MLP, so that no ReLU kink spoils a difference quotient.
 */
class ClassWeightedGradientTest {
  private static final int ROWS = 7;
  private static final float BETA = 0.6f;
  private static Backend backend;
  private final long seed = Long.getLong("vae4j.seed", new Random().nextLong());
  private final Random random = new Random(seed);
  private final VaeConfig config = VaeConfig.mlp(new Shape(1, 1, 13), new int[] {11}, 3, Likelihood.GAUSSIAN,
      Activation.TANH);
  private final ParameterLayout layout = new ParameterLayout(config);
  private VaeNetwork net;
  private Workspace ws;
  private Tensor grads, weightsTensor;
  private float[] p;

  @BeforeAll
  static void open() {
    backend = new CpuBackend();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  private void build() {
    p = Initializer.pytorchLinear(layout, seed);
    float[] x = new float[ROWS * 13], eps = new float[ROWS * 3];
    for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
    for (int i = 0; i < eps.length; i++) eps[i] = (float) random.nextGaussian();
    Tensor params = backend.allocate(layout.size());
    backend.upload(p, params);
    net = new VaeNetwork(backend, config, layout, params);
    ws = net.workspace(ROWS, true);
    backend.upload(x, 0, ws.input(), 0, x.length);
    backend.upload(eps, 0, ws.eps(), 0, eps.length);
    grads = backend.allocate(layout.size());
    weightsTensor = backend.allocate(ROWS);
  }

  /** The gradient with row weights {@code w} (null: unweighted) at the network's parameters; the weighted per-row losses into {@code losses}. */
  private float[] gradient(float[] w, double[] losses) {
    if (w != null) backend.upload(w, weightsTensor);
    net.forward(ws, ROWS);
    net.lossesAndGradients(ws, ROWS, ROWS, BETA, net.new LayerGradients(grads), null, w == null ? null : weightsTensor);
    if (losses != null) {
      float[] recon = new float[ROWS], kl = new float[ROWS];
      backend.download(ws.reconPerRow(), 0, recon, 0, ROWS);
      backend.download(ws.klPerRow(), 0, kl, 0, ROWS);
      for (int r = 0; r < ROWS; r++) losses[r] = recon[r] + (double) BETA * kl[r];
    }
    return backend.download(grads);
  }

  private float[] weights() {
    float[] w = new float[ROWS];
    for (int r = 0; r < ROWS; r++) w[r] = 0.2f + 3 * random.nextFloat();
    return w;
  }

  @Test
  void theGradientIsTheWeightedSumOfTheRowsGradients() {
    build();
    float[] w = weights();
    double[] weighted = new double[ROWS], plain = new double[ROWS];
    float[] g = gradient(w, weighted);
    gradient(null, plain);
    double[] expected = new double[g.length];
    for (int r = 0; r < ROWS; r++) {
      float[] oneHot = new float[ROWS];
      oneHot[r] = 1;
      float[] gr = gradient(oneHot, null);
      for (int i = 0; i < g.length; i++) expected[i] += w[r] * (double) gr[i];
      assertTrue(Math.abs(weighted[r] - w[r] * plain[r]) <= 1e-5 * Math.abs(w[r] * plain[r]),
          "row " + r + "'s weighted loss " + weighted[r] + " vs " + w[r] + " * " + plain[r] + " (seed " + seed + ")");
    }
    double error = VaeNetworkTest.relativeError(expected, g);
    assertTrue(error < 1e-5, "weighted gradient vs the weighted sum of row gradients: " + error + " (seed " + seed + ")");
    double unweightedError = VaeNetworkTest.relativeError(expected, gradient(null, null));
    assertTrue(unweightedError > 0.05, "the unweighted gradient fits as well: " + unweightedError + " (seed " + seed + ")");
  }

  @Test
  void theGradientMatchesFiniteDifferencesOfTheWeightedLoss() {
    build();
    float[] w = weights();
    float[] analytic = gradient(w, null);
    int samples = 50;
    double[] numeric = new double[samples];
    float[] sampled = new float[samples];
    double h = 1e-3;
    for (int s = 0; s < samples; s++) {
      int i = random.nextInt(p.length);
      float up = (float) (p[i] + h), down = (float) (p[i] - h);
      numeric[s] = (loss(i, up, w) - loss(i, down, w)) / ((double) up - down);
      sampled[s] = analytic[i];
    }
    double error = VaeNetworkTest.relativeError(numeric, sampled);
    System.out.println("class-weighted gradient relative error " + error + " (seed " + seed + ")");
    assertTrue(error < 1e-2, "weighted gradient vs finite differences: relative error " + error + " (seed " + seed + ")");
  }

  /** sum_r w_r (recon_r + beta KL_r) / rows (in double over the float per-row losses) with parameter {@code i} at {@code value}. */
  private double loss(int i, float value, float[] w) {
    float[] q = p.clone();
    q[i] = value;
    backend.upload(q, net.params());
    net.forward(ws, ROWS);
    net.losses(ws, ROWS);
    float[] recon = new float[ROWS], kl = new float[ROWS];
    backend.download(ws.reconPerRow(), 0, recon, 0, ROWS);
    backend.download(ws.klPerRow(), 0, kl, 0, ROWS);
    backend.upload(p, net.params());
    double sum = 0;
    for (int r = 0; r < ROWS; r++) sum += w[r] * (recon[r] + (double) BETA * kl[r]);
    return sum / ROWS;
  }
}
