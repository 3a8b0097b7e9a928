package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep --parallel-mode stacked} on the CPU, on tiny trials of the bundled digits (one
 * class, hidden 16). A stacked trial trains as a lone run of one batch part does (StackedTrainer's
 * CPU guarantee), so the comparison with side by side runs both sweeps in JVMs of one processor,
 * where every CPU backend is one part.
 */
class StackedSweepTest {
  private static final List<String> TINY = List.of("--classes", "0", "--hidden", "16", "--keep-checkpoints", "2",
      "--device", "cpu");
  private static final List<String> TRIALS = List.of("beta=0.5,lr=1e-3,seed=1", "beta=0.5,lr=3e-3,seed=1",
      "beta=1,lr=1e-3,seed=1", "beta=1,lr=3e-3,seed=1");
  private static final String[] GRID = {"--grid", "beta=0.5,1", "--grid", "lr=1e-3,3e-3", "--epochs", "2"};
  @TempDir Path dir;

  private static String[] sweep(Path out, String... options) {
    List<String> args = new ArrayList<>(List.of("sweep", "--out", out.toString()));
    args.addAll(List.of(options));
    args.addAll(TINY);
    return args.toArray(String[]::new);
  }

  @Test
  void stackedTrialsAreCompleteRunFoldersBitForBitAsSideBySide() throws Exception {
    Path stacked = dir.resolve("stacked"), sideBySide = dir.resolve("side-by-side");
    String s = onOneProcessor(sweep(stacked, concat(GRID, "--parallel", "4", "--parallel-mode", "stacked")));
    assertTrue(s.contains("vae4j: training 4 trials stacked: " + String.join(", ", TRIALS)), s);
    assertTrue(s.contains("training batches in 1 part"), s);
    String side = onOneProcessor(sweep(sideBySide, concat(GRID, "--parallel", "4", "--parallel-mode", "side-by-side")));
    assertTrue(side.contains("training up to 4 trials at once, each on 1 core"), side);
    for (String trial : TRIALS) {
      Path t = stacked.resolve(trial);
      for (String f : List.of("config.json", "metrics.jsonl", "model.safetensors", "samples.png", "checkpoint-best.safetensors")) {
        assertTrue(Files.isRegularFile(t.resolve(f)), trial + "/" + f);
      }
      assertEquals(2, stepCheckpoints(t).size(), trial);
      assertModelsEqual(sideBySide.resolve(trial), t, trial);
      assertEquals(withoutTimes(Files.readString(sideBySide.resolve(trial).resolve("metrics.jsonl"))),
          withoutTimes(Files.readString(t.resolve("metrics.jsonl"))), trial);
      assertEquals(Files.readString(sideBySide.resolve(trial).resolve("config.json")), Files.readString(t.resolve("config.json")), trial);
    }
    assertEquals(withoutSeconds(Files.readString(sideBySide.resolve("results.csv"))), withoutSeconds(Files.readString(stacked.resolve("results.csv"))));
    CliRun again = ok(sweep(stacked, concat(GRID, "--parallel", "4", "--parallel-mode", "stacked")));
    assertTrue(again.err().contains("beta=1,lr=3e-3,seed=1: finished already"), again.err());
    assertFalse(again.err().contains("stacked:"), again.err());
  }

  /**
   * A rerun regroups what is unfinished by the epoch it resumes from: two trials as if killed in
   * epoch 2 resume stacked from their epoch-1 checkpoints, one killed before its first checkpoint
   * starts over alone, a finished one is skipped; every model ends as the uninterrupted sweep's.
   */
  @Test
  void aRerunResumesStackedByStartEpochToTheSameFiles() throws Exception {
    Path out = dir.resolve("s");
    String[] args = sweep(out, concat(GRID, "--parallel", "4", "--parallel-mode", "stacked"));
    ok(args);
    List<byte[]> finished = new ArrayList<>();
    for (String trial : TRIALS) finished.add(Files.readAllBytes(out.resolve(trial).resolve("model.safetensors")));
    for (String trial : TRIALS.subList(0, 2)) { // killed in epoch 2
      Path t = out.resolve(trial);
      Files.delete(stepCheckpoints(t).get(1));
      Files.delete(t.resolve("model.safetensors"));
    }
    Path fresh = out.resolve(TRIALS.get(2)); // killed in epoch 1
    for (Path p : stepCheckpoints(fresh)) Files.delete(p);
    Files.delete(fresh.resolve("checkpoint-best.safetensors"));
    Files.delete(fresh.resolve("model.safetensors"));
    Files.delete(fresh.resolve("metrics.jsonl"));
    CliRun resumed = ok(args);
    assertTrue(resumed.err().contains("vae4j: training 2 trials stacked from epoch 1: " + TRIALS.get(0) + ", " + TRIALS.get(1)),
        resumed.err());
    assertTrue(resumed.err().contains("vae4j: training 1 trial stacked: " + TRIALS.get(2)), resumed.err());
    assertTrue(resumed.err().contains(TRIALS.get(3) + ": finished already"), resumed.err());
    for (int i = 0; i < TRIALS.size(); i++) {
      assertTrue(Arrays.equals(finished.get(i), Files.readAllBytes(out.resolve(TRIALS.get(i)).resolve("model.safetensors"))),
          TRIALS.get(i) + ": bit-exact on the CPU");
    }
  }

  /**
   * A stop (as Ctrl-C: {@link StopSignals#signalled}) once the first trial has an epoch ends the
   * stacked sweep with exit 130, each trial at a checkpoint; the rerun resumes them, stacked by
   * the epoch they stopped at, to the files of an uninterrupted sweep.
   */
  @Test
  void aStoppedStackedSweepRerunsToTheUninterruptedFiles() throws Exception {
    String[] grid = {"--grid", "beta=0.5,1", "--grid", "lr=1e-3,3e-3", "--epochs", "6", "--parallel", "4", "--parallel-mode", "stacked"};
    Path whole = dir.resolve("whole"), stopped = dir.resolve("stopped");
    ok(sweep(whole, grid));
    Path first = stopped.resolve(TRIALS.get(0)).resolve("metrics.jsonl");
    Thread watcher = new Thread(() -> {
      try {
        while (!Files.isRegularFile(first) || Files.readAllLines(first).isEmpty()) Thread.sleep(2);
        StopSignals.signalled(); // once: a second would end the JVM
      } catch (Exception e) {
        // the sweep's assertions below say what went wrong
      }
    });
    watcher.setDaemon(true);
    watcher.start();
    CliRun o = run(sweep(stopped, grid));
    watcher.join(10_000);
    assertEquals(StopSignals.EXIT_CODE, o.code(), o.err());
    assertTrue(o.err().contains("vae4j: sweep stopped; rerun the same command to continue it"), o.err());
    CliRun again = ok(sweep(stopped, grid));
    assertTrue(again.err().contains("stacked from epoch "), again.err());
    for (String trial : TRIALS) assertModelsEqual(whole.resolve(trial), stopped.resolve(trial), trial + " after the stop and rerun");
  }

  /** Trials of two shapes stack in two groups; an option stacking does not take trains them alone, saying why. */
  @Test
  void shapesGroupAndWhatCannotStackTrainsAloneSayingWhy() throws Exception {
    Path mixed = dir.resolve("mixed");
    CliRun m = ok(sweep(mixed, "--grid", "latent=2,3", "--grid", "lr=1e-3,3e-3", "--parallel", "4", "--parallel-mode", "stacked",
        "--epochs", "1"));
    assertTrue(m.err().contains("vae4j: training 2 trials stacked: latent=2,lr=1e-3,seed=1, latent=2,lr=3e-3,seed=1"), m.err());
    assertTrue(m.err().contains("vae4j: training 2 trials stacked: latent=3,lr=1e-3,seed=1, latent=3,lr=3e-3,seed=1"), m.err());
    assertEquals(4, countModels(mixed));

    Path dropout = dir.resolve("dropout");
    CliRun d = ok(sweep(dropout, "--grid", "lr=1e-3,3e-3", "--parallel", "2", "--parallel-mode", "stacked", "--epochs", "1",
        "--dropout", "0.1"));
    assertTrue(d.err().contains("[lr=1e-3,seed=1] vae4j: not stacked, trains alone: "), d.err());
    assertFalse(d.err().contains("trials stacked"), d.err());
    assertEquals(2, countModels(dropout));
    Path alone = dir.resolve("alone");
    ok(sweep(alone, "--grid", "lr=1e-3,3e-3", "--epochs", "1", "--dropout", "0.1"));
    assertModelsEqual(alone.resolve("lr=3e-3,seed=1"), dropout.resolve("lr=3e-3,seed=1"), "dropout, trained alone");
  }

  /** A trial that fails before its fit leaves its wave: the others train without waiting for it. */
  @Test
  void aTrialThatFailsBeforeItsFitLeavesTheWave() throws Exception {
    Path out = dir.resolve("s");
    CliRun o = run(sweep(out, "--grid", "batch-size=32,5000", "--parallel", "2", "--parallel-mode", "stacked", "--epochs", "1"));
    assertTrue(o.err().contains("vae4j: training 1 trial stacked: batch-size=32,seed=1"), o.err());
    assertTrue(Files.isRegularFile(out.resolve("batch-size=32,seed=1/model.safetensors")), o.err());
    String failed = Files.readString(out.resolve("batch-size=5000,seed=1/sweep-failed.txt"));
    assertTrue(failed.contains("--batch-size 5000 is larger than the"), failed);
    assertEquals(1, o.code(), "a sweep with a failed trial fails: " + o.err());
    assertTrue(o.err().contains("vae4j: 1 of 2 trials failed (each one's error: its folder's sweep-failed.txt); "
        + "rerunning the sweep retries it"), o.err());
    assertTrue(Files.isRegularFile(out.resolve("results.md")), "the tables are written all the same");
  }

  @Test
  void badModeIsOneUsageError() {
    CliRun o = run(sweep(dir.resolve("s"), "--grid", "lr=1e-3", "--parallel-mode", "foo"));
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().startsWith("vae4j: error: --parallel-mode must be auto, side-by-side or stacked, got 'foo'"), o.err());
    assertFalse(Files.exists(dir.resolve("s")));
  }

  /** Runs {@code vae4j args...} in a JVM that sees one processor, failing unless it exits 0; its output. */
  private static String onOneProcessor(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:ActiveProcessorCount=1", "-Xmx1g", "--add-modules", "jdk.incubator.vector", "-Dorg.bytedeco.javacpp.logger=slf4j",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), output);
    return output;
  }

  private static void assertModelsEqual(Path expected, Path actual, String what) throws Exception {
    assertTrue(Arrays.equals(Files.readAllBytes(expected.resolve("model.safetensors")), Files.readAllBytes(actual.resolve("model.safetensors"))),
        what + ": model.safetensors differs");
  }

  private static List<Path> stepCheckpoints(Path trial) throws Exception {
    try (Stream<Path> files = Files.list(trial)) {
      return files.filter(p -> p.getFileName().toString().startsWith("checkpoint-") && !p.getFileName().toString().contains("best"))
          .sorted().toList();
    }
  }

  private static String withoutTimes(String metrics) {
    return metrics.replaceAll("\"seconds\":[^,]*,\"samples_per_s\":[^,]*,", "");
  }

  /** results.csv without its last column, the trials' seconds. */
  private static String withoutSeconds(String csv) {
    return csv.replaceAll(",[^,\n]*\n", "\n");
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }

  private static long countModels(Path out) throws Exception {
    try (Stream<Path> files = Files.walk(out)) {
      return files.filter(p -> p.getFileName().toString().equals("model.safetensors")).count();
    }
  }
}
