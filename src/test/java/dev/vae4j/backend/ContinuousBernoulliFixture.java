package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.io.SafeTensors;
import java.io.IOException;
import java.io.InputStream;

/**
 * PyTorch's continuous-Bernoulli negative log-likelihoods against a backend's: {@code
 * cb_golden.safetensors} holds {@code x}, {@code step0.logits} and {@code step0.cb_recon} of the
 * conv-VAE fixture ({@code ContinuousBernoulli(logits=l).log_prob(x)} summed per image, negated,
 * in float64), 8 images of 3x16x12 values.
 */
public final class ContinuousBernoulliFixture {
  private ContinuousBernoulliFixture() {}

  /** Checks {@code backend}'s per-image losses against PyTorch's within {@code relTol}. */
  public static void check(Backend backend, double relTol) throws IOException {
    SafeTensors.Contents golden;
    try (InputStream in = ContinuousBernoulliFixture.class.getResourceAsStream("/cb_golden.safetensors")) {
      golden = SafeTensors.read(in.readAllBytes(), "cb_golden.safetensors");
    }
    float[] x = golden.require("x", "cb_golden").floats(), logits = golden.require("step0.logits", "cb_golden").floats();
    double[] expected = golden.require("step0.cb_recon", "cb_golden").values();
    int rows = expected.length, cols = x.length / rows;
    assertEquals(8 * 576, x.length);
    Tensor l = backend.allocate(logits.length), t = backend.allocate(x.length), loss = backend.allocate(rows);
    Tensor dl = backend.allocate(logits.length);
    backend.upload(logits, l);
    backend.upload(x, t);
    backend.reconstructionLoss(Likelihood.CONTINUOUS_BERNOULLI, l, t, rows, cols, loss, dl, 1f);
    float[] actual = backend.download(loss);
    for (int r = 0; r < rows; r++) {
      double err = Math.abs(actual[r] - expected[r]) / Math.abs(expected[r]);
      System.out.printf("image %d: PyTorch %.9f, %s %.9f (relative %.2e)%n", r, expected[r], backend.name(), actual[r], err);
      assertTrue(err <= relTol, "image " + r + ": PyTorch " + expected[r] + ", " + backend.name() + " " + actual[r]);
    }
    for (Tensor a : new Tensor[] {l, t, loss, dl}) backend.release(a);
  }
}
