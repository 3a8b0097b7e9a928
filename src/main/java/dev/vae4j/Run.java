package dev.vae4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * RunDirectory}): what it was trained on and its model, ready to load onto any backend.
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
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(config.toFile());
    } catch (IOException e) {
      throw new FormatException(config + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
    int height = root.at("/model/image_height").asInt(-1), width = root.at("/model/image_width").asInt(-1);
    if (height <= 0 || width <= 0) throw new FormatException(config + ": model.image_height/image_width missing or not positive");
    JsonNode data = root.get("data");
    if (data == null || !data.isTextual()) throw new FormatException(config + ": 'data' (the training data source) is missing");
    CsvReader.Format csv = new CsvReader.Format(root.at("/csv/label_first").asBoolean(false),
        root.at("/csv/max_255").asBoolean(false));
    return new Run(dir, height, width, data.asText(), root.at("/training/seed").asLong(1), csv);
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
