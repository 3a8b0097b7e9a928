package dev.vae4j.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.io.FormatException;
import dev.vae4j.io.RegularFiles;
import dev.vae4j.io.SafeTensors;
import dev.vae4j.model.ModelMetadata;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.ParameterView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run folder's checkpoints: safetensors files holding the model's tensors (under the model
 * file's PyTorch names, so a checkpoint also loads as a model), Adam's moments, the epoch's loss
 * sums and the best weights, with the rest of the {@link TrainingState}, the model configuration
 * and the run's configuration as metadata strings, and the SHA-256 of it all, verified on load.
 * {@code checkpoint-step-NNNNNNNNN.safetensors} are named by optimizer step and the newest
 * {@code keep} are kept; {@code checkpoint-best.safetensors} is the epoch end with the best
 * monitored loss, a hard link to that epoch's step checkpoint. Every file is written atomically, so a crash leaves old or new, never torn.
 */
public final class Checkpoints implements CheckpointSink {
  /** The checkpoint of the best epoch. */
  public static final String BEST = "checkpoint-best.safetensors";

  private static final Pattern STEP_FILE = Pattern.compile("checkpoint-step-(\\d{9,})\\.safetensors");
  private static final String KIND = "vae4j.checkpoint";
  private static final String KIND_VERSION = "1";
  private static final String STATE = "vae4j.training_state";
  private static final String RUN_CONFIG = "vae4j.run_config";
  private static final String FIRST_MOMENT = "optimizer.first_moment";
  private static final String SECOND_MOMENT = "optimizer.second_moment";
  private static final String LOSS_SUMS = "trainer.epoch_loss_sums";
  private static final String BEST_PARAMETERS = "trainer.best_parameters";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final VaeConfig config;
  private final String runConfig;
  private final int keep;
  private final int stepInterval;

  /**
   * A checkpoint read back: which file (null when read from bytes), the model shape, the state, the
   * run configuration (JSON) and how the file was sealed ({@link SafeTensors.Seal#DATA_ONLY}: by a
   * vae4j version whose checksum did not cover the tensor table).
   */
  public record Loaded(Path file, VaeConfig config, TrainingState state, String runConfig, SafeTensors.Seal seal) {}

  /**
   * Checkpoints of a model of shape {@code config} in {@code dir}, keeping the newest {@code keep}
   * (at least 1) and writing one every {@code stepInterval} steps inside epochs too (0: epoch ends
   * only); {@code runConfig} (JSON) is stored in each so a run can be rebuilt from one.
   */
  public Checkpoints(Path dir, VaeConfig config, String runConfig, int keep, int stepInterval) {
    if (keep < 1) throw new IllegalArgumentException("checkpoints to keep must be >= 1, got " + keep);
    if (stepInterval < 0) throw new IllegalArgumentException("checkpoint step interval must be >= 0, got " + stepInterval);
    this.dir = dir;
    this.config = config;
    this.runConfig = runConfig;
    this.keep = keep;
    this.stepInterval = stepInterval;
  }

  @Override
  public int stepInterval() {
    return stepInterval;
  }

  @Override
  public void save(TrainingState state) throws IOException {
    Path step = dir.resolve(String.format("checkpoint-step-%09d.safetensors", state.adamSteps()));
    write(step, config, state, runConfig);
    if (state.batch() == 0 && state.bestEpoch() == state.epoch() && state.epoch() > 0) linkBest(step);
    List<Path> steps = stepFiles(dir);
    for (int i = 0; i < steps.size() - keep; i++) Files.deleteIfExists(steps.get(i));
  }

  /**
   * Makes {@code checkpoint-best.safetensors} the same file as the step checkpoint {@code step}
   * (a hard link: the pair costs the disk one checkpoint until the step file is pruned), replacing
   * the old best in one rename; a copy where the file system has no hard links.
   */
  private void linkBest(Path step) throws IOException {
    Path temp = dir.resolve("." + BEST + ".link.tmp");
    Files.deleteIfExists(temp);
    try {
      Files.createLink(temp, step);
    } catch (UnsupportedOperationException | IOException e) {
      Files.copy(step, temp);
    }
    try {
      Files.move(temp, dir.resolve(BEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /** Writes one checkpoint file atomically. */
  public static void write(Path file, VaeConfig config, TrainingState state, String runConfig) throws IOException {
    ParameterLayout layout = new ParameterLayout(config);
    if (state.parameters().length != layout.size()) {
      throw new IllegalArgumentException("the state holds " + state.parameters().length + " parameters, "
          + config.describe() + " has " + layout.size());
    }
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (ParameterView v : layout.views()) {
      tensors.add(new SafeTensors.Tensor(v.name(), shape(v), Arrays.copyOfRange(state.parameters(),
          (int) v.offset(), (int) (v.offset() + v.size()))));
    }
    tensors.add(new SafeTensors.Tensor(FIRST_MOMENT, new long[] {layout.size()}, state.firstMoment()));
    tensors.add(new SafeTensors.Tensor(SECOND_MOMENT, new long[] {layout.size()}, state.secondMoment()));
    tensors.add(new SafeTensors.Tensor(LOSS_SUMS, new long[] {state.epochLossSums().length}, state.epochLossSums()));
    if (state.bestParameters() != null) {
      tensors.add(new SafeTensors.Tensor(BEST_PARAMETERS, new long[] {layout.size()}, state.bestParameters()));
    }
    Map<String, String> metadata = new LinkedHashMap<>(ModelMetadata.describe(config));
    metadata.put(KIND, KIND_VERSION);
    metadata.put(STATE, JSON.writeValueAsString(new Scalars(state.epoch(), state.batch(), state.adamSteps(),
        Double.toString(state.bestLoss()), state.bestEpoch(), state.sinceBest(), state.finished(), state.history())));
    metadata.put(RUN_CONFIG, runConfig);
    SafeTensors.write(file, metadata, tensors);
  }

  /**
   * Reads and verifies a checkpoint: its checksum, that it is one, and that every tensor has the
   * dtype and shape its own model configuration needs.
   */
  public static Loaded read(Path file) throws IOException {
    return parse(SafeTensors.read(file), file, file.toString());
  }

  /** Reads and verifies the bytes of a checkpoint file; {@code name} names it in errors. */
  public static Loaded read(byte[] bytes, String name) throws FormatException {
    return parse(SafeTensors.read(bytes, name), null, name);
  }

  private static Loaded parse(SafeTensors.Contents contents, Path file, String name) throws FormatException {
    Map<String, String> meta = contents.metadata();
    if (!KIND_VERSION.equals(meta.get(KIND))) {
      throw new FormatException(name + ": not a vae4j checkpoint (metadata " + KIND + " is " + meta.get(KIND) + ")");
    }
    if (!contents.verified()) throw new FormatException(name + ": checkpoint has no checksum (" + SafeTensors.CHECKSUM_KEY + ")");
    VaeConfig config = ModelMetadata.config(meta, name);
    ParameterLayout layout = new ParameterLayout(config);
    long stored = contents.tensors().values().stream().mapToLong(t -> t.values().length).sum();
    if (3 * layout.size() > stored) { // parameters and both moments; refuse before allocating
      throw new FormatException(name + ": the configuration " + config.describe() + " needs 3 x " + layout.size()
          + " values (parameters, Adam moments) but the file holds " + stored);
    }
    float[] params = new float[Math.toIntExact(layout.size())];
    for (ParameterView v : layout.views()) {
      float[] values = tensor(contents, v.name(), shape(v), name);
      System.arraycopy(values, 0, params, (int) v.offset(), values.length);
    }
    long[] flat = {layout.size()};
    float[] m = tensor(contents, FIRST_MOMENT, flat, name), v = tensor(contents, SECOND_MOMENT, flat, name);
    // Three sums in a run trained on the importance-weighted bound, else two.
    boolean threeSums = contents.tensors().containsKey(LOSS_SUMS)
        && Arrays.equals(contents.require(LOSS_SUMS, name).shape(), new long[] {3});
    float[] sums = tensor(contents, LOSS_SUMS, new long[] {threeSums ? 3 : 2}, name);
    float[] best = contents.tensors().containsKey(BEST_PARAMETERS) ? tensor(contents, BEST_PARAMETERS, flat, name) : null;
    String runConfig = meta.get(RUN_CONFIG);
    if (runConfig == null) throw new FormatException(name + ": metadata lacks " + RUN_CONFIG);
    try {
      Scalars s = JSON.readValue(require(meta, STATE, name), new TypeReference<Scalars>() {});
      TrainingState state = TrainingState.builder().epoch(s.epoch()).batch(s.batch()).adamSteps(s.adamSteps())
          .parameters(params).firstMoment(m).secondMoment(v).epochLossSums(sums)
          .bestLoss(Double.parseDouble(s.bestLoss())).bestEpoch(s.bestEpoch()).sinceBest(s.sinceBest())
          .bestParameters(best).history(s.history()).finished(s.finished()).build();
      if (!state.isFinite()) throw new FormatException(name + ": holds NaN or infinite values");
      return new Loaded(file, config, state, runConfig, contents.seal());
    } catch (JsonProcessingException | IllegalArgumentException | NullPointerException | ArithmeticException e) {
      throw new FormatException(name + ": bad training state in metadata (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
  }

  /**
   * The newest checkpoint in {@code dir} that reads and verifies, or null when there is none. The
   * step checkpoints are tried newest first, then {@value #BEST}; each one passed over is reported
   * to {@code warnings} with the reason (a damaged file; a FIFO, device or folder of a checkpoint's
   * name, skipped without being opened), as is a file sealed by an older version's checksum. When
   * there are checkpoints but none verifies, the exception names the newest one's problem.
   */
  public static Loaded latest(Path dir, Consumer<String> warnings) throws IOException {
    List<Path> candidates = new ArrayList<>(matching(dir));
    Collections.reverse(candidates);
    Path best = dir.resolve(BEST);
    if (Files.exists(best, LinkOption.NOFOLLOW_LINKS)) candidates.add(best);
    FormatException newestProblem = null;
    for (Path file : candidates) {
      String problem = RegularFiles.problem(file);
      if (problem != null) {
        warnings.accept("skipped " + file + ": " + problem + ", not a checkpoint file");
        continue;
      }
      try {
        SafeTensors.Contents contents = SafeTensors.read(file);
        Loaded loaded = parse(contents, file, file.toString());
        String note = contents.note(file.toString());
        if (note != null) warnings.accept(note);
        return loaded;
      } catch (FormatException e) {
        warnings.accept("skipped " + e.getMessage() + "; trying an older checkpoint");
        if (newestProblem == null) newestProblem = e;
      }
    }
    if (newestProblem != null) {
      throw new FormatException(dir + ": no checkpoint verifies (" + candidates.size() + " tried; the newest: "
          + newestProblem.getMessage() + ")", newestProblem);
    }
    return null;
  }

  /** The step checkpoints in {@code dir} that are regular files, oldest first. */
  public static List<Path> stepFiles(Path dir) throws IOException {
    return matching(dir).stream().filter(Files::isRegularFile).toList();
  }

  /** Everything in {@code dir} named like a step checkpoint, oldest first. */
  private static List<Path> matching(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> STEP_FILE.matcher(p.getFileName().toString()).matches())
          .sorted(Comparator.comparingLong(Checkpoints::stepOf)).toList();
    }
  }

  private static long stepOf(Path p) {
    Matcher m = STEP_FILE.matcher(p.getFileName().toString());
    if (!m.matches()) throw new IllegalArgumentException(p + " is not a step checkpoint");
    try {
      return Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static float[] tensor(SafeTensors.Contents contents, String tensor, long[] shape, String name) throws FormatException {
    SafeTensors.Entry e = contents.require(tensor, name);
    if (!e.dtype().equals("F32")) throw new FormatException(name + ": tensor '" + tensor + "' is " + e.dtype() + ", expected F32");
    if (!Arrays.equals(e.shape(), shape)) {
      throw new FormatException(name + ": tensor '" + tensor + "' has shape " + Arrays.toString(e.shape())
          + ", the checkpoint's model configuration needs " + Arrays.toString(shape));
    }
    return e.floats();
  }

  private static long[] shape(ParameterView v) {
    long[] s = new long[v.shape().length];
    for (int i = 0; i < s.length; i++) s[i] = v.shape()[i];
    return s;
  }

  private static String require(Map<String, String> meta, String key, String name) throws FormatException {
    String value = meta.get(key);
    if (value == null) throw new FormatException(name + ": metadata lacks " + key);
    return value;
  }

  /** The scalar part of a state, as JSON (the best loss as a string: it is infinite before the first epoch). */
  private record Scalars(int epoch, int batch, long adamSteps, String bestLoss, int bestEpoch, int sinceBest,
      boolean finished, List<EpochMetrics> history) {}
}
