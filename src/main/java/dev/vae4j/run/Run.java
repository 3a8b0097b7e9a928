package dev.vae4j.run;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.data.CsvReader;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.io.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A finished training run, read back from the folder {@code train} wrote (see {@link
 * RunDirectory}, and {@link RunConfig} for its {@code config.json}): what it was trained on and its model, ready to load onto any backend.
 *
 * <pre>{@code
 * Run run = Run.open(Path.of("runs/fashion"));
 * try (Backend backend = Backends.select("auto").backend()) {
 *   Vae model = run.loadModel(backend);
 *   Dataset test = run.loadData().test();
 * }
 * }</pre>
 *
 * @param path the run folder
 * @param imageHeight height of the images the model was trained on
 * @param imageWidth width of those images
 * @param dataSource the training data as the user named it: {@code digits} or a folder
 * @param seed the training seed (a sensible default seed for pictures of this run)
 * @param csvFormat how a CSV training file was read (labels first, 0..255 pixels); plain otherwise
 */
public record Run(Path path, int imageHeight, int imageWidth, String dataSource, long seed, CsvReader.Format csvFormat) {

  /** Reads {@code dir/config.json}; the model file must be there too. */
  public static Run open(Path dir) throws IOException {
    Path config = dir.resolve(RunDirectory.CONFIG);
    if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such run folder");
    if (!Files.isRegularFile(config)) throw new FormatException(dir + ": not a run folder (no " + RunDirectory.CONFIG + ")");
    if (!Files.isRegularFile(dir.resolve(RunDirectory.MODEL))) {
      throw new FormatException(dir + ": the run has no " + RunDirectory.MODEL + " (training unfinished?)");
    }
    RunConfig recorded = RunConfig.read(config);
    return new Run(dir, recorded.imageHeight(), recorded.imageWidth(), recorded.data(), recorded.seed(), recorded.csv());
  }

  /** The model file. */
  public Path modelFile() {
    return path.resolve(RunDirectory.MODEL);
  }

  /** Loads the model onto {@code backend}, checking it matches the recorded image size. */
  public Vae loadModel(Backend backend) throws IOException {
    Vae model = Vae.load(modelFile(), backend);
    if (model.config().inputSize() != imageHeight * imageWidth) {
      throw new FormatException(modelFile() + ": the model takes " + model.config().inputSize() + " pixels but "
          + RunDirectory.CONFIG + " records " + imageHeight + "x" + imageWidth + " images");
    }
    return model;
  }

  /** The data the run was trained on (its training and, when it has one, test split). */
  public DatasetSplit loadData() throws IOException {
    return Datasets.load(dataSource, csvFormat);
  }
}
