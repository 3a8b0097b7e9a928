package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.io.SafeTensors;
import dev.vae4j.train.Checkpoints;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real training process (the CLI in a child JVM) killed with SIGKILL at random moments and
 * resumed each time: no checkpoint is ever torn, and the final weights equal an uninterrupted run's.
 * The children run as the README's command does, with the Vector API module: its kernels give the
 * same bits interpreted and JIT-compiled (VectorMathTest), so however far the JIT got before a kill,
 * the resumed process continues on the same numbers.
 */
class KillAndResumeTest {
  private static final List<String> RUN = List.of("--epochs", "4", "--hidden", "16", "--latent", "2",
      "--batch-size", "128", "--device", "cpu", "--checkpoint-every", "9", "--seed", "11");
  @TempDir Path dir;

  @Test
  void killedAndResumedRunsEndWithTheUninterruptedWeights() throws Exception {
    Path reference = dir.resolve("reference");
    assertEquals(0, exitOf(child(reference)), "the uninterrupted run");

    long seed = new Random().nextLong();
    Random random = new Random(seed);
    Path victim = dir.resolve("victim");
    int kills = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
      boolean killed = runChild(victim, 100 + random.nextInt(1500));
      if (killed) kills++;
      checkNoCheckpointIsTorn(victim, "seed " + seed + ", after kill " + kills);
    }
    assertEquals(0, exitOf(child(victim)), "the final resume completes (seed " + seed + ")");
    assertTrue(kills >= 1, "at least one kill landed during training (seed " + seed + ")");
    assertArrayEquals(weights(reference.resolve("model.safetensors")), weights(victim.resolve("model.safetensors")),
        "seed " + seed + ", " + kills + " kills");
  }

  /** Starts training (or resumes it), kills it {@code afterMillis} after it reports its model; true if killed. */
  private boolean runChild(Path victim, long afterMillis) throws Exception {
    Process p = child(victim);
    CountDownLatch started = new CountDownLatch(1);
    Thread reader = new Thread(() -> drain(p, started));
    reader.start();
    started.await(60, TimeUnit.SECONDS);
    Thread.sleep(afterMillis);
    boolean alive = p.isAlive();
    p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
    p.waitFor(30, TimeUnit.SECONDS);
    reader.join();
    return alive;
  }

  private Process child(Path victim) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train"));
    if (Files.exists(victim.resolve("config.json"))) {
      command.addAll(List.of("--resume", victim.toString()));
    } else {
      command.addAll(List.of("--out", victim.toString(), "--overwrite")); // killed before its first file
      command.addAll(RUN);
    }
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static int exitOf(Process p) throws Exception {
    CountDownLatch ignored = new CountDownLatch(1);
    Thread reader = new Thread(() -> drain(p, ignored));
    reader.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    reader.join();
    return p.exitValue();
  }

  private static void drain(Process p, CountDownLatch started) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.contains(" on cpu: ")) started.countDown();
      }
    } catch (IOException e) {
      // the process was killed mid-line
    } finally {
      started.countDown();
    }
  }

  private static void checkNoCheckpointIsTorn(Path run, String why) throws IOException {
    if (!Files.isDirectory(run)) return;
    try (Stream<Path> files = Files.list(run)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("checkpoint")).toList()) {
        try {
          Checkpoints.read(f);
        } catch (IOException e) {
          throw new AssertionError(why + ": " + e.getMessage(), e);
        }
      }
    }
  }

  private static float[] weights(Path file) throws IOException {
    List<Float> all = new ArrayList<>();
    SafeTensors.read(file).tensors().values().forEach(e -> { for (float f : e.floats()) all.add(f); });
    float[] a = new float[all.size()];
    for (int i = 0; i < a.length; i++) a[i] = all.get(i);
    return a;
  }
}
