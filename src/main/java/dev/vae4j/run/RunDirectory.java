package dev.vae4j.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.Vae;
import dev.vae4j.data.Dataset;
import dev.vae4j.io.AtomicFiles;
import dev.vae4j.plot.ImageGrid;
import dev.vae4j.train.Checkpoints;
import dev.vae4j.train.EpochMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The folder a training run writes: {@code config.json} (everything needed to know how the model
 * was made), {@code metrics.jsonl} (one JSON object per epoch), {@code model.safetensors}, and the
 * pictures {@code samples.png}, {@code reconstructions.png} and {@code latent.png}. Every file is written atomically,
 * so a crash never leaves a torn one.
 */
public final class RunDirectory {
  /** File names inside the run folder. */
  public static final String CONFIG = "config.json";
  public static final String METRICS = "metrics.jsonl";
  public static final String MODEL = "model.safetensors";
  public static final String SAMPLES = "samples.png";
  public static final String RECONSTRUCTIONS = "reconstructions.png";
  public static final String LATENT = "latent.png";

  private static final ObjectMapper JSON_LINE = new ObjectMapper();

  private final Path dir;
  private final List<String> metricLines = new ArrayList<>();

  private RunDirectory(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens {@code dir} for a new run, creating it. A folder that already holds a finished run (a
   * model file) or an unfinished one (its configuration or checkpoints) is refused unless {@code
   * overwrite}, so no earlier result is lost by accident; overwriting removes the old checkpoints.
   */
  public static RunDirectory create(Path dir, boolean overwrite) throws IOException {
    if (Files.exists(dir.resolve(MODEL)) && !overwrite) {
      throw new IllegalArgumentException(dir + " already holds a finished run (" + MODEL + "); choose another --out or pass --overwrite");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException(dir + " exists and is not a folder");
    List<Path> checkpoints = Checkpoints.stepFiles(dir);
    if ((Files.exists(dir.resolve(CONFIG)) || !checkpoints.isEmpty()) && !overwrite) {
      throw new IllegalArgumentException(dir + " holds an unfinished run; continue it with --resume " + dir + " or pass --overwrite");
    }
    for (Path old : checkpoints) Files.delete(old);
    Files.deleteIfExists(dir.resolve(Checkpoints.BEST));
    Files.createDirectories(dir);
    return new RunDirectory(dir);
  }

  /**
   * Opens the run folder {@code dir} to continue its run: {@code metrics.jsonl} is rewritten with
   * the {@code history} of the state training resumes from (later lines belong to work now redone).
   */
  public static RunDirectory resume(Path dir, List<EpochMetrics> history) throws IOException {
    if (!Files.isRegularFile(dir.resolve(CONFIG))) {
      throw new IllegalArgumentException(dir + " is not a run folder (no " + CONFIG + ")");
    }
    RunDirectory run = new RunDirectory(dir);
    for (EpochMetrics m : history) run.metricLines.add(line(m));
    run.writeMetrics();
    return run;
  }

  /** The run folder. */
  public Path path() {
    return dir;
  }

  /** Writes {@code config.json} (atomically). */
  public void writeConfig(RunConfig config) throws IOException {
    config.write(dir.resolve(CONFIG));
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
    return JSON_LINE.writeValueAsString(line);
  }

  /** Writes the model file. */
  public void writeModel(Vae model) throws IOException {
    model.save(dir.resolve(MODEL), Map.of());
  }

  /**
   * Writes {@code samples.png} (64 decoded prior samples) and {@code reconstructions.png} (up to
   * 16 images spread over {@code images} above their reconstructions) and {@code latent.png} (the
   * latent means of {@code images} by label, see {@link Pictures#latentScatter}), the chart last:
   * where it cannot be drawn ({@link dev.vae4j.plot.ChartUnavailableException}) the two image
   * grids are already written.
   */
  public void writePictures(Vae model, Dataset images, long seed) throws IOException {
    int h = images.height(), w = images.width();
    ImageGrid.write(dir.resolve(SAMPLES), model.sample(64, seed), 64, h, w, 8, 2, 2);
    int n = Math.min(16, images.count()), d = images.features();
    float[] originals = new float[n * d];
    for (int i = 0; i < n; i++) { // spread over the set, which may be ordered by class
      images.copyPixels((int) ((long) i * images.count() / n), 1, originals, i * d);
    }
    float[] recon = model.reconstruct(originals, n, seed);
    ImageGrid.writePng(dir.resolve(RECONSTRUCTIONS), ImageGrid.pairs(originals, recon, n, h, w, 8, 2, 2));
    ImageGrid.writePng(dir.resolve(LATENT), new Pictures(model, h, w, 1).latentScatter(images,
        "Latent means of " + Pictures.titleName(images.name()) + " (" + model.config().describe() + ")"));
  }

  private static Object finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
