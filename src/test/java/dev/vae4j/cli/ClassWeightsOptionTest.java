package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code train --class-weights}: its usage errors, its config.json key, and a resume that keeps it. */
class ClassWeightsOptionTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"balanced", "1,0,1,1,1,1,1,1,1,1", "1,inf,1,1,1,1,1,1,1,1", "1,,2"})
  void aBadValueIsAOneLineUsageError(String value) {
    CliRun o = run("train", "--class-weights", value, "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    List<String> lines = o.err().strip().lines().toList(); // the error, then where --help is
    assertTrue(lines.get(0).startsWith("vae4j: error: --class-weights must be auto, none or finite weights > 0, one per class"),
        lines.get(0));
    assertFalse(Files.exists(dir.resolve("never")), "nothing written");
  }

  @Test
  void weightsThatDoNotNumberTheClassesAreRefused() {
    CliRun o = run("train", "--class-weights", "1,2,3", "--device", "cpu", "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    List<String> lines = o.err().strip().lines().toList(); // the error, then where --help is
    assertTrue(lines.get(0).matches("vae4j: error: --class-weights gives 3 weights but .* has 10 classes: give one weight > 0 per class, or auto"),
        lines.get(0));
    assertFalse(Files.exists(dir.resolve("never")), "nothing written");
  }

  @Test
  void unlabelledDataIsRefusedInOneLine() throws Exception {
    OptionRuns.refusesUnlabelledData(dir, "--class-weights", "auto");
  }

  @Test
  void configJsonRecordsItAndResumeKeepsIt() throws Exception {
    String[] common = {"--class-weights", "auto", "--hidden", "32", "--latent", "3", "--batch-size", "256",
        "--checkpoint-every", "7", "--device", "cpu"};
    OptionRuns.resumeKeepsIt(dir, common, "\"class_weights\" : \"auto\"", "resumed with the weights it began with");
  }
}
