package dev.vae4j.jmh;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The fused elementwise ops of a training step of the default 784-400-20 model at {@code batch}
 * rows, each reported as GB/s of the bytes it must move (every float read once and written once;
 * a perfect op runs at memory or cache bandwidth):
 *
 * <ul>
 *   <li>sigmoid + BCE: read logits and targets, write dlogits and the per-row loss;
 *   <li>KL: read mu/logvar, write their gradients and the per-row KL;
 *   <li>reparameterization + noise: write the Philox noise, read mu/logvar and the noise, write z;
 *   <li>Adam over all 648k parameters: read parameters, gradients and both moments, write back all
 *       but the gradients.
 * </ul>
 */
public class FusedOpsBenchmark extends OnBackend {
  private static final int PIXELS = 784;
  private static final int LATENT = 20;

  @Param({"cpu", "cuda"})
  public String backend;

  @Override
  protected String backendName() {
    return backend;
  }

  @Param({"128", "1024"})
  public int batch;

  private Tensor logits, targets, dlogits, rowLoss;
  private Tensor stats, dstats, eps, z;
  private Tensor params, grads, m, v;
  private final AdamParams hyper = AdamParams.pytorchDefaults(1e-3);
  private long step;

  @Override
  protected void prepare() {
    logits = random((long) batch * PIXELS, -6, 6);
    targets = random((long) batch * PIXELS, 0, 1);
    dlogits = random((long) batch * PIXELS, -1, 1);
    rowLoss = random(batch, 0, 1);
    stats = random(2L * batch * LATENT, -2, 2);
    dstats = random(2L * batch * LATENT, -1, 1);
    eps = random((long) batch * LATENT, -1, 1);
    z = random((long) batch * LATENT, -1, 1);
    long size = new ParameterLayout(VaeConfig.mnistDefault()).size();
    params = random(size, -0.05f, 0.05f);
    grads = random(size, -0.01f, 0.01f);
    m = random(size, -0.001f, 0.001f);
    v = random(size, 1e-8f, 1e-6f);
  }

  @Benchmark
  public void sigmoidBce(Counters.Gigabytes bytes) {
    int reps = repeats();
    for (int i = 0; i < reps; i++) {
      device.reconstructionLoss(Likelihood.BERNOULLI, logits, targets, batch, PIXELS, rowLoss, dlogits, 1f / batch);
    }
    finish();
    bytes.gigabytes += reps * 4.0 * (3L * batch * PIXELS + batch) / 1e9;
  }

  @Benchmark
  public void kl(Counters.Gigabytes bytes) {
    int reps = repeats();
    for (int i = 0; i < reps; i++) device.klDivergence(stats, batch, LATENT, rowLoss, dstats, 1f / batch);
    finish();
    bytes.gigabytes += reps * 4.0 * (4L * batch * LATENT + batch) / 1e9;
  }

  @Benchmark
  public void reparameterizeWithNoise(Counters.Gigabytes bytes) {
    int reps = repeats();
    for (int i = 0; i < reps; i++) {
      device.normalNoise(eps, 1, ++step);
      device.reparameterize(stats, eps, z, batch, LATENT);
    }
    finish();
    bytes.gigabytes += reps * 4.0 * (5L * batch * LATENT) / 1e9;
  }

  @Benchmark
  public void adam(Counters.Gigabytes bytes) {
    int reps = repeats();
    for (int i = 0; i < reps; i++) device.adamUpdate(params, grads, m, v, hyper, ++step);
    finish();
    bytes.gigabytes += reps * 4.0 * 7 * params.length() / 1e9;
  }
}
