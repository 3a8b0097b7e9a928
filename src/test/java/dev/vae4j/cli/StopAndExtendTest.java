package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.vae4j.io.SafeTensors;
import dev.vae4j.train.Checkpoints;
import dev.vae4j.train.EpochMetrics;
import dev.vae4j.train.TrainingState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Ctrl-C and SIGTERM during {@code train} (a child JVM): a clean stop at a step boundary, one line
 * with the exact resume command, exit 130, and a resume that completes the run. And {@code train
 * --resume DIR --epochs N}: a finished or unfinished run made one of N epochs trains to the bits
 * of a run started with N (CPU).
 */
class StopAndExtendTest {
  private static final String[] TINY = {"--hidden", "16", "--latent", "2", "--device", "cpu", "--seed", "5"};
  @TempDir Path dir;

  @Test
  void sigtermStopsCleanlyAndSaysHowToResume() throws Exception {
    stopsCleanly("TERM");
  }

  @Test
  void ctrlCStopsCleanlyAndSaysHowToResume() throws Exception {
    // A shell's background job starts with SIGINT ignored, which its children inherit; the JVM then
    // leaves it ignored, as it should.
    assumeFalse(sigintIgnored(), "SIGINT is ignored in this process (started as a background job)");
    stopsCleanly("INT");
  }

  private void stopsCleanly(String signal) throws Exception {
    Path out = dir.resolve("run " + signal); // a space: the printed command must quote it
    Process p = child("train", "--out", out.toString(), "--epochs", "200", "--checkpoint-every", "20");
    List<String> lines = new ArrayList<>();
    CountDownLatch trained = new CountDownLatch(1);
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> read(p, lines, trained));
    assertTrue(trained.await(120, TimeUnit.SECONDS), "no epoch finished: " + lines);
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running after SIG" + signal + ": " + lines);
    reader.get(10, TimeUnit.SECONDS);
    String all = String.join("\n", lines);
    assertEquals(StopSignals.EXIT_CODE, p.exitValue(), all);
    String last = lines.get(lines.size() - 1);
    assertTrue(last.startsWith("vae4j: stopped after epoch ") || last.startsWith("vae4j: stopped in epoch "), all);
    assertTrue(last.endsWith("; resume with: vae4j train --resume '" + out + "'"), all);
    for (Path f : Checkpoints.stepFiles(out)) Checkpoints.read(f); // whole, checksums verified
    assertTrue(Files.notExists(out.resolve("model.safetensors")), "an interrupted run writes no model");

    CliRun resumed = run("train", "--resume", out.toString(), "--epochs", "3"); // extend or shorten: at least 3
    assertEquals(0, resumed.code(), resumed.err());
  }

  @Test
  void aFinishedRunExtendedToNEpochsEqualsARunOfN() throws IOException {
    Path three = dir.resolve("three"), two = dir.resolve("two"), one = dir.resolve("one");
    CliRun.ok(train(three, "--epochs", "3"));
    // By default one step checkpoint stays, and the best epoch's (the last here) is the same file.
    List<Path> kept = Checkpoints.stepFiles(three);
    assertEquals(1, kept.size(), kept.toString());
    assertTrue(Files.isSameFile(kept.get(0), three.resolve(Checkpoints.BEST)));
    CliRun.ok(train(two, "--epochs", "2"));
    CliRun extended = CliRun.ok("train", "--resume", two.toString(), "--epochs", "3");
    assertTrue(extended.err().contains("resuming from checkpoint-step-"), extended.err());
    assertArrayEquals(weights(three), weights(two));
    assertEquals(3, Files.readAllLines(two.resolve("metrics.jsonl")).size());
    assertTrue(Files.readString(two.resolve("config.json")).contains("\"epochs\" : 3"));

    // Unfinished (killed in epoch 2, as if: the newest checkpoint is mid-epoch), extended to 3.
    CliRun.ok(train(one, "--epochs", "2", "--checkpoint-every", "25", "--keep-checkpoints", "3"));
    Files.delete(one.resolve("model.safetensors"));
    List<Path> steps = Checkpoints.stepFiles(one);
    Files.delete(steps.get(steps.size() - 1)); // the newest left is step 100, in epoch 2 of 59 steps each
    CliRun resumed = CliRun.ok("train", "--resume", one.toString(), "--epochs", "3");
    assertTrue(resumed.err().contains("(in epoch 2 after batch 41, step 100)"), resumed.err());
    assertArrayEquals(weights(three), weights(one));
  }

  /**
   * --clip-grad-norm lands in config.json, is restored by --resume (the extended run equals a
   * straight one) and adds grad_norm to each metrics line; a run without it has neither key.
   */
  @Test
  void clippingIsRestoredOnResumeAndReportsItsNorm() throws IOException {
    Path three = dir.resolve("clip3"), two = dir.resolve("clip2"), plain = dir.resolve("plain");
    CliRun.ok(train(three, "--epochs", "3", "--clip-grad-norm", "2"));
    CliRun.ok(train(two, "--epochs", "2", "--clip-grad-norm", "2"));
    CliRun.ok("train", "--resume", two.toString(), "--epochs", "3");
    assertArrayEquals(weights(three), weights(two));
    assertTrue(Files.readString(two.resolve("config.json")).contains("\"clip_grad_norm\" : 2.0"));
    List<String> lines = Files.readAllLines(two.resolve("metrics.jsonl"));
    assertEquals(3, lines.size());
    for (String line : lines) assertTrue(line.contains("\"grad_norm\":"), line);
    CliRun.ok(train(plain, "--epochs", "1"));
    assertFalse(Files.readString(plain.resolve("config.json")).contains("clip_grad_norm"));
    assertFalse(Files.readString(plain.resolve("metrics.jsonl")).contains("grad_norm"));
  }

  @Test
  void aRunThatPatienceStoppedIsNotExtended() {
    // Finished after epoch 4 of 6 with patience 1 spent: a run of 12 epochs stops there too.
    TrainingState stopped = TrainingState.builder().parameters(new float[3]).epoch(4).history(fourEpochs())
        .bestEpoch(3).sinceBest(1).finished(true).build();
    ResumeConfig.Extension more = new ResumeConfig.Extension(12, 6, 1, dir);
    CommandLine cli = new CommandLine(new TrainCommand());
    ParameterException e = assertThrows(ParameterException.class, () -> more.check(stopped, cli));
    assertTrue(e.getMessage().contains("stopped early after epoch 4"), e.getMessage());
    // Patience spent on the very last epoch (not stopped early) counts the same.
    TrainingState ranOut = TrainingState.builder().parameters(new float[3]).epoch(4).history(fourEpochs())
        .bestEpoch(3).sinceBest(1).finished(true).build();
    assertThrows(ParameterException.class, () -> new ResumeConfig.Extension(12, 4, 1, dir).check(ranOut, cli));
    // Patience left: the run goes on, unfinished.
    TrainingState patient = TrainingState.builder().parameters(new float[3]).epoch(4).history(fourEpochs())
        .bestEpoch(4).sinceBest(0).finished(true).build();
    assertFalse(new ResumeConfig.Extension(12, 4, 1, dir).check(patient, cli).finished());
  }

  private static List<EpochMetrics> fourEpochs() {
    List<EpochMetrics> epochs = new ArrayList<>();
    for (int e = 1; e <= 4; e++) epochs.add(new EpochMetrics(e, 1, 1, 0, 1, 1, 0, 1, 1, 1, e <= 3));
    return epochs;
  }

  private static String[] train(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--out", out.toString()));
    args.addAll(List.of(TINY));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static float[] weights(Path run) throws IOException {
    List<Float> all = new ArrayList<>();
    SafeTensors.read(run.resolve("model.safetensors")).tensors().values()
        .forEach(e -> { for (float f : e.floats()) all.add(f); });
    float[] a = new float[all.size()];
    for (int i = 0; i < a.length; i++) a[i] = all.get(i);
    return a;
  }

  private static Process child(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    command.addAll(List.of(TINY));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static void read(Process p, List<String> lines, CountDownLatch trained) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        synchronized (lines) {
          lines.add(line);
        }
        if (line.startsWith("epoch   2 ")) trained.countDown();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      trained.countDown();
    }
  }

  /** Whether this process ignores SIGINT (bit 1 of SigIgn in /proc/self/status), as its children then do. */
  private static boolean sigintIgnored() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) return false;
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) return (Long.parseLong(line.substring(7).trim(), 16) & 0b10) != 0;
    }
    return false;
  }
}
