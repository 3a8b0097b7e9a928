package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --background-of} and {@code score --score likelihood-ratio} (Ren et al. 2019) on the bundled digits. */
class BackgroundModelTest {
  @TempDir static Path dir;
  static Path model, background;

  @BeforeAll
  static void trainBoth() {
    model = dir.resolve("model");
    background = dir.resolve("background");
    ok("train", "--classes", "1", "--hidden", "16", "--latent", "3", "--epochs", "2", "--device", "cpu", "--seed", "4",
        "--out", model.toString());
    ok("train", "--background-of", model.toString(), "--out", background.toString(), "--device", "cpu");
  }

  @Test
  void theBackgroundIsTheRunsModelDataAndOptionsWithNoisePixels() throws Exception {
    JsonNode m = new ObjectMapper().readTree(model.resolve("config.json").toFile());
    JsonNode b = new ObjectMapper().readTree(background.resolve("config.json").toFile());
    assertEquals(m.get("model"), b.get("model"));
    assertEquals(m.get("training"), b.get("training"));
    assertEquals(m.get("classes"), b.get("classes"));
    assertEquals(0.2, b.at("/background/noise_rate").asDouble());
    assertEquals(model.toAbsolutePath().normalize().toString(), b.at("/background/of").asText());
    assertTrue(m.get("background") == null, "a plain run records no background");
    // Its training loss is that of noisy images: above the clean model's.
    double clean = lastTrainLoss(model), noisy = lastTrainLoss(background);
    assertTrue(noisy > clean, clean + " vs " + noisy);
    // The noise is seeded by the run's seed: a second background is the same model.
    Path again = dir.resolve("again");
    ok("train", "--background-of", model.toString(), "--out", again.toString(), "--device", "cpu");
    assertArrayEquals(Files.readAllBytes(background.resolve("model.safetensors")), Files.readAllBytes(again.resolve("model.safetensors")));
  }

  @Test
  void likelihoodRatioScoresAreTheTwoElbosDifference() throws Exception {
    Path ratio = dir.resolve("ratio.csv"), a = dir.resolve("a.csv"), b = dir.resolve("b.csv");
    ok("score", "--run", model.toString(), "--score", "likelihood-ratio", "--background", background.toString(), "--k", "4",
        "--out", ratio.toString(), "--device", "cpu");
    ok("score", "--run", model.toString(), "--score", "elbo", "--k", "4", "--out", a.toString(), "--device", "cpu");
    ok("score", "--run", background.toString(), "--score", "elbo", "--k", "4", "--out", b.toString(), "--device", "cpu");
    List<String> r = Files.readAllLines(ratio), x = Files.readAllLines(a), y = Files.readAllLines(b);
    assertEquals(x.size(), r.size());
    for (int i = 1; i < r.size(); i++) {
      double expected = score(x.get(i)) - score(y.get(i));
      assertEquals(expected, score(r.get(i)), 1e-9 * Math.max(1, Math.abs(expected)), "row " + i);
    }
  }

  @Test
  void badUseIsOneLine() {
    CliRun noBackground = run("score", "--run", model.toString(), "--score", "likelihood-ratio", "--out", dir.resolve("x.csv").toString());
    assertEquals(2, noBackground.code());
    assertTrue(noBackground.err().contains("needs --background RUN"), noBackground.err());
    CliRun notBackground = run("score", "--run", model.toString(), "--score", "likelihood-ratio", "--background", model.toString(),
        "--out", dir.resolve("y.csv").toString(), "--device", "cpu");
    assertEquals(1, notBackground.code());
    assertTrue(notBackground.err().contains("is not a background model"), notBackground.err());
    CliRun options = run("train", "--background-of", model.toString(), "--latent", "5", "--out", dir.resolve("z").toString());
    assertEquals(2, options.code());
    assertTrue(options.err().contains("--background-of takes the model, data and training options of its run, got --latent"), options.err());
    CliRun ofBackground = run("train", "--background-of", background.toString(), "--out", dir.resolve("w").toString());
    assertEquals(2, ofBackground.code());
    assertTrue(ofBackground.err().contains("is itself a background model"), ofBackground.err());
    CliRun rate = run("train", "--background-noise", "1.5", "--out", dir.resolve("v").toString());
    assertEquals(2, rate.code());
    assertTrue(rate.err().contains("--background-noise must be in [0, 1]"), rate.err());
  }

  private static double lastTrainLoss(Path run) throws Exception {
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    return new ObjectMapper().readTree(lines.get(lines.size() - 1)).get("train_loss").asDouble();
  }

  /** The score column of a {@code score} CSV row ({@code index,label,score[,...]}). */
  private static double score(String row) {
    return Double.parseDouble(row.split(",")[2]);
  }
}
