package dev.vae4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vae4j.Vae;
import dev.vae4j.data.Dataset;
import dev.vae4j.eval.Estimates;
import dev.vae4j.eval.LikelihoodEstimator;
import dev.vae4j.io.AtomicFiles;
import dev.vae4j.run.RunDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code train --val-iwae K}: the IWAE-K bound on {@code -log p(x)} (and the K-draw -ELBO) of the
 * trained model on the run's validation images, written to {@link RunDirectory#VAL_IWAE} for
 * {@code sweep --metric val_iwae} to rank by. It evaluates, it does not train: not in config.json.
 */
final class ValidationBound {
  /** The most draws per image: a bound, not a limit of the estimator (eval has none), against a typo's hours. */
  static final int MAX_K = 100_000;
  /** The latent draws' seed: eval's default, so that the figure is the model's, not the run's seed's. */
  static final long SEED = 1;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ValidationBound() {}

  /**
   * Estimates the bounds of {@code model} (its weights of {@code epoch}) on {@code validation} with
   * {@code k} draws per image, on the model's backend, and writes them into {@code run} atomically.
   */
  static Estimates.Summary write(Path run, Vae model, Dataset validation, int k, int epoch) throws IOException {
    long start = System.nanoTime();
    Estimates.Summary m = LikelihoodEstimator.estimate(model, validation, k, SEED).summary();
    double seconds = (System.nanoTime() - start) / 1e9;
    ObjectNode o = JSON.createObjectNode();
    o.put("k", k);
    o.put("seed", SEED);
    o.put("images", m.images());
    o.put("epoch", epoch);
    o.put("units", "nats per image");
    o.put("val_iwae", m.negativeLogLikelihood());
    o.put("val_elbo", m.negativeElbo());
    o.put("seconds", seconds); // the estimate's, apart from the training's in metrics.jsonl
    AtomicFiles.write(run.resolve(RunDirectory.VAL_IWAE), (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8));
    return m;
  }
}
