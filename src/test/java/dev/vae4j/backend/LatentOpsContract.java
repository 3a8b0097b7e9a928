package dev.vae4j.backend;

import org.junit.jupiter.api.Test;

/**
 * The contract of {@link LatentOps}, every op against a double-precision reference written from its
 * Javadoc: Philox noise, the reparameterization and its backward, the KL term and its gradient. A
 * backend's test runs it by implementing this interface (as {@link BackendContractTest} does for
 * all families), which supplies the backend and the seeded randomness.
 */
public interface LatentOpsContract extends OpsContract {

  @Test
  default void normalNoiseFollowsPhilox() {
    int n = 4 * 1000 + 3;
    Tensor t = poisoned(n);
    long s = random().nextLong(), stream = random().nextInt(1000);
    backend().normalNoise(t, s, stream);
    float[] expected = new float[n];
    Philox.normals(s, stream, expected, 0, n);
    float[] out = backend().download(t);
    for (int i = 0; i < n; i++) assertClose(expected[i], out[i], 1e-5, 1e-5, "noise " + i);
  }

  @Test
  default void reparameterizeAndBackward() {
    int rows = 21, latent = 7;
    float[] stats = gaussian(rows * 2 * latent, 1), eps = gaussian(rows * latent, 1);
    float[] dz = gaussian(rows * latent, 1), dstats0 = gaussian(rows * 2 * latent, 1);
    Tensor z = poisoned(rows * latent), dstats = upload(dstats0);
    Tensor st = upload(stats), ep = upload(eps);
    backend().reparameterize(st, ep, z, rows, latent);
    backend().reparameterizeBackward(upload(dz), st, ep, dstats, rows, latent);
    float[] zo = backend().download(z), ds = backend().download(dstats);
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
  default void klDivergence() {
    int rows = 33, latent = 20;
    float[] stats = gaussian(rows * 2 * latent, 1.5);
    Tensor kl = poisoned(rows), dstats = poisoned(rows * 2 * latent);
    float scale = 0.37f;
    backend().klDivergence(upload(stats), rows, latent, kl, dstats, scale);
    float[] k = backend().download(kl), d = backend().download(dstats);
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
}
