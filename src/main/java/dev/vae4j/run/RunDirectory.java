package dev.vae4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.Vae;
import dev.vae4j.data.Dataset;
import dev.vae4j.io.AtomicFiles;
import dev.vae4j.io.FormatException;
import dev.vae4j.plot.ImageGrid;
import dev.vae4j.train.Checkpoints;
import dev.vae4j.train.EpochMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The folder a training run writes: {@code config.json} (everything needed to know how the model
 * was made, with its digest), {@code metrics.jsonl} (one JSON object per epoch), {@code
 * model.safetensors} (which records the digest of the {@code config.json} it belongs to), and the
 * pictures {@code samples.png}, {@code reconstructions.png} and {@code latent.png}. Every file is
 * written atomically, so a crash never leaves a torn one, and by one process at a time: a
 * RunDirectory holds the folder's {@link RunLock} from opening to {@link #close}.
 */
public final class RunDirectory implements AutoCloseable {
  /** File names inside the run folder. */
  public static final String CONFIG = "config.json";
  public static final String METRICS = "metrics.jsonl";
  public static final String MODEL = "model.safetensors";
  public static final String SAMPLES = "samples.png";
  public static final String RECONSTRUCTIONS = "reconstructions.png";
  public static final String LATENT = "latent.png";
  /** {@code train --val-iwae}'s validation IWAE bound (not every run has one). */
  public static final String VAL_IWAE = "val_iwae.json";
  /** The default folder of TensorBoard event files. */
  public static final String TENSORBOARD = "tensorboard";
  /** Metadata key of a model file: the digest of the {@code config.json} it was trained under. */
  public static final String CONFIG_DIGEST = "vae4j.run_config_sha256";

  private static final ObjectMapper JSON_LINE = new ObjectMapper();
  /** What a run writes, config.json first: moved aside first, a half-moved folder is no run. */
  private static final List<String> OWN_FILES = List.of(CONFIG, MODEL, METRICS, SAMPLES, RECONSTRUCTIONS, LATENT,
      TENSORBOARD, Checkpoints.BEST);

  private final Path dir;
  private final RunLock lock;
  private final List<String> metricLines = new ArrayList<>();
  private final Path replaced;
  private String configDigest;

  private RunDirectory(Path dir, RunLock lock, Path replaced) {
    this.dir = dir;
    this.lock = lock;
    this.replaced = replaced;
  }

  /**
   * Opens {@code dir} for a new run, creating it and taking its lock. A folder that already holds
   * a finished run (a model file) or an unfinished one (its configuration or checkpoints) is
   * refused unless {@code overwrite}, so no earlier result is lost by accident. Overwriting moves
   * the old run's files into {@code replaced-DATE/} in the folder before the new run writes
   * anything, so the folder never mixes the two runs, whether the new one succeeds or fails.
   */
  public static RunDirectory create(Path dir, boolean overwrite) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException(dir + " exists and is not a folder");
    RunLock lock = RunLock.acquire(dir);
    try {
      boolean finished = Files.exists(dir.resolve(MODEL));
      boolean unfinished = Files.exists(dir.resolve(CONFIG)) || !Checkpoints.stepFiles(dir).isEmpty()
          || Files.exists(dir.resolve(Checkpoints.BEST));
      if (finished && !overwrite) {
        throw new IllegalArgumentException(dir + " already holds a finished run (" + MODEL + "); choose another --out or pass --overwrite");
      }
      if (unfinished && !overwrite) {
        throw new IllegalArgumentException(dir + " holds an unfinished run; continue it with --resume " + dir + " or pass --overwrite");
      }
      return new RunDirectory(dir, lock, finished || unfinished ? moveAside(dir) : null);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** Moves the run in {@code dir} into a new {@code replaced-DATE/} subfolder; returns it. */
  private static Path moveAside(Path dir) throws IOException {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path target = dir.resolve("replaced-" + stamp);
    for (int n = 2; Files.exists(target); n++) target = dir.resolve("replaced-" + stamp + "-" + n);
    Files.createDirectory(target);
    List<String> names = new ArrayList<>(OWN_FILES);
    for (Path step : Checkpoints.stepFiles(dir)) names.add(step.getFileName().toString());
    for (String name : names) {
      Path file = dir.resolve(name);
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) Files.move(file, target.resolve(name));
    }
    return target;
  }

  /**
   * Opens the run folder {@code dir} to continue its run, taking its lock; {@link
   * #latestCheckpoint} then says where it continues.
   */
  public static RunDirectory resume(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve(CONFIG))) {
      throw new IllegalArgumentException(dir + " is not a run folder (no " + CONFIG + ")");
    }
    return new RunDirectory(dir, RunLock.acquire(dir), null);
  }

  /**
   * The newest checkpoint that verifies (see {@link Checkpoints#latest}), or null when there is
   * none, after checking that {@code config.json} is the configuration the run was started with:
   * the same as the checkpoint's copy (the differing keys are named) and, when it records a
   * digest, unedited. {@code metrics.jsonl} is rewritten with the history of the state training
   * resumes from (later lines belong to work now redone).
   */
  public Checkpoints.Loaded latestCheckpoint(Consumer<String> warnings) throws IOException {
    Checkpoints.Loaded from = Checkpoints.latest(dir, warnings);
    Path config = dir.resolve(CONFIG);
    JsonNode recorded = RunConfig.tree(config);
    if (from != null) {
      List<String> differences = ConfigDigest.differences(normalized(recorded, config), checkpointConfig(from));
      if (!differences.isEmpty()) {
        throw new FormatException(config + " differs from the run configuration " + from.file().getFileName()
            + " records, in " + String.join(", ", differences) + "; undo the edit, or start a new run with --out");
      }
    }
    if (Boolean.TRUE.equals(ConfigDigest.edited(recorded))) {
      throw new FormatException(config + " was edited after the run began (its " + ConfigDigest.KEY
          + " does not match its content); undo the edit, or start a new run with --out");
    }
    configDigest = ConfigDigest.of(recorded);
    for (EpochMetrics m : from == null ? List.<EpochMetrics>of() : from.state().history()) metricLines.add(line(m));
    writeMetrics();
    return from;
  }

  /**
   * The checkpoint's copy of the run configuration, as {@link #normalized}: a checkpoint written
   * by a later version that records more keys (with the values older folders mean by their
   * absence) compares equal to the older {@code config.json} it continues.
   */
  private static JsonNode checkpointConfig(Checkpoints.Loaded from) throws IOException {
    JsonNode copy;
    try {
      copy = JSON_LINE.readTree(from.runConfig());
    } catch (IOException e) {
      throw new FormatException(from.file() + ": its run configuration is not valid JSON", e);
    }
    return normalized(copy, from.file());
  }

  /** {@code tree} read as a run configuration and written again: every key there, defaults filled in. */
  private static JsonNode normalized(JsonNode tree, Path file) throws IOException {
    return JSON_LINE.readTree(RunConfig.parse(tree, file).toJson());
  }

  /** The run folder. */
  public Path path() {
    return dir;
  }

  /** Where {@link #create} moved the run this one replaces, or null when it replaced none. */
  public Path replaced() {
    return replaced;
  }

  /** Writes {@code config.json} (atomically). */
  public void writeConfig(RunConfig config) throws IOException {
    configDigest = config.write(dir.resolve(CONFIG));
  }

  /** Appends one epoch to {@code metrics.jsonl} (rewritten whole, atomically). */
  public void appendMetrics(EpochMetrics m) throws IOException {
    metricLines.add(line(m));
    writeMetrics();
  }

  private void writeMetrics() throws IOException {
    AtomicFiles.write(dir.resolve(METRICS), (String.join("\n", metricLines) + (metricLines.isEmpty() ? "" : "\n"))
        .getBytes(StandardCharsets.UTF_8));
  }

  private static String line(EpochMetrics m) throws IOException {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("epoch", m.epoch());
    line.put("train_loss", m.trainLoss());
    line.put("train_recon", m.trainRecon());
    line.put("train_kl", m.trainKl());
    line.put("val_loss", finiteOrNull(m.valLoss()));
    line.put("val_recon", finiteOrNull(m.valRecon()));
    line.put("val_kl", finiteOrNull(m.valKl()));
    line.put("kl_weight", m.klWeight());
    line.put("seconds", m.seconds());
    line.put("samples_per_s", m.samplesPerSecond());
    line.put("best", m.best());
    if (m.learningRate() != null) line.put("lr", m.learningRate());
    if (m.gradNorm() != null) line.put("grad_norm", finiteOrNull(m.gradNorm()));
    if (m.trainIwae() != null) line.put("train_iwae", finiteOrNull(m.trainIwae()));
    return JSON_LINE.writeValueAsString(line);
  }

  /** Writes the model file, bound to this run's {@code config.json} by its digest. */
  public void writeModel(Vae model) throws IOException {
    model.save(dir.resolve(MODEL), configDigest == null ? Map.of() : Map.of(CONFIG_DIGEST, configDigest));
  }

  /**
   * Writes {@code samples.png} (64 decoded prior samples) and {@code reconstructions.png} (up to
   * 16 images spread over {@code images} above their reconstructions, rows labelled) and {@code latent.png} (the
   * latent means of {@code images} by label, see {@link Pictures#latentScatter}), the chart last:
   * where it cannot be drawn ({@link dev.vae4j.plot.ChartUnavailableException}) the two image
   * grids are already written.
   */
  public void writePictures(Vae model, Dataset images, long seed) throws IOException {
    Pictures pictures = Pictures.of(images, model, 2);
    ImageGrid.writePng(dir.resolve(SAMPLES), pictures.samples(64, 8, seed, false));
    int[] chosen = Pictures.spread(images.count(), 16);
    ImageGrid.writePng(dir.resolve(RECONSTRUCTIONS), pictures.reconstructions(images, chosen, 8, seed));
    ImageGrid.writePng(dir.resolve(LATENT), pictures.latentScatter(images,
        "Latent means of " + Pictures.titleName(images.name()) + " (" + model.config().describe() + ")"));
  }

  private static Object finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** Releases the folder's lock. */
  @Override
  public void close() throws IOException {
    lock.close();
  }
}
