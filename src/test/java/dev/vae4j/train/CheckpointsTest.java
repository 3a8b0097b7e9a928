package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.io.FormatException;
import dev.vae4j.io.SafeTensors;
import dev.vae4j.model.ModelMetadata;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint files: exact round trips, retention, and every kind of damage refused by name. */
class CheckpointsTest {
  private static final VaeConfig CONFIG = VaeConfig.mlp(12, new int[] {5}, 2, Likelihood.BERNOULLI);
  @TempDir Path dir;

  private static TrainingState state(long seed, int epoch, int batch, long step, boolean withBest) {
    Random random = new Random(seed);
    int n = (int) new ParameterLayout(CONFIG).size();
    float[][] arrays = new float[4][n];
    for (float[] a : arrays) for (int i = 0; i < n; i++) a[i] = (float) random.nextGaussian();
    List<EpochMetrics> history = new java.util.ArrayList<>();
    for (int e = 1; e <= epoch; e++) {
      history.add(new EpochMetrics(e, random.nextDouble(), random.nextDouble(), random.nextDouble(), Double.NaN,
          Double.NaN, Double.NaN, 1.5, 1000, 0.5f, e == 1));
    }
    return TrainingState.builder().epoch(epoch).batch(batch).adamSteps(step)
        .parameters(arrays[0]).firstMoment(arrays[1]).secondMoment(arrays[2])
        .epochLossSums(new float[] {random.nextFloat(), random.nextFloat()})
        .bestLoss(epoch == 0 ? Double.POSITIVE_INFINITY : random.nextDouble())
        .bestEpoch(epoch == 0 ? 0 : 1).sinceBest(Math.max(0, epoch - 1)).bestParameters(withBest ? arrays[3] : null)
        .history(history).finished(false).build();
  }

  private static void assertSameState(TrainingState a, TrainingState b, String why) {
    assertEquals(a.epoch(), b.epoch(), why);
    assertEquals(a.batch(), b.batch(), why);
    assertEquals(a.adamSteps(), b.adamSteps(), why);
    assertArrayEquals(a.parameters(), b.parameters(), why);
    assertArrayEquals(a.firstMoment(), b.firstMoment(), why);
    assertArrayEquals(a.secondMoment(), b.secondMoment(), why);
    assertArrayEquals(a.epochLossSums(), b.epochLossSums(), why);
    assertArrayEquals(a.bestParameters(), b.bestParameters(), why);
    assertEquals(a.bestLoss(), b.bestLoss(), why);
    assertEquals(a.bestEpoch(), b.bestEpoch(), why);
    assertEquals(a.sinceBest(), b.sinceBest(), why);
    assertEquals(a.history(), b.history(), why);
    assertEquals(a.finished(), b.finished(), why);
  }

  @Test
  void statesRoundTripExactly() throws IOException {
    long seed = new Random().nextLong();
    for (TrainingState s : List.of(state(seed, 0, 3, 3, false), state(seed, 2, 0, 40, true))) {
      Path file = dir.resolve("c.safetensors");
      Checkpoints.write(file, CONFIG, s, "{\"x\":1}");
      Checkpoints.Loaded loaded = Checkpoints.read(file);
      assertEquals(CONFIG, loaded.config());
      assertEquals("{\"x\":1}", loaded.runConfig());
      assertSameState(s, loaded.state(), "seed " + seed);
      try (CpuBackend backend = new CpuBackend()) { // a checkpoint loads as a model too
        assertArrayEquals(s.parameters(), Vae.load(file, backend).parameters());
      }
    }
  }

  @Test
  void keepsTheNewestAndTheBest() throws IOException {
    Checkpoints sink = new Checkpoints(dir, CONFIG, "{}", 2, 5);
    for (int step = 1; step <= 6; step++) sink.save(state(step, step == 3 ? 1 : 0, step == 3 ? 0 : step, step, false));
    assertEquals(List.of("checkpoint-step-000000005.safetensors", "checkpoint-step-000000006.safetensors"),
        Checkpoints.stepFiles(dir).stream().map(p -> p.getFileName().toString()).toList());
    assertEquals(3, Checkpoints.read(dir.resolve(Checkpoints.BEST)).state().adamSteps());
    assertEquals(6, Checkpoints.latest(dir, w -> {}).state().adamSteps());
  }

  @Test
  void latestFallsBackPastADamagedFileAndIsNullWithoutAny() throws IOException {
    assertNull(Checkpoints.latest(dir, w -> {}));
    Checkpoints sink = new Checkpoints(dir, CONFIG, "{}", 3, 0);
    sink.save(state(1, 0, 1, 1, false));
    sink.save(state(2, 0, 2, 2, false));
    Path newest = Checkpoints.stepFiles(dir).get(1);
    Files.write(newest, Arrays.copyOf(Files.readAllBytes(newest), 100));
    assertEquals(1, Checkpoints.latest(dir, w -> {}).state().adamSteps());
  }

  @Test
  void everyFallbackIsWarnedAndTheBestIsTriedWhenEveryStepCheckpointIsDamaged() throws IOException {
    Checkpoints sink = new Checkpoints(dir, CONFIG, "{}", 3, 0);
    sink.save(state(1, 1, 0, 1, false));
    sink.save(state(2, 2, 0, 2, false)); // an epoch end with the best loss: also checkpoint-best
    for (Path p : Checkpoints.stepFiles(dir)) { // new files: checkpoint-best, a hard link to one, stays whole
      byte[] cut = Arrays.copyOf(Files.readAllBytes(p), 100);
      Files.delete(p);
      Files.write(p, cut);
    }
    List<String> warnings = new java.util.ArrayList<>();
    Checkpoints.Loaded loaded = Checkpoints.latest(dir, warnings::add);
    assertEquals(dir.resolve(Checkpoints.BEST), loaded.file());
    assertEquals(2, warnings.size(), warnings.toString());
    for (String w : warnings) assertTrue(w.matches("skipped .*checkpoint-step-\\d+\\.safetensors: .*; trying an older checkpoint"), w);

    Files.write(dir.resolve(Checkpoints.BEST), new byte[10]);
    FormatException none = assertThrows(FormatException.class, () -> Checkpoints.latest(dir, w -> {}));
    assertTrue(none.getMessage().startsWith(dir + ": no checkpoint verifies (3 tried; the newest: "), none.getMessage());
  }

  private String reject(Path file) {
    FormatException e = assertThrows(FormatException.class, () -> Checkpoints.read(file));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    return e.getMessage();
  }

  @Test
  void damagedOrForeignCheckpointsAreRefused() throws IOException {
    Path file = dir.resolve("c.safetensors");
    TrainingState s = state(7, 1, 0, 9, false);
    Checkpoints.write(file, CONFIG, s, "{}");
    byte[] bytes = Files.readAllBytes(file);

    Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
    reject(file);
    bytes[bytes.length - 1] ^= 1;
    Files.write(file, bytes);
    assertTrue(reject(file).contains("checksum mismatch"));

    // A model file is not a checkpoint; a checkpoint without its checksum is refused.
    try (CpuBackend backend = new CpuBackend()) {
      Vae.withParameters(CONFIG, backend, s.parameters()).save(file, Map.of());
    }
    assertTrue(reject(file).contains("not a vae4j checkpoint"));

    // Tensors of the wrong dtype, shape, or missing; a model configuration that does not fit them.
    ParameterLayout layout = new ParameterLayout(CONFIG);
    float[] flat = new float[(int) layout.size()];
    Map<String, String> meta = new java.util.LinkedHashMap<>(ModelMetadata.describe(CONFIG));
    meta.put("vae4j.checkpoint", "1");
    SafeTensors.write(file, meta, List.of(new SafeTensors.Tensor("optimizer.first_moment", new long[] {flat.length}, flat)));
    assertTrue(reject(file).contains("needs 3 x " + flat.length + " values"), "refused before allocating");
    List<SafeTensors.Tensor> noWeights = List.of(new SafeTensors.Tensor("optimizer.first_moment", new long[] {flat.length}, flat),
        new SafeTensors.Tensor("optimizer.second_moment", new long[] {flat.length}, flat),
        new SafeTensors.Tensor("trainer.best_parameters", new long[] {flat.length}, flat));
    SafeTensors.write(file, meta, noWeights);
    assertTrue(reject(file).contains("missing tensor 'enc."), "missing weights are named");
    SafeTensors.write(file, meta, List.of(new SafeTensors.Tensor("optimizer.first_moment", new long[] {3 * flat.length}, new float[3 * flat.length])));
    assertTrue(reject(file).contains("missing tensor"));
    Checkpoints.write(file, CONFIG, s, "{}");
    Map<String, String> other = new java.util.LinkedHashMap<>(SafeTensors.read(file).metadata());
    other.put("vae4j.hidden", "4"); // a smaller architecture: the count check passes, the shapes do not
    other.remove(SafeTensors.CHECKSUM_KEY);
    List<SafeTensors.Tensor> tensors = new java.util.ArrayList<>();
    SafeTensors.read(file).tensors().forEach((name, e) -> tensors.add(new SafeTensors.Tensor(name, e.shape(), e.floats())));
    SafeTensors.write(file, other, tensors);
    assertTrue(reject(file).contains("has shape"), "another architecture's configuration");
    other.put("vae4j.hidden", "5");
    other.put("vae4j.training_state", "{\"epoch\":-1}");
    SafeTensors.write(file, other, tensors);
    assertTrue(reject(file).contains("bad training state"));
  }
}
