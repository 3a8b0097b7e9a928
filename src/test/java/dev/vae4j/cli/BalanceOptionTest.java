package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --balance}: its usage errors, its config.json key, and a resume that keeps it. */
class BalanceOptionTest {
  @TempDir Path dir;

  @Test
  void aBadValueIsAOneLineUsageError() {
    CliRun o = run("train", "--balance", "over", "--out", dir.resolve("never").toString());
    assertEquals(2, o.code(), o.err());
    assertEquals("vae4j: error: --balance must be none, oversample or undersample, got 'over'", o.err().lines().findFirst().orElse(""));
  }

  @Test
  void unlabelledDataIsRefusedInOneLine() throws Exception {
    OptionRuns.refusesUnlabelledData(dir, "--balance", "oversample");
  }

  @Test
  void configJsonRecordsItAndResumeKeepsIt() throws Exception {
    String[] common = {"--balance", "undersample", "--hidden", "32", "--latent", "3", "--batch-size", "256",
        "--checkpoint-every", "7", "--device", "cpu"};
    OptionRuns.resumeKeepsIt(dir, common, "\"balance\" : \"undersample\"", "resumed with the balance it began with");
  }
}
