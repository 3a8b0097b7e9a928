package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.Vae;
import dev.vae4j.backend.cpu.CpuBackend;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train command end to end, as a user runs it (in-process). */
class TrainCommandTest {
  @TempDir Path dir;

  @Test
  void trainWritesTheWholeRunFolder() throws Exception {
    Path run = dir.resolve("run");
    CliRun o = run("train", "--epochs", "2", "--hidden", "64", "--latent", "4", "--device", "cpu", "--out", run.toString());
    assertEquals(0, o.code(), o.err());
    for (String f : List.of("config.json", "metrics.jsonl", "model.safetensors", "samples.png", "reconstructions.png")) {
      assertTrue(Files.size(run.resolve(f)) > 0, f);
    }
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertEquals(2, lines.size());
    JsonNode last = new ObjectMapper().readTree(lines.get(1));
    for (String key : List.of("epoch", "train_loss", "train_recon", "train_kl", "val_loss", "val_recon", "val_kl", "seconds", "samples_per_s")) {
      assertTrue(last.has(key), key);
    }
    assertEquals(last.get("val_recon").asDouble() + last.get("val_kl").asDouble(), last.get("val_loss").asDouble(), 1e-9);
    JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
    assertEquals(4, config.at("/model/latent").asInt());
    try (CpuBackend backend = new CpuBackend()) {
      Vae model = Vae.load(run.resolve("model.safetensors"), backend);
      assertEquals("784-64-4", model.config().describe());
    }
    BufferedImage samples = ImageIO.read(run.resolve("samples.png").toFile());
    assertEquals(8 * (28 * 2 + 2) + 2, samples.getWidth(), "8 cells of 2x-scaled 28-pixel images with 2-pixel gaps");
    assertTrue(o.out().contains("trained 2 epochs"), o.out());
  }

  @Test
  void refusesToOverwriteAFinishedRun() throws Exception {
    Path run = dir.resolve("done");
    Files.createDirectories(run);
    Files.writeString(run.resolve("model.safetensors"), "precious");
    CliRun o = run("train", "--epochs", "1", "--device", "cpu", "--out", run.toString());
    assertEquals(2, o.code(), "an occupied --out is a usage error");
    assertTrue(o.err().contains("already holds a finished run"), o.err());
    assertEquals("precious", Files.readString(run.resolve("model.safetensors")));
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertEquals(2, run("train", "--batch-size", "0").code());
    assertEquals(2, run("train", "--lr", "-1").code());
    assertEquals(2, run("train", "--likelihood", "poisson").code());
    assertEquals(2, run("train", "--no-such-option").code());
  }

  /** --optimizer and --l1: a bad value is one line naming the option and what it accepts, exit 2. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "--optimizer|sgd:1|--optimizer: SGD momentum must be in [0, 1), got '1'",
      "--optimizer|sgd:-0.1|--optimizer: SGD momentum must be in [0, 1), got '-0.1'",
      "--optimizer|lion|--optimizer: unknown optimizer 'lion': use " + dev.vae4j.train.OptimizerChoice.ACCEPTED,
      "--optimizer|rmsprop:0.9|--optimizer: unknown optimizer 'rmsprop:0.9': use " + dev.vae4j.train.OptimizerChoice.ACCEPTED,
      "--l1|-1|--l1 must be >= 0, got -1.0",
      "--dropout|1|--dropout must be in [0, 1) (0: off), got 1.0",
      "--dropout|-0.1|--dropout must be in [0, 1) (0: off), got -0.1"})
  void badOptimizerValuesAreOneLineUsageErrors(String option, String value, String message) {
    CliRun o = run("train", option, value, "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().lines().findFirst().orElse("").equals("vae4j: error: " + message), o.err());
  }

  /** --clip-grad-norm: MAX <= 0 or not finite is one line naming the option and its range, exit 2. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "0|0.0", "-1|-1.0", "NaN|NaN", "Infinity|Infinity"})
  void badClipGradNormIsAOneLineUsageError(String value, String shown) {
    CliRun o = run("train", "--clip-grad-norm", value, "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertEquals("vae4j: error: --clip-grad-norm must be a finite number > 0, got " + shown,
        o.err().lines().findFirst().orElse(""), o.err());
  }

  /** A conv model's dense layers take dropout, but not with an activation whose backward reads the output. */
  @Test
  void dropoutOnAConvModelRefusesTanh() {
    CliRun o = run("train", "--conv", "--dropout", "0.2", "--activation", "tanh", "--device", "cpu", "--out",
        dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertEquals("vae4j: error: --dropout works with --activation relu, leaky-relu or gelu, not tanh "
        + "(its backward reads the output, which dropout scales)", o.err().lines().findFirst().orElse(""), o.err());
  }

  /** config.json records the drop probability, and --resume restores it: 1 epoch, resumed to 2, is 2 epochs. */
  @Test
  void dropoutIsRecordedAndRestoredOnResume() throws Exception {
    Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
    String[] common = {"--hidden", "32,16", "--latent", "4", "--device", "cpu", "--dropout", "0.2"};
    CliRun.ok(concat(new String[] {"train", "--epochs", "2", "--out", straight.toString()}, common));
    CliRun.ok(concat(new String[] {"train", "--epochs", "1", "--out", resumed.toString()}, common));
    CliRun.ok("train", "--resume", resumed.toString(), "--epochs", "2");
    assertTrue(Files.readString(resumed.resolve("config.json")).contains("\"dropout\" : 0.2"));
    try (CpuBackend backend = new CpuBackend()) {
      assertArrayEquals(Vae.load(straight.resolve("model.safetensors"), backend).parameters(),
          Vae.load(resumed.resolve("model.safetensors"), backend).parameters());
    }
    CliRun.ok("train", "--epochs", "1", "--hidden", "32", "--latent", "4", "--device", "cpu", "--out",
        dir.resolve("plain").toString());
    assertFalse(Files.readString(dir.resolve("plain").resolve("config.json")).contains("dropout"));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void adamwAndAnotherOptimizerDisagree() {
    CliRun o = run("train", "--adamw", "--optimizer", "sgd:0.9", "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("--adamw means --optimizer adamw, not --optimizer sgd:0.9"), o.err());
  }

  @Test
  void cudaWithoutAGpuIsARuntimeErrorWithTheReason() {
    CliRun o = run("train", "--device", "cuda", "--epochs", "1", "--out", dir.resolve("gpu").toString());
    if (o.code() == 0) return; // a machine with a GPU
    assertEquals(1, o.code());
    assertTrue(o.err().startsWith("vae4j: error: CUDA"), o.err());
    assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
  }

  @Test
  void versionAndHelp() {
    CliRun v = run("--version");
    assertEquals(0, v.code());
    assertTrue(v.out().startsWith("vae4j "), v.out());
    CliRun h = run("train", "--help");
    assertEquals(0, h.code());
    assertTrue(h.out().contains("--latent") && h.out().contains("Default: 20"), h.out());
  }
}
