package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vae4j sweep} end to end on tiny trials of the bundled digits (one class, hidden 16, 1 epoch). */
class SweepCommandTest {
  /** The train options every trial shares: about a thousand images, a second or so a trial. */
  private static final List<String> TINY = List.of("--classes", "0", "--hidden", "16", "--epochs", "1", "--device", "cpu");
  @TempDir Path dir;

  private static String[] sweep(Path out, String... options) {
    List<String> args = new ArrayList<>(List.of("sweep", "--out", out.toString()));
    args.addAll(List.of(options));
    args.addAll(TINY);
    return args.toArray(String[]::new);
  }

  @Test
  void gridTrialsAreRunFoldersTabulatedBestFirstAndSkippedWhenRerun() throws Exception {
    Path out = dir.resolve("s");
    CliRun first = ok(sweep(out, "--grid", "latent=2,4"));
    for (String trial : List.of("latent=2,seed=1", "latent=4,seed=1")) {
      assertTrue(Files.isRegularFile(out.resolve(trial).resolve("config.json")), trial);
      assertTrue(Files.isRegularFile(out.resolve(trial).resolve("model.safetensors")), trial);
    }
    for (String f : List.of("sweep.json", "results.csv", "results.md", "results.json", "best", "val_loss-by-latent.png")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    JsonNode rows = results.get("trials");
    assertEquals(2, rows.size());
    assertTrue(rows.get(0).get("metric").asDouble() <= rows.get(1).get("metric").asDouble(), "best first");
    assertEquals(rows.get(0).get("trial").asText(), Files.readString(out.resolve("best")).strip());
    assertEquals("finished", rows.get(1).get("status").asText());
    assertTrue(first.out().contains("best by val_loss: " + rows.get(0).get("trial").asText()), first.out());
    // The trial is the run train makes with the same options: the same numbers.
    Path alone = dir.resolve("alone");
    List<String> train = new ArrayList<>(List.of("train", "--latent", "4", "--seed", "1", "--out", alone.toString()));
    train.addAll(TINY);
    ok(train.toArray(String[]::new));
    assertEquals(Files.readString(alone.resolve("metrics.jsonl")).replaceAll("\"seconds\":[^,]*,\"samples_per_s\":[^,]*,", ""),
        Files.readString(out.resolve("latent=4,seed=1/metrics.jsonl")).replaceAll("\"seconds\":[^,]*,\"samples_per_s\":[^,]*,", ""));

    CliRun again = ok(sweep(out, "--grid", "latent=2,4"));
    assertTrue(again.err().contains("trial 1/2 latent=2,seed=1: finished already"), again.err());
    CliRun report = ok("sweep", "--out", out.toString(), "--report", "--metric", "val_kl");
    assertTrue(report.out().contains("best by val_kl"), report.out());
  }

  @Test
  void anUnfinishedTrialIsResumedToTheSameWeights() throws Exception {
    Path out = dir.resolve("s");
    String[] args = {"sweep", "--out", out.toString(), "--grid", "lr=1e-3", "--epochs", "2", "--keep-checkpoints", "2",
        "--classes", "0", "--hidden", "16", "--device", "cpu"};
    ok(args);
    Path trial = out.resolve("lr=1e-3,seed=1");
    byte[] finished = Files.readAllBytes(trial.resolve("model.safetensors"));
    List<Path> steps;
    try (Stream<Path> files = Files.list(trial)) {
      steps = files.filter(p -> p.getFileName().toString().startsWith("checkpoint-") && !p.getFileName().toString().contains("best"))
          .sorted().toList();
    }
    assertEquals(2, steps.size(), steps.toString());
    Files.delete(steps.get(1)); // as if killed in epoch 2
    Files.delete(trial.resolve("model.safetensors"));
    CliRun resumed = ok(args);
    assertTrue(resumed.err().contains("(resuming)"), resumed.err());
    assertTrue(java.util.Arrays.equals(finished, Files.readAllBytes(trial.resolve("model.safetensors"))), "bit-exact on the CPU");
  }

  @Test
  void medianPruningStopsAHopelessTrialAfterItsFirstEpochAndTheRerunKeepsIt() throws Exception {
    Path out = dir.resolve("s");
    String[] args = {"sweep", "--out", out.toString(), "--grid", "lr=3e-3,2e-3,1e-7", "--prune", "median:2", "--epochs", "3",
        "--classes", "0", "--hidden", "16", "--device", "cpu"};
    CliRun first = ok(args);
    Path hopeless = out.resolve("lr=1e-7,seed=1");
    assertTrue(Files.isRegularFile(out.resolve("lr=2e-3,seed=1/model.safetensors")));
    assertFalse(Files.exists(hopeless.resolve("model.safetensors")), "a pruned trial writes no model");
    String why = Files.readString(hopeless.resolve("sweep-pruned.txt")).strip();
    assertTrue(why.startsWith("pruned after epoch 1: best val_loss "), why);
    assertTrue(first.err().contains("vae4j: " + why), first.err());
    assertEquals(1, Files.readAllLines(hopeless.resolve("metrics.jsonl")).size(), "stopped at the first epoch's end");
    JsonNode rows = new ObjectMapper().readTree(out.resolve("results.json").toFile()).get("trials");
    JsonNode row = null;
    for (JsonNode r : rows) if (r.get("trial").asText().equals("lr=1e-7,seed=1")) row = r;
    assertEquals("pruned", row.get("status").asText(), rows.toString());
    assertEquals("median:2", new ObjectMapper().readTree(out.resolve("sweep.json").toFile()).get("prune").asText());

    CliRun again = ok(args);
    assertTrue(again.err().contains("lr=1e-7,seed=1: pruned already"), again.err());
    CliRun other = run(sweep(out, "--grid", "lr=3e-3,2e-3,1e-7", "--prune", "median"));
    assertEquals(2, other.code(), other.err());
    assertTrue(other.err().contains("--prune"), other.err());
  }

  @Test
  void dryRunPrintsTheTrialsAndWritesNothing() {
    Path out = dir.resolve("s");
    CliRun o = ok(sweep(out, "--random", "3", "--range", "lr=log:1e-4..3e-3", "--range", "latent=int:2..8", "--repeats", "2",
        "--seed", "4", "--dry-run", "--shard", "1/2"));
    assertEquals(7, o.out().strip().lines().count(), o.out());
    assertTrue(o.out().contains("6 trials, shard 1/2 runs 3"), o.out());
    assertTrue(o.out().contains("(other shard) latent="), o.out());
    assertFalse(Files.exists(out));
  }

  /** --balance sweeps, none (its default) included; a bad value is refused before anything runs. */
  @Test
  void balanceIsSweepable() {
    Path out = dir.resolve("s");
    CliRun o = ok(sweep(out, "--grid", "balance=none,oversample,undersample", "--dry-run"));
    assertTrue(o.out().contains("3 trials"), o.out());
    assertTrue(o.out().contains("undersample"), o.out());
    CliRun bad = run(sweep(out, "--grid", "balance=none,both", "--dry-run"));
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--balance must be none, oversample or undersample, got 'both'"), bad.err());
    assertFalse(Files.exists(out));
  }

  /** --class-weights sweeps, none (its default) against auto; a bad value is refused before anything runs. */
  @Test
  void classWeightsAreSweepable() {
    Path out = dir.resolve("s");
    CliRun o = ok(sweep(out, "--grid", "class-weights=none,auto", "--dry-run"));
    assertTrue(o.out().contains("2 trials"), o.out());
    assertTrue(o.out().contains("--class-weights auto"), o.out());
    CliRun bad = run(sweep(out, "--grid", "class-weights=none,balanced", "--dry-run"));
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--class-weights must be auto, none or finite weights > 0"), bad.err());
    assertFalse(Files.exists(out));
  }

  /** The optimizer sweeps, SGD's momentum included; a bad one is refused before anything runs. */
  @Test
  void optimizerIsSweepable() {
    Path out = dir.resolve("s");
    CliRun o = ok(sweep(out, "--grid", "optimizer=adam,sgd:0.9,rmsprop", "--grid", "l1=0,1e-4", "--dry-run"));
    assertTrue(o.out().contains("6 trials"), o.out());
    assertTrue(o.out().contains("sgd"), o.out());
    CliRun bad = run(sweep(out, "--grid", "optimizer=adam,sgd:2", "--dry-run"));
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("momentum must be in [0, 1)"), bad.err());
    assertFalse(Files.exists(out));
  }

  /** --clip-grad-norm sweeps; a bad MAX is refused before anything runs. */
  @Test
  void clipGradNormIsSweepable() {
    Path out = dir.resolve("s");
    CliRun o = ok(sweep(out, "--grid", "clip-grad-norm=1,5", "--dry-run"));
    assertTrue(o.out().contains("2 trials"), o.out());
    assertTrue(o.out().contains("--clip-grad-norm 5"), o.out());
    CliRun bad = run(sweep(out, "--grid", "clip-grad-norm=1,0", "--dry-run"));
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--clip-grad-norm must be a finite number > 0"), bad.err());
  }

  /** Dropout sweeps like any train option; a value out of range is refused before anything runs. */
  @Test
  void dropoutIsSweepable() {
    Path out = dir.resolve("s");
    CliRun o = ok(sweep(out, "--grid", "dropout=0,0.2", "--dry-run"));
    assertTrue(o.out().contains("2 trials"), o.out());
    assertTrue(o.out().contains("--dropout 0.2"), o.out());
    CliRun bad = run(sweep(out, "--grid", "dropout=0.2,1", "--dry-run"));
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--dropout must be in [0, 1)"), bad.err());
  }

  /** The GEMMs' precision sweeps; a bad one is refused before anything runs. */
  @Test
  void precisionIsSweepable() {
    Path out = dir.resolve("p");
    CliRun o = ok(sweep(out, "--grid", "precision=fp32,bf16", "--dry-run"));
    assertTrue(o.out().contains("2 trials"), o.out());
    assertTrue(o.out().contains("--precision bf16"), o.out());
    CliRun bad = run(sweep(out, "--grid", "precision=fp32,fp16", "--dry-run"));
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--precision must be fp32 or bf16"), bad.err());
  }

  /** --conditional sweeps as a flag. */
  @Test
  void conditionalIsSweepable() {
    Path out = dir.resolve("c");
    CliRun o = ok(sweep(out, "--grid", "conditional=true,false", "--dry-run"));
    assertTrue(o.out().contains("2 trials"), o.out());
    assertTrue(o.out().contains("--conditional"), o.out());
  }

  /** The hidden activation sweeps; a bad one is refused before anything runs. */
  @Test
  void activationIsSweepable() {
    Path out = dir.resolve("a");
    CliRun o = ok(sweep(out, "--grid", "activation=relu,elu,tanh,leaky-relu,leaky-relu:0.2,gelu", "--dry-run"));
    assertTrue(o.out().contains("6 trials"), o.out());
    assertTrue(o.out().contains("tanh"), o.out());
    assertTrue(o.out().contains("leaky-relu:0.2"), o.out());
    assertTrue(o.out().contains("gelu"), o.out());
    CliRun bad = run(sweep(out, "--grid", "activation=relu,swish", "--dry-run"));
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--activation must be relu, leaky-relu[:SLOPE] (SLOPE in (0, 1)), elu, gelu or tanh, got 'swish'"), bad.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void badInputIsOneUsageErrorAndWritesNothing() throws Exception {
    Path out = dir.resolve("s");
    List<List<String>> bad = List.of(List.of("--grid", "latent"), List.of("--grid", "colour=1,2"), List.of("--grid", "latent=0,2"),
        List.of("--grid", "lr=-1"), List.of("--grid", "latent=two"), List.of("--range", "lr=log:1e-4", "--random", "2"),
        List.of("--range", "lr=1..2"), List.of("--grid", "latent=2", "--shard", "2/2"), List.of("--grid", "latent=2", "--metric", "auc"),
        List.of("--grid", "latent=2", "--out", "elsewhere"), List.of("--grid", "latent=2", "--latent", "3"),
        List.of("--grid", "adamw=maybe"), List.of("--grid", "latent=2", "--shard", "auto"),
        List.of("--grid", "latent=2", "--parallel", "0"), List.of("--grid", "latent=2", "--parallel", "65"));
    for (List<String> options : bad) {
      CliRun o = run(sweep(out, options.toArray(String[]::new)));
      assertEquals(2, o.code(), options + ": " + o.err());
      assertTrue(o.err().startsWith("vae4j: error: "), options + ": " + o.err());
      assertTrue(o.err().strip().lines().count() <= 2, options + ": " + o.err());
      assertFalse(Files.exists(out), options + " wrote nothing");
    }
  }

  @Test
  void aFolderOfAnotherSweepIsRefusedNamingTheDifferenceUnlessOverwrite() throws Exception {
    Path out = dir.resolve("s");
    ok(sweep(out, "--grid", "latent=2", "--dry-run"));
    Files.createDirectories(out);
    new dev.vae4j.sweep.SweepDefinition(new dev.vae4j.sweep.SweepSpace(Map.of("latent", List.of("2", "3")), Map.of(), 0, 1, 1),
        List.of("--classes", "0", "--hidden", "16", "--epochs", "1"), null, "val_loss").write(out);
    String before = Files.readString(out.resolve("sweep.json"));
    CliRun o = run(sweep(out, "--grid", "latent=2"));
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("the grid (there: latent=2,3, here: latent=2)"), o.err());
    assertEquals(before, Files.readString(out.resolve("sweep.json")));
    CliRun shared = run("sweep", "--out", out.toString(), "--grid", "latent=2,3", "--epochs", "1", "--hidden", "16", "--classes", "0", "--device", "cpu");
    assertTrue(shared.err().contains("the shared train options (there: --classes 0 --hidden 16 --epochs 1, here: --epochs 1"), shared.err());
    ok(sweep(out, "--grid", "latent=2", "--overwrite"));
    try (Stream<Path> files = Files.list(out)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("replaced-")));
    }
  }

  @Test
  void shardsFromTheEnvironmentRunDisjointTrialsAndTheReportHasThemAll() throws Exception {
    Path out = dir.resolve("s");
    for (int i = 0; i < 3; i++) {
      StringWriter o = new StringWriter(), e = new StringWriter();
      int code = Main.run(new PrintWriter(o, true), new PrintWriter(e, true),
          Map.of("SLURM_ARRAY_TASK_ID", Integer.toString(i), "SLURM_ARRAY_TASK_COUNT", "3"),
          sweep(out, "--grid", "latent=2,3,4", "--shard", "auto"));
      assertEquals(0, code, e.toString());
      assertTrue(o.toString().contains("shard " + i + "/3 done"), o.toString());
      assertEquals(i + 1, countModels(out), "shard " + i + " trained its one trial");
      assertFalse(Files.exists(out.resolve("results.csv")), "shards write only their trial folders");
    }
    CliRun report = ok("sweep", "--out", out.toString(), "--report");
    assertTrue(report.out().contains("3 finished"), report.out());
    assertEquals(4, Files.readAllLines(out.resolve("results.csv")).size());
  }

  /**
   * Trials trained side by side, each on its share of the cores, end with the weights, metrics and
   * table of the same trials trained one after another (bit for bit: the confined backend keeps the
   * arithmetic); a rerun skips them, and --prune and --shard work beside --parallel.
   */
  @Test
  void trialsSideBySideTrainBitForBitAsOneAfterAnother() throws Exception {
    Path inTurn = dir.resolve("in-turn"), sideBySide = dir.resolve("side-by-side");
    String[] grid = {"--grid", "latent=2,3", "--grid", "lr=1e-3,3e-3"};
    ok(sweep(inTurn, grid));
    CliRun parallel = ok(sweep(sideBySide, concat(grid, "--parallel", "3")));
    assertTrue(parallel.err().contains("training up to 3 trials at once, each on 1 core"), parallel.err());
    assertTrue(parallel.err().contains("[latent=3,lr=3e-3,seed=1] vae4j: "), parallel.err());
    for (String trial : List.of("latent=2,lr=1e-3,seed=1", "latent=2,lr=3e-3,seed=1", "latent=3,lr=1e-3,seed=1", "latent=3,lr=3e-3,seed=1")) {
      assertEquals(java.util.Arrays.toString(Files.readAllBytes(inTurn.resolve(trial).resolve("model.safetensors"))),
          java.util.Arrays.toString(Files.readAllBytes(sideBySide.resolve(trial).resolve("model.safetensors"))), trial);
      assertEquals(withoutTimes(Files.readString(inTurn.resolve(trial).resolve("metrics.jsonl"))),
          withoutTimes(Files.readString(sideBySide.resolve(trial).resolve("metrics.jsonl"))), trial);
    }
    assertEquals(Files.readString(inTurn.resolve("best")), Files.readString(sideBySide.resolve("best")));
    CliRun again = ok(sweep(sideBySide, concat(grid, "--parallel", "2")));
    assertTrue(again.err().contains("latent=2,lr=1e-3,seed=1: finished already"), again.err());

    Path pruned = dir.resolve("pruned");
    ok(sweep(pruned, "--grid", "lr=3e-3,2e-3,1e-7", "--prune", "median:1", "--parallel", "2"));
    JsonNode rows = new ObjectMapper().readTree(pruned.resolve("results.json").toFile()).get("trials");
    assertEquals(3, rows.size(), rows.toString());
    Path sharded = dir.resolve("sharded");
    CliRun shard = ok(sweep(sharded, concat(grid, "--parallel", "2", "--shard", "1/2")));
    assertTrue(shard.out().contains("shard 1/2 done"), shard.out());
    assertEquals(2, countModels(sharded), "shard 1/2 trained its two trials");
    assertEquals(java.util.Arrays.toString(Files.readAllBytes(inTurn.resolve("latent=2,lr=3e-3,seed=1/model.safetensors"))),
        java.util.Arrays.toString(Files.readAllBytes(sharded.resolve("latent=2,lr=3e-3,seed=1/model.safetensors"))));
  }

  @Test
  void cudaTrialsTrainStackedOrOneAtATimeSayingSo() {
    // Without a GPU the trials fail (and are marked so); with one they train stacked, or one after another.
    CliRun o = run("sweep", "--out", dir.resolve("s").toString(), "--grid", "latent=2,3", "--parallel", "2", "--device", "cuda",
        "--classes", "0", "--hidden", "16", "--epochs", "1");
    assertTrue(o.err().contains("vae4j: training up to 2 trials at once, stacked where they can (the others one at a time)"), o.err());
    CliRun side = run("sweep", "--out", dir.resolve("side").toString(), "--grid", "latent=2,3", "--parallel", "2",
        "--parallel-mode", "side-by-side", "--device", "cuda", "--classes", "0", "--hidden", "16", "--epochs", "1");
    assertTrue(side.err().contains("vae4j: --parallel 2 --parallel-mode side-by-side: CUDA trials run one at a time (stacked trains them together)"),
        side.err());
    assertFalse(side.err().contains("trials at once"), side.err());
  }

  private static String withoutTimes(String metrics) {
    return metrics.replaceAll("\"seconds\":[^,]*,\"samples_per_s\":[^,]*,", "");
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
