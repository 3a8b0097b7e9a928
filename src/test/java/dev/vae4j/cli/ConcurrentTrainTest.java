package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.run.Run;
import dev.vae4j.run.RunConfig;
import dev.vae4j.train.Checkpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code train} processes started together on one {@code --out}, as in the probe (which
 * ended, in 2 of 4 trials, with run A's config.json beside run B's model): one takes the folder's
 * lock and trains, the other exits 1 at once naming the folder and the winner's pid, and the
 * folder holds one run whose files agree.
 */
class ConcurrentTrainTest {
  @TempDir Path dir;

  @Test
  void oneWinsTheOtherExitsOneAndTheFolderHoldsOneRun() throws Exception {
    Path out = dir.resolve("shared");
    Process a = child(out, "2", "1", dir.resolve("a.log"));
    Process b = child(out, "3", "2", dir.resolve("b.log"));
    assertTrue(a.waitFor(300, TimeUnit.SECONDS) && b.waitFor(300, TimeUnit.SECONDS), "both end");
    String logA = Files.readString(dir.resolve("a.log"), StandardCharsets.UTF_8);
    String logB = Files.readString(dir.resolve("b.log"), StandardCharsets.UTF_8);
    boolean aWon = a.exitValue() == 0;
    Process winner = aWon ? a : b, loser = aWon ? b : a;
    String loserLog = aWon ? logB : logA;
    assertEquals(0, winner.exitValue(), "A: " + logA + "\nB: " + logB);
    assertEquals(1, loser.exitValue(), "A: " + logA + "\nB: " + logB);
    assertTrue(loserLog.contains("vae4j: error: " + out + " is in use by another vae4j process (pid " + winner.pid() + ","),
        loserLog);

    int latent = aWon ? 2 : 3;
    assertEquals(latent, RunConfig.read(out.resolve("config.json")).model().latent());
    try (CpuBackend backend = new CpuBackend()) {
      assertEquals(latent, Run.open(out).loadModel(backend).config().latent(), "the model is the config's run's");
    }
    for (Path p : Checkpoints.stepFiles(out)) assertEquals(latent, Checkpoints.read(p).config().latent(), p.toString());
  }

  private static Process child(Path out, String latent, String seed, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "train", "--out", out.toString(), "--latent", latent, "--seed", seed, "--hidden", "16", "--batch-size", "256",
        "--epochs", "40", "--device", "cpu"));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
