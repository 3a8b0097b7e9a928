package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.cpu.CpuBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code train --iwae-k K}: its bad values, its record in config.json and metrics.jsonl, resume, sweep. */
class IwaeTrainTest {
  @TempDir Path dir;

  /** K outside [1, 1024] is one error line naming the option and its range (then the usual help hint), exit 2. */
  @ParameterizedTest
  @ValueSource(strings = {"0", "-3", "1025"})
  void badDrawCountsAreOneLineUsageErrors(String k) {
    CliRun o = run("train", "--iwae-k", k, "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertEquals("vae4j: error: --iwae-k must be in [1, 1024] (1: off), got " + k, o.err().lines().findFirst().orElse(""),
        o.err());
  }

  @Test
  void dropoutDoesNotCombine() {
    CliRun o = run("train", "--iwae-k", "5", "--dropout", "0.2", "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertEquals("vae4j: error: --iwae-k does not combine with --dropout", o.err().lines().findFirst().orElse(""), o.err());
  }

  @Test
  void classWeightsDoNotCombine() {
    CliRun o = run("train", "--iwae-k", "5", "--class-weights", "auto", "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertEquals("vae4j: error: --iwae-k does not combine with --class-weights", o.err().lines().findFirst().orElse(""),
        o.err());
  }

  /**
   * config.json records K, --resume restores it (1 epoch resumed to 2 is 2 epochs, bit for bit),
   * and metrics.jsonl and the epoch line carry the bound; K = 1 writes neither.
   */
  @Test
  void drawsAreRecordedAndRestoredOnResume() throws Exception {
    Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
    String[] common = {"--hidden", "32", "--latent", "4", "--device", "cpu", "--iwae-k", "3"};
    CliRun done = CliRun.ok(concat(new String[] {"train", "--epochs", "2", "--out", straight.toString()}, common));
    assertTrue(done.err().contains(" iwae "), done.err());
    CliRun.ok(concat(new String[] {"train", "--epochs", "1", "--out", resumed.toString()}, common));
    CliRun.ok("train", "--resume", resumed.toString(), "--epochs", "2");
    assertTrue(Files.readString(resumed.resolve("config.json")).contains("\"iwae_k\" : 3"));
    try (CpuBackend backend = new CpuBackend()) {
      assertArrayEquals(Vae.load(straight.resolve("model.safetensors"), backend).parameters(),
          Vae.load(resumed.resolve("model.safetensors"), backend).parameters());
    }
    List<String> metrics = Files.readAllLines(straight.resolve("metrics.jsonl"));
    assertTrue(metrics.stream().allMatch(l -> l.contains("\"train_iwae\"")), metrics.toString());
    Path plain = dir.resolve("plain");
    CliRun.ok("train", "--epochs", "1", "--hidden", "32", "--latent", "4", "--device", "cpu", "--iwae-k", "1", "--out",
        plain.toString());
    assertFalse(Files.readString(plain.resolve("config.json")).contains("iwae"));
    assertFalse(Files.readString(plain.resolve("metrics.jsonl")).contains("iwae"));
  }

  /** A convolutional model trains on the bound too: its layers are prepared for the workspace's batch x K rows. */
  @Test
  void aConvModelTrainsOnTheBound() throws Exception {
    Path out = dir.resolve("conv");
    CliRun.ok("train", "--conv", "4,8", "--hidden", "16", "--latent", "3", "--epochs", "1", "--classes", "0",
        "--iwae-k", "3", "--device", "cpu", "--out", out.toString());
    com.fasterxml.jackson.databind.JsonNode line = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
    double bound = line.get("train_iwae").asDouble(), elbo = line.get("train_loss").asDouble();
    assertTrue(Double.isFinite(bound) && bound < elbo, "bound " + bound + ", ELBO loss " + elbo);
  }

  /** K sweeps like any train option; a value out of range is refused before anything runs. */
  @Test
  void drawsAreSweepable() {
    Path out = dir.resolve("s");
    List<String> tiny = List.of("--epochs", "1", "--hidden", "16", "--latent", "2", "--device", "cpu");
    CliRun o = CliRun.ok(concat(new String[] {"sweep", "--out", out.toString(), "--grid", "iwae-k=1,4", "--dry-run"},
        tiny.toArray(String[]::new)));
    assertTrue(o.out().contains("2 trials"), o.out());
    assertTrue(o.out().contains("--iwae-k 4"), o.out());
    CliRun bad = run(concat(new String[] {"sweep", "--out", out.toString(), "--grid", "iwae-k=4,0", "--dry-run"},
        tiny.toArray(String[]::new)));
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--iwae-k must be in [1, 1024]"), bad.err());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
