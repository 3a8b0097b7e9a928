package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vae4j.io.SafeTensors;
import dev.vae4j.train.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train: resume, refusals of bad options and occupied folders, divergence, all through the CLI. */
class TrainRobustnessTest {
  private static final String[] TINY = {"--hidden", "16", "--latent", "2", "--batch-size", "256", "--device", "cpu"};
  @TempDir Path dir;

  private static String[] train(Path out, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--out", out.toString()));
    List<String> given = List.of(more);
    for (int i = 0; i < TINY.length; i += 2) {
      if (!given.contains(TINY[i])) args.addAll(List.of(TINY[i], TINY[i + 1]));
    }
    args.addAll(given);
    return args.toArray(String[]::new);
  }

  private static float[] weights(Path file) throws IOException {
    List<Float> all = new java.util.ArrayList<>();
    SafeTensors.read(file).tensors().values().forEach(e -> { for (float f : e.floats()) all.add(f); });
    float[] a = new float[all.size()];
    for (int i = 0; i < a.length; i++) a[i] = all.get(i);
    return a;
  }

  @Test
  void anInterruptedRunResumesToTheSameWeights() throws IOException {
    Path run = dir.resolve("run");
    CliRun first = run(train(run, "--epochs", "3", "--checkpoint-every", "10", "--keep-checkpoints", "2"));
    assertEquals(0, first.code(), first.err());
    float[] expected = weights(run.resolve("model.safetensors"));
    assertEquals(2, Checkpoints.stepFiles(run).size());
    assertTrue(Files.exists(run.resolve(Checkpoints.BEST)));

    // A finished run resumes to itself.
    CliRun again = run("train", "--resume", run.toString());
    assertEquals(0, again.code(), again.err());
    assertArrayEquals(expected, weights(run.resolve("model.safetensors")));

    // As if killed mid-epoch 3: the final files and the newest checkpoint are gone.
    Files.delete(run.resolve("model.safetensors"));
    List<Path> steps = Checkpoints.stepFiles(run);
    Files.delete(steps.get(steps.size() - 1));
    CliRun resumed = run("train", "--resume", run.toString());
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("resuming from checkpoint-step-"), resumed.err());
    assertArrayEquals(expected, weights(run.resolve("model.safetensors")));
    assertEquals(3, Files.readAllLines(run.resolve("metrics.jsonl")).size());
  }

  @Test
  void aRunResumesWithTheDeviceItAskedForOrOneGiven() throws IOException {
    Path run = dir.resolve("run");
    CliRun first = run(train(run, "--epochs", "1", "--device", "auto"));
    assertEquals(0, first.code(), first.err());
    Path config = run.resolve("config.json");
    JsonNode recorded = new ObjectMapper().readTree(config.toFile());
    assertEquals("auto", recorded.get("requested_device").asText());
    assertEquals("cpu", recorded.get("device").asText()); // this machine has no GPU

    // As if it had begun with --device auto on a GPU machine: it resumes here, on the CPU.
    ((ObjectNode) recorded).put("device", "cuda");
    new ObjectMapper().writeValue(config.toFile(), recorded);
    CliRun resumed = run("train", "--resume", run.toString());
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("on cpu"), resumed.err());

    // A run folder from before requested_device was recorded names only the device it ran on;
    // when that GPU is gone, --device moves the run to the CPU.
    ((ObjectNode) recorded).remove("requested_device");
    new ObjectMapper().writeValue(config.toFile(), recorded);
    CliRun stuck = run("train", "--resume", run.toString());
    assertEquals(1, stuck.code(), stuck.err());
    assertTrue(stuck.err().contains("CUDA unavailable"), stuck.err());
    CliRun moved = run("train", "--resume", run.toString(), "--device", "cpu");
    assertEquals(0, moved.code(), moved.err());
    assertTrue(moved.err().contains("on cpu"), moved.err());
  }

  @Test
  void resumeTakesNoOtherOptionsAndNeedsARunFolder() throws IOException {
    CliRun o = run("train", "--resume", dir.toString(), "--lr", "1e-2");
    assertEquals(2, o.code());
    assertTrue(o.err().contains("--resume takes no options but --device, --epochs and --val-iwae"), o.err());
    o = run("train", "--resume", dir.toString());
    assertEquals(1, o.code());
    assertEquals(dir + ": not a run folder (no config.json)", o.err().strip().replace("vae4j: error: ", ""));
  }

  @Test
  void badOptionsAreOneLineUsageErrors() {
    Path out = dir.resolve("never");
    String[][] cases = {
        {"--batch-size", "0", "batch size must be > 0"}, {"--batch-size", "-3", "batch size must be > 0"},
        {"--batch-size", "100000", "larger than the 7503 training images"}, {"--latent", "0", "latent size must be > 0"},
        {"--lr", "0", "learning rate must be > 0"}, {"--lr", "-1e-3", "learning rate must be > 0"},
        {"--hidden", "0", "hidden sizes must be > 0"}, {"--checkpoint-every", "-1", "--checkpoint-every must be >= 0"},
        {"--keep-checkpoints", "0", "--keep-checkpoints must be >= 1"}};
    for (String[] bad : cases) {
      CliRun o = run(train(out, bad[0], bad[1]));
      String why = bad[0] + " " + bad[1] + ": " + o.err();
      assertEquals(2, o.code(), why);
      assertTrue(o.err().lines().findFirst().orElse("").contains(bad[2]), why);
      assertFalse(Files.exists(out), "nothing written for " + why);
    }
  }

  @Test
  void occupiedRunFoldersAreRefusedUntouched() throws IOException {
    Path finished = dir.resolve("finished");
    Files.createDirectories(finished);
    Files.writeString(finished.resolve("model.safetensors"), "precious");
    CliRun o = run(train(finished, "--epochs", "1"));
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("already holds a finished run"), o.err());
    assertEquals("precious", Files.readString(finished.resolve("model.safetensors")));

    Path unfinished = dir.resolve("unfinished");
    Files.createDirectories(unfinished);
    Files.writeString(unfinished.resolve("config.json"), "{}");
    o = run(train(unfinished, "--epochs", "1"));
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("continue it with --resume"), o.err());
    assertEquals("{}", Files.readString(unfinished.resolve("config.json")));
  }

  @Test
  void divergenceExitsOneNamingTheStepAndKeepsGoodCheckpoints() throws IOException {
    Path run = dir.resolve("nan");
    CliRun o = run(train(run, "--epochs", "2", "--lr", "1e30"));
    assertEquals(1, o.code(), o.err());
    String last = o.err().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.matches("vae4j: error: training diverged: .* at step \\d+ \\(epoch 1, batch \\d+\\).*"), last);
    assertFalse(Files.exists(run.resolve("model.safetensors")));
    for (Path p : Checkpoints.stepFiles(run)) Checkpoints.read(p);
  }
}
