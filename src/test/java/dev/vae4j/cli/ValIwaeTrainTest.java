package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.Vae;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.data.LabelFilter;
import dev.vae4j.eval.Estimates;
import dev.vae4j.eval.LikelihoodEstimator;
import dev.vae4j.run.RunConfig;
import dev.vae4j.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code train --val-iwae K}: val_iwae.json, its figures against the estimator's, resume, and its bad values. */
class ValIwaeTrainTest {
  /** About a thousand images of one class, a second or so a run. */
  private static final List<String> TINY = List.of("--classes", "0", "--hidden", "16", "--latent", "4", "--device", "cpu");
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static String[] train(Path out, String... options) {
    List<String> args = new ArrayList<>(List.of("train", "--out", out.toString()));
    args.addAll(TINY);
    args.addAll(List.of(options));
    return args.toArray(String[]::new);
  }

  /**
   * val_iwae.json holds the estimator's figures for the kept weights on the run's validation rows
   * (seed 1), the IWAE bound at most the -ELBO; config.json does not mention it; a resumed finished
   * run takes --val-iwae, rewrites the file and leaves config.json's bytes as they were.
   */
  @Test
  void theBoundIsTheEstimatorsOnTheValidationRowsAndResumeTakesIt() throws Exception {
    Path out = dir.resolve("run");
    CliRun done = ok(train(out, "--val-iwae", "20", "--epochs", "1"));
    assertTrue(done.out().contains("validation IWAE bound (k = 20, "), done.out());
    JsonNode written = JSON.readTree(out.resolve("val_iwae.json").toFile());
    assertEquals(20, written.get("k").asInt());
    assertEquals(1, written.get("seed").asInt());
    assertEquals(1, written.get("epoch").asInt());
    RunConfig config = RunConfig.read(out.resolve("config.json"));
    DatasetSplit split = LabelFilter.onlyClasses(Datasets.load(Datasets.BUNDLED), Set.of(0));
    Dataset validation = Trainer.validationImages(split, config.training());
    assertEquals(Math.round(split.train().count() * 0.1), validation.count());
    assertEquals(validation.count(), written.get("images").asInt());
    try (CpuBackend cpu = new CpuBackend()) {
      Estimates.Summary m = LikelihoodEstimator.estimate(Vae.load(out.resolve("model.safetensors"), cpu), validation, 20, 1).summary();
      assertEquals(m.negativeLogLikelihood(), written.get("val_iwae").asDouble(), 1e-9 * m.negativeLogLikelihood());
      assertEquals(m.negativeElbo(), written.get("val_elbo").asDouble(), 1e-9 * m.negativeElbo());
    }
    double iwae = written.get("val_iwae").asDouble(), elbo = written.get("val_elbo").asDouble();
    assertTrue(iwae > 0 && iwae <= elbo, "IWAE bound " + iwae + " above the -ELBO " + elbo);
    byte[] configBytes = Files.readAllBytes(out.resolve("config.json"));
    assertFalse(new String(configBytes).contains("iwae"), "an evaluation, not a training option");

    byte[] modelBytes = Files.readAllBytes(out.resolve("model.safetensors"));
    ok("train", "--resume", out.toString(), "--val-iwae", "5");
    JsonNode again = JSON.readTree(out.resolve("val_iwae.json").toFile());
    assertEquals(5, again.get("k").asInt());
    assertEquals(1, again.get("epoch").asInt());
    assertArrayEquals(configBytes, Files.readAllBytes(out.resolve("config.json")));
    assertArrayEquals(modelBytes, Files.readAllBytes(out.resolve("model.safetensors")), "a finished run trains no further");
  }

  /** With --patience, the figures are of the best epoch's weights, the ones the run keeps. */
  @Test
  void withPatienceTheBoundIsOfTheBestEpoch() throws Exception {
    Path out = dir.resolve("patient");
    ok(train(out, "--val-iwae", "2", "--patience", "5", "--epochs", "2"));
    int best = 0;
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
      JsonNode epoch = JSON.readTree(line);
      if (epoch.path("best").asBoolean()) best = epoch.get("epoch").asInt();
    }
    assertEquals(best, JSON.readTree(out.resolve("val_iwae.json").toFile()).get("epoch").asInt());
  }

  /** With --validation test the bound is of the test split, as the run validated on it. */
  @Test
  void onTheTestSplitTheBoundIsOfTheTestImages() throws Exception {
    Path out = dir.resolve("test-split");
    ok(train(out, "--val-iwae", "3", "--validation", "test", "--epochs", "1"));
    DatasetSplit split = LabelFilter.onlyClasses(Datasets.load(Datasets.BUNDLED), Set.of(0));
    JsonNode written = JSON.readTree(out.resolve("val_iwae.json").toFile());
    assertEquals(split.test().count(), written.get("images").asInt());
    try (CpuBackend cpu = new CpuBackend()) {
      double expected = LikelihoodEstimator.estimate(Vae.load(out.resolve("model.safetensors"), cpu), split.test(), 3, 1).summary()
          .negativeLogLikelihood();
      assertEquals(expected, written.get("val_iwae").asDouble(), 1e-9 * expected);
    }
  }

  @Test
  void withoutValidationImagesItIsRefusedUpFront() {
    Path out = dir.resolve("never");
    CliRun o = run(train(out, "--val-iwae", "5", "--validation", "0", "--epochs", "1"));
    assertEquals(2, o.code(), o.err());
    assertEquals("vae4j: error: --val-iwae needs validation images, and this run has none (--validation 0)",
        o.err().lines().findFirst().orElse(""), o.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "100001"})
  void badDrawCountsAreOneLineUsageErrors(String k) {
    CliRun o = run("train", "--val-iwae", k, "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertEquals("vae4j: error: --val-iwae must be in [1, 100000] (0: off), got " + k, o.err().lines().findFirst().orElse(""),
        o.err());
  }
}
