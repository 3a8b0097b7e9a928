package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.io.HeaderSurgery;
import dev.vae4j.io.SafeTensors;
import dev.vae4j.run.Run;
import dev.vae4j.run.RunConfig;
import dev.vae4j.run.RunLock;
import dev.vae4j.train.Checkpoints;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run folders that cannot lie (issue 22): each case of the probe that ended with a folder whose
 * files disagree, or a model that loads although it is wrong, reproduced through the CLI.
 */
class RunFolderIntegrityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TINY = List.of("--hidden", "16", "--latent", "2", "--batch-size", "256", "--device", "cpu",
      "--keep-checkpoints", "3");
  @TempDir Path dir;

  private static String[] train(Path out, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--out", out.toString()));
    args.addAll(TINY);
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** A run of {@code epochs} epochs whose newest checkpoint and final files are removed: as if killed in its last epoch. */
  private Path unfinished(String name, int epochs) throws IOException {
    Path run = dir.resolve(name);
    CliRun o = run(train(run, "--epochs", Integer.toString(epochs)));
    assertEquals(0, o.code(), o.err());
    List<Path> steps = Checkpoints.stepFiles(run);
    Files.delete(steps.get(steps.size() - 1));
    Files.delete(run.resolve("model.safetensors"));
    Files.delete(run.resolve(Checkpoints.BEST));
    return run;
  }

  @Test
  void aSecondWriterExitsOneAtOnceNamingTheFolderAndTheHolder() throws IOException {
    Path run = unfinished("busy", 2);
    try (RunLock held = RunLock.acquire(run)) { // as a training process still running would
      long start = System.nanoTime();
      CliRun resumed = run("train", "--resume", run.toString());
      assertEquals(1, resumed.code(), resumed.err());
      assertTrue(resumed.err().contains(run + " is in use by another vae4j process (pid " + ProcessHandle.current().pid()),
          resumed.err());
      CliRun fresh = run(train(run, "--epochs", "1", "--overwrite"));
      assertEquals(1, fresh.code(), fresh.err());
      assertTrue(fresh.err().contains("is in use by another vae4j process"), fresh.err());
      assertTrue(System.nanoTime() - start < 30e9, "refused at once, not after training");
    }
    assertEquals(1, Checkpoints.stepFiles(run).size(), "the refused writers touched nothing");
    assertFalse(Files.exists(run.resolve("model.safetensors")));
    CliRun later = run("train", "--resume", run.toString()); // the lock is free again
    assertEquals(0, later.code(), later.err());
  }

  @Test
  void aDivergingOverwriteLeavesTheOldRunIntactBesideTheNewOne() throws IOException {
    Path run = dir.resolve("r");
    assertEquals(0, run(train(run, "--epochs", "1")).code());
    byte[] oldModel = Files.readAllBytes(run.resolve("model.safetensors"));
    CliRun diverged = run("train", "--out", run.toString(), "--overwrite", "--latent", "5", "--lr", "1e6",
        "--hidden", "16", "--batch-size", "256", "--device", "cpu", "--epochs", "1");
    assertEquals(1, diverged.code(), diverged.err());
    assertTrue(diverged.err().contains("training diverged"), diverged.err());

    List<Path> replaced;
    try (Stream<Path> files = Files.list(run)) {
      replaced = files.filter(p -> p.getFileName().toString().startsWith("replaced-")).toList();
    }
    assertEquals(1, replaced.size(), "the old run was moved aside, whole");
    Path old = replaced.get(0);
    for (String name : List.of("config.json", "model.safetensors", "samples.png", "metrics.jsonl", Checkpoints.BEST)) {
      assertTrue(Files.exists(old.resolve(name)), name + " kept in " + old);
    }
    assertTrue(java.util.Arrays.equals(oldModel, Files.readAllBytes(old.resolve("model.safetensors"))));
    try (CpuBackend backend = new CpuBackend()) {
      assertEquals(2, Run.open(old).loadModel(backend).config().latent(), "the old run still opens where it went");
    }
    // The folder itself holds the new run's configuration and nothing of the old one.
    assertEquals(5, RunConfig.read(run.resolve("config.json")).model().latent());
    for (String name : List.of("model.safetensors", "samples.png", "reconstructions.png", "latent.png", Checkpoints.BEST)) {
      assertFalse(Files.exists(run.resolve(name)), name + " of the old run left beside the new configuration");
    }
    CliRun eval = run("eval", "--run", run.toString(), "--k", "2", "--device", "cpu");
    assertEquals(1, eval.code());
    assertTrue(eval.err().contains("has no model.safetensors"), eval.err());
  }

  @Test
  void swappedTensorOffsetsAreRefusedInTheModelAndInCheckpoints() throws IOException {
    Path run = unfinished("swap", 2);
    Path model = dir.resolve("swap-model").resolve("model.safetensors");
    assertEquals(0, run(train(model.getParent(), "--epochs", "1")).code());
    Files.write(model, HeaderSurgery.swapOffsets(Files.readAllBytes(model), "enc.mu.weight", "enc.logvar.weight"));
    CliRun sample = run("sample", "--run", model.getParent().toString(), "--out", dir.resolve("s.png").toString(), "--device", "cpu");
    assertEquals(1, sample.code());
    assertTrue(sample.err().contains(model + ": checksum mismatch"), sample.err());

    Path checkpoint = Checkpoints.stepFiles(run).get(0);
    Files.write(checkpoint, HeaderSurgery.swapOffsets(Files.readAllBytes(checkpoint), "enc.mu.weight", "enc.logvar.weight"));
    CliRun resumed = run("train", "--resume", run.toString());
    assertEquals(1, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("no checkpoint verifies"), resumed.err());
    assertTrue(resumed.err().contains("checksum mismatch"), resumed.err());
  }

  @Test
  void anEditedConfigIsRefusedOnResumeNamingTheKeys() throws IOException {
    Path run = unfinished("edited", 2);
    Path config = run.resolve("config.json");
    String original = Files.readString(config);
    ObjectNode tree = (ObjectNode) JSON.readTree(original);
    ((ObjectNode) tree.get("training")).put("batch_size", 128).put("seed", 99);
    Files.writeString(config, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
    CliRun o = run("train", "--resume", run.toString());
    assertEquals(1, o.code(), o.err());
    String line = o.err().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(line.contains("training.batch_size (128 here, 256 in the checkpoint)"), line);
    assertTrue(line.contains("training.seed (99 here, 1 in the checkpoint)"), line);

    // Without a checkpoint to compare with, the digest still tells.
    for (Path p : Checkpoints.stepFiles(run)) Files.delete(p);
    o = run("train", "--resume", run.toString());
    assertEquals(1, o.code(), o.err());
    assertTrue(o.err().contains("was edited after the run began"), o.err());

    Files.writeString(config, original);
    assertEquals(0, run("train", "--resume", run.toString()).code(), "the undone edit resumes");
    ((ObjectNode) tree.get("training")).put("batch_size", 256).put("seed", 1).put("epochs", 3);
    Files.writeString(config, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
    o = run("sample", "--run", run.toString(), "--out", dir.resolve("s.png").toString(), "--device", "cpu");
    assertEquals(1, o.code());
    assertTrue(o.err().contains("was edited after training"), o.err());
  }

  @Test
  void anExtendedRunStoppedBeforeItsFirstNewCheckpointStillResumes() throws IOException {
    Path run = dir.resolve("extended");
    assertEquals(0, run(train(run, "--epochs", "2")).code());
    Path saved = Files.createDirectory(dir.resolve("saved"));
    for (Path p : Checkpoints.stepFiles(run)) Files.copy(p, saved.resolve(p.getFileName()));
    CliRun extended = run("train", "--resume", run.toString(), "--epochs", "3");
    assertEquals(0, extended.code(), extended.err());
    // As if stopped before epoch 3's checkpoint: config.json says 3 epochs, the checkpoint 2.
    for (Path p : Checkpoints.stepFiles(run)) Files.delete(p);
    Files.delete(run.resolve(Checkpoints.BEST));
    Files.delete(run.resolve("model.safetensors"));
    try (Stream<Path> kept = Files.list(saved)) {
      for (Path p : kept.toList()) Files.copy(p, run.resolve(p.getFileName()));
    }
    CliRun resumed = run("train", "--resume", run.toString());
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains("trained 3 epochs"), resumed.out());
  }

  @Test
  void aModelFromAnotherRunIsRefused() throws IOException {
    Path a = dir.resolve("a"), b = dir.resolve("b");
    assertEquals(0, run(train(a, "--epochs", "1", "--seed", "1")).code());
    assertEquals(0, run(train(b, "--epochs", "1", "--seed", "2")).code());
    Files.copy(b.resolve("model.safetensors"), a.resolve("model.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    CliRun o = run("sample", "--run", a.toString(), "--out", dir.resolve("s.png").toString(), "--device", "cpu");
    assertEquals(1, o.code());
    assertTrue(o.err().contains("belongs to another run"), o.err());
  }

  @Test
  void aFifoOrAFolderNamedLikeACheckpointIsSkippedWithoutBlocking() throws Exception {
    Path run = unfinished("fifo", 2);
    Path fifo = run.resolve("checkpoint-step-000000999.safetensors");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());
    Files.createDirectory(run.resolve("checkpoint-step-000000998.safetensors"));
    CliRun o = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> run("train", "--resume", run.toString()));
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("warning: skipped " + fifo + ": a FIFO, not a checkpoint file"), o.err());
    assertTrue(o.err().contains("checkpoint-step-000000998.safetensors: a folder, not a checkpoint file"), o.err());
    assertTrue(o.err().contains("resuming from checkpoint-step-"), o.err());
  }

  @Test
  void staleTemporaryFilesOfKilledWritesAreRemovedWhenTheLockIsTaken() throws IOException {
    Path run = unfinished("stale", 2);
    Path stale = run.resolve(".checkpoint-step-000000059.safetensors.1x2y3z.tmp");
    Files.write(stale, new byte[1000]);
    Path other = run.resolve("notes.tmp"); // not vae4j's naming: left alone
    Files.writeString(other, "mine");
    assertEquals(0, run("train", "--resume", run.toString()).code());
    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(other));
  }

  @Test
  void aFolderWrittenByTheVersionBeforeResumesWithANote() throws IOException {
    Path run = dir.resolve("old");
    Files.createDirectories(run);
    for (String name : List.of("config.json", "metrics.jsonl", "checkpoint-step-000000059.safetensors")) {
      try (InputStream in = getClass().getResourceAsStream("old-unfinished-run/" + name)) {
        Files.copy(in, run.resolve(name));
      }
    }
    CliRun first = run("train", "--resume", run.toString());
    assertEquals(0, first.code(), first.err());
    assertTrue(first.err().contains("resuming from checkpoint-step-000000059.safetensors (after epoch 1"), first.err());
    assertTrue(first.err().contains("carries the older checksum"), first.err());
    assertEquals(2, Files.readAllLines(run.resolve("metrics.jsonl")).size());
    assertEquals(SafeTensors.Seal.FULL, SafeTensors.read(run.resolve("model.safetensors")).seal());
    CliRun sample = run("sample", "--run", run.toString(), "--out", dir.resolve("s.png").toString(), "--device", "cpu");
    assertEquals(0, sample.code(), sample.err());

    // Resumed again from this version's checkpoint, which records keys the older config.json may
    // lack (here: a folder from before "checkpoints" was recorded, its defaults meant by absence).
    ObjectNode tree = (ObjectNode) JSON.readTree(run.resolve("config.json").toFile());
    tree.remove("checkpoints");
    Files.writeString(run.resolve("config.json"), JSON.writeValueAsString(tree));
    CliRun o = run("train", "--resume", run.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("resuming from checkpoint-step-000000118.safetensors"), o.err());
  }
}
