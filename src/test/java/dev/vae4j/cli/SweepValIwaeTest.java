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
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.data.LabelFilter;
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

/** {@code sweep --metric val_iwae}: trials ranked by their validation IWAE bound, in turn and stacked. */
class SweepValIwaeTest {
  /** The train options every trial shares: about a thousand images, a second or so a trial. */
  private static final List<String> TINY = List.of("--classes", "0", "--hidden", "16", "--epochs", "1", "--device", "cpu");
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static String[] sweep(Path out, String... options) {
    List<String> args = new ArrayList<>(List.of("sweep", "--out", out.toString()));
    args.addAll(List.of(options));
    args.addAll(TINY);
    return args.toArray(String[]::new);
  }

  /**
   * Every trial writes val_iwae.json with --iwae-samples draws; the table's metric column, its
   * order, best and the chart are by it; a rerun skips the finished trials and keeps their files,
   * and resumes an unfinished one with its bound; another --iwae-samples is another sweep.
   */
  @Test
  void trialsAreRankedByTheirValidationIwaeBound() throws Exception {
    Path out = dir.resolve("s");
    String[] args = sweep(out, "--grid", "latent=2,4", "--metric", "val_iwae", "--iwae-samples", "5");
    CliRun first = ok(args);
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertTrue(csv.get(0).contains("metric_val_iwae"), csv.get(0));
    JsonNode rows = JSON.readTree(out.resolve("results.json").toFile()).get("trials");
    assertEquals(2, rows.size());
    for (JsonNode row : rows) {
      JsonNode bound = JSON.readTree(out.resolve(row.get("trial").asText()).resolve("val_iwae.json").toFile());
      assertEquals(5, bound.get("k").asInt());
      assertEquals(bound.get("val_iwae").asDouble(), row.get("metric").asDouble(), 1e-12);
    }
    assertTrue(rows.get(0).get("metric").asDouble() <= rows.get(1).get("metric").asDouble(), "best first");
    assertEquals(rows.get(0).get("trial").asText(), Files.readString(out.resolve("best")).strip());
    assertTrue(first.out().contains("best by val_iwae: " + rows.get(0).get("trial").asText()), first.out());
    assertTrue(Files.size(out.resolve("val_iwae-by-latent.png")) > 0);
    assertEquals(5, JSON.readTree(out.resolve("sweep.json").toFile()).get("iwae_samples").asInt());

    Path finished = out.resolve("latent=2,seed=1").resolve("val_iwae.json"), unfinished = out.resolve("latent=4,seed=1");
    byte[] kept = Files.readAllBytes(finished);
    Files.delete(unfinished.resolve("model.safetensors")); // as if stopped after its last checkpoint
    Files.delete(unfinished.resolve("val_iwae.json"));
    CliRun again = ok(args);
    assertTrue(again.err().contains("latent=2,seed=1: finished already"), again.err());
    assertTrue(again.err().contains("latent=4,seed=1 (resuming)"), again.err());
    assertArrayEquals(kept, Files.readAllBytes(finished));
    assertEquals(5, JSON.readTree(unfinished.resolve("val_iwae.json").toFile()).get("k").asInt());

    CliRun other = run(sweep(out, "--grid", "latent=2,4", "--metric", "val_iwae", "--iwae-samples", "6"));
    assertEquals(2, other.code(), other.err());
    assertTrue(other.err().contains("--iwae-samples (of --metric val_iwae) (there: 5, here: 6)"), other.err());
    CliRun report = ok("sweep", "--out", out.toString(), "--report", "--metric", "val_loss");
    assertTrue(report.out().contains("best by val_loss"), report.out());
    String header = Files.readAllLines(out.resolve("results.csv")).get(0);
    assertTrue(header.contains(",val_loss,val_iwae,metric_val_loss,"), "the bound beside another metric: " + header);
    JsonNode row = JSON.readTree(out.resolve("results.json").toFile()).get("trials").get(0);
    assertEquals(JSON.readTree(out.resolve(row.get("trial").asText()).resolve("val_iwae.json").toFile()).get("val_iwae").asDouble(),
        row.get("val_iwae").asDouble(), 1e-12);
  }

  /** A trial trained stacked writes the bound of its own final weights, on its own validation rows. */
  @Test
  void stackedTrialsWriteTheBoundOfTheirWeights() throws Exception {
    Path out = dir.resolve("stacked");
    CliRun o = ok(sweep(out, "--grid", "lr=1e-3,3e-3", "--metric", "val_iwae", "--iwae-samples", "4", "--parallel", "2",
        "--parallel-mode", "stacked"));
    assertTrue(o.err().contains("training 2 trials stacked: lr=1e-3,seed=1, lr=3e-3,seed=1"), o.err());
    JsonNode rows = JSON.readTree(out.resolve("results.json").toFile()).get("trials");
    assertEquals(rows.get(0).get("trial").asText(), Files.readString(out.resolve("best")).strip());
    DatasetSplit split = LabelFilter.onlyClasses(Datasets.load(Datasets.BUNDLED), Set.of(0));
    try (CpuBackend cpu = new CpuBackend()) {
      for (JsonNode row : rows) {
        Path trial = out.resolve(row.get("trial").asText());
        double expected = LikelihoodEstimator.estimate(Vae.load(trial.resolve("model.safetensors"), cpu),
            Trainer.validationImages(split, RunConfig.read(trial.resolve("config.json")).training()), 4, 1).summary()
            .negativeLogLikelihood();
        assertEquals(expected, row.get("metric").asDouble(), 1e-9 * expected, trial.toString());
      }
    }
  }

  /** --prune judges a val_iwae sweep's epochs by their val_loss: the bound comes only after the last. */
  @Test
  void pruningJudgesEpochsByTheValidationLoss() throws Exception {
    Path out = dir.resolve("pruned");
    ok("sweep", "--out", out.toString(), "--grid", "lr=3e-3,2e-3,1e-7", "--prune", "median:2", "--epochs", "3",
        "--metric", "val_iwae", "--iwae-samples", "2", "--classes", "0", "--hidden", "16", "--device", "cpu");
    Path hopeless = out.resolve("lr=1e-7,seed=1");
    String why = Files.readString(hopeless.resolve("sweep-pruned.txt")).strip();
    assertTrue(why.startsWith("pruned after epoch 1: best val_loss "), why);
    assertFalse(Files.exists(hopeless.resolve("val_iwae.json")), "a pruned trial has no bound");
    assertTrue(Files.isRegularFile(out.resolve("lr=2e-3,seed=1/val_iwae.json")));
  }

  @Test
  void badIwaeOptionsAreOneLineUsageErrorsAndWriteNothing() {
    Path out = dir.resolve("s");
    List<List<String>> bad = List.of(List.of("--metric", "val_iwae", "--iwae-samples", "0"),
        List.of("--metric", "val_iwae", "--iwae-samples", "100001"), List.of("--iwae-samples", "5"),
        List.of("--metric", "val_iwae", "--val-iwae", "5"), List.of("--metric", "val_iwae", "--grid", "val-iwae=1,2"),
        List.of("--metric", "val_iwae", "--validation", "0"));
    for (List<String> options : bad) {
      List<String> all = new ArrayList<>(options);
      if (!options.contains("--grid")) all.addAll(List.of("--grid", "latent=2"));
      CliRun o = run(sweep(out, all.toArray(String[]::new)));
      assertEquals(2, o.code(), options + ": " + o.err());
      assertTrue(o.err().startsWith("vae4j: error: "), options + ": " + o.err());
      assertTrue(o.err().strip().lines().count() <= 2, options + ": " + o.err());
      assertFalse(Files.exists(out), options + " wrote nothing");
    }
  }

  /** Without --metric val_iwae, trials write no bound and sweep.json has no iwae_samples (as before). */
  @Test
  void otherMetricsComputeNoBound() throws Exception {
    Path out = dir.resolve("plain");
    CliRun o = ok(sweep(out, "--grid", "latent=2", "--dry-run"));
    assertFalse(o.out().contains("--val-iwae"), o.out());
    CliRun bound = ok(sweep(out, "--grid", "latent=2", "--metric", "val_iwae", "--dry-run"));
    assertTrue(bound.out().contains("--val-iwae 100"), bound.out());
  }
}
