package dev.vae4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.data.DataSpec;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.io.FormatException;
import dev.vae4j.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

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
 * @param imageChannels colour planes of the images the model was trained on (1 grey, 3 colour)
 * @param imageHeight height of those images
 * @param imageWidth width of those images
 * @param data the training data as the user named it and how it was read and prepared
 * @param seed the training seed (a sensible default seed for pictures of this run)
 * @param configDigest the digest of the {@code config.json} read ({@link ConfigDigest#of})
 */
public record Run(Path path, int imageChannels, int imageHeight, int imageWidth, DataSpec data, long seed,
    String configDigest) {

  /**
   * Reads {@code dir/config.json}, refusing one edited since it was written (its digest no longer
   * matching); the model file must be there too.
   */
  public static Run open(Path dir) throws IOException {
    Path config = dir.resolve(RunDirectory.CONFIG);
    if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such run folder");
    if (!Files.exists(config)) throw new FormatException(dir + ": not a run folder (no " + RunDirectory.CONFIG + ")");
    if (!Files.exists(dir.resolve(RunDirectory.MODEL))) {
      throw new FormatException(dir + ": the run has no " + RunDirectory.MODEL + " (training unfinished?)");
    }
    JsonNode tree = RunConfig.tree(config);
    if (Boolean.TRUE.equals(ConfigDigest.edited(tree))) {
      throw new FormatException(config + " was edited after training (its " + ConfigDigest.KEY + " does not match its content)");
    }
    RunConfig recorded = RunConfig.parse(tree, config);
    int channels = recorded.model().input().isFlat() ? 1 : recorded.model().input().channels();
    return new Run(dir, channels, recorded.imageHeight(), recorded.imageWidth(), recorded.data(), recorded.seed(),
        ConfigDigest.of(tree));
  }

  /** The model file. */
  public Path modelFile() {
    return path.resolve(RunDirectory.MODEL);
  }

  /** Loads the model onto {@code backend}, as {@link #loadModel(Backend, Consumer)} does, dropping notes. */
  public Vae loadModel(Backend backend) throws IOException {
    return loadModel(backend, note -> {});
  }

  /**
   * Loads the model onto {@code backend}, checking that it belongs to this run's {@code
   * config.json} (a model that records another configuration's digest is one of a different run,
   * in a folder that mixes two) and matches the recorded image size. A model file sealed by an
   * older version's weaker checksum loads with a note to {@code notes}.
   */
  public Vae loadModel(Backend backend, Consumer<String> notes) throws IOException {
    SafeTensors.Contents contents = SafeTensors.read(modelFile());
    String boundTo = contents.metadata().get(RunDirectory.CONFIG_DIGEST);
    if (boundTo != null && !boundTo.equalsIgnoreCase(configDigest)) {
      throw new FormatException(modelFile() + " belongs to another run than " + path.resolve(RunDirectory.CONFIG)
          + " (it records configuration digest " + boundTo.substring(0, Math.min(12, boundTo.length())) + "..., the folder's is "
          + configDigest.substring(0, 12) + "...): the folder mixes two runs");
    }
    String note = contents.note(modelFile().toString());
    if (note != null) notes.accept(note);
    Vae model = Vae.load(contents, modelFile(), backend);
    if (model.config().inputSize() != (long) imageChannels * imageHeight * imageWidth) {
      throw new FormatException(modelFile() + ": the model takes " + model.config().inputSize() + " values but "
          + RunDirectory.CONFIG + " records " + (imageChannels == 1 ? "" : imageChannels + "x") + imageHeight + "x"
          + imageWidth + " images");
    }
    return model;
  }

  /** The data the run was trained on (its training and, when it has one, test split). */
  public DatasetSplit loadData() throws IOException {
    return data.load();
  }
}
