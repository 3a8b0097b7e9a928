package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two shards of one sweep as two real processes writing into one folder at once, as a Slurm array
 * runs them, and one of them killed with SIGKILL during a trial and rerun: the report then has every
 * trial, and the killed trial ends with the weights a trial that was never interrupted gets.
 */
class ShardProcessesTest {
  private static final List<String> SWEEP = List.of("--grid", "latent=2,3,4,5", "--epochs", "3", "--classes", "0,1",
      "--hidden", "16", "--device", "cpu", "--checkpoint-every", "5");
  @TempDir Path dir;

  @Test
  void concurrentShardsShareOneFolderAndAKilledShardRerunCompletesItsTrials() throws Exception {
    Path out = dir.resolve("sweep");
    Process zero = shard(out, "0/2");
    Process one = shard(out, "1/2");
    CountDownLatch training = new CountDownLatch(1);
    Thread reader = new Thread(() -> drain(one, training));
    reader.start();
    assertTrue(training.await(120, TimeUnit.SECONDS), "shard 1/2 started a trial");
    long seed = new Random().nextLong();
    Thread.sleep(200 + new Random(seed).nextInt(800));
    one.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
    one.waitFor(30, TimeUnit.SECONDS);
    reader.join();
    assertEquals(0, exitOf(zero), "shard 0/2 finishes beside its killed sibling");
    assertEquals(0, exitOf(shard(out, "1/2")), "the rerun of the killed shard (kill after " + seed + ")");

    CliRun report = CliRun.ok("sweep", "--out", out.toString(), "--report");
    JsonNode rows = new ObjectMapper().readTree(out.resolve("results.json").toFile()).get("trials");
    assertEquals(4, rows.size(), report.out());
    for (JsonNode r : rows) assertEquals("finished", r.get("status").asText(), r.toString());
    // The killed shard's first trial (latent=3) against the same trial trained in one go.
    Path alone = dir.resolve("alone");
    CliRun.ok("sweep", "--out", alone.toString(), "--grid", "latent=3", "--epochs", "3", "--classes", "0,1",
        "--hidden", "16", "--device", "cpu", "--checkpoint-every", "5");
    assertArrayEquals(Files.readAllBytes(alone.resolve("latent=3,seed=1/model.safetensors")),
        Files.readAllBytes(out.resolve("latent=3,seed=1/model.safetensors")), "kill after seed " + seed);
  }

  /**
   * A sweep training two trials at once (--parallel 2), killed with SIGKILL during its trials and
   * rerun the same way: every trial ends with the weights of the same sweep run one trial at a time
   * and never interrupted.
   */
  @Test
  void aKilledSweepOfTrialsSideBySideResumesToTheWeightsOfOneAfterAnother() throws Exception {
    Path out = dir.resolve("sweep");
    Process sweep = sweep(out, "--parallel", "2");
    CountDownLatch training = new CountDownLatch(1);
    Thread reader = new Thread(() -> drain(sweep, training));
    reader.start();
    assertTrue(training.await(120, TimeUnit.SECONDS), "the sweep started a trial");
    long seed = new Random().nextLong();
    Thread.sleep(500 + new Random(seed).nextInt(1500));
    sweep.destroyForcibly();
    sweep.waitFor(30, TimeUnit.SECONDS);
    reader.join();
    assertEquals(0, exitOf(sweep(out, "--parallel", "2")), "the rerun (kill after seed " + seed + ")");

    Path inTurn = dir.resolve("in-turn");
    List<String> args = new ArrayList<>(List.of("sweep", "--out", inTurn.toString()));
    args.addAll(SWEEP);
    CliRun.ok(args.toArray(String[]::new));
    for (String trial : List.of("latent=2,seed=1", "latent=3,seed=1", "latent=4,seed=1", "latent=5,seed=1")) {
      assertArrayEquals(Files.readAllBytes(inTurn.resolve(trial).resolve("model.safetensors")),
          Files.readAllBytes(out.resolve(trial).resolve("model.safetensors")), trial + ", kill after seed " + seed);
    }
  }

  private static Process shard(Path out, String shard) throws IOException {
    return sweep(out, "--shard", shard);
  }

  private static Process sweep(Path out, String... options) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "sweep", "--out", out.toString()));
    command.addAll(List.of(options));
    command.addAll(SWEEP);
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** The child's exit code once it ends; its output goes to this test's, so that a failure shows why. */
  private static int exitOf(Process p) throws Exception {
    Thread reader = new Thread(() -> drain(p, new CountDownLatch(1)));
    reader.start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS));
    reader.join();
    return p.exitValue();
  }

  /** Reads the child's output; counts {@code training} down once its first trial's model is on the backend. */
  private static void drain(Process p, CountDownLatch training) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.contains(" on cpu: ")) training.countDown();
        if (line.startsWith("vae4j: error")) System.out.println("child process " + p.pid() + ": " + line);
      }
    } catch (IOException e) {
      // the process was killed mid-line
    } finally {
      training.countDown();
    }
  }
}
