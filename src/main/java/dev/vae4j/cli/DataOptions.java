package dev.vae4j.cli;

import dev.vae4j.data.DataSpec;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.ImageSize;
import dev.vae4j.run.Run;
import java.io.IOException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which images a command reads: a dataset (default: the run's) and its split. */
final class DataOptions {
  @Option(names = "--data", paramLabel = "DIR",
      description = "'digits', a folder of MNIST-style IDX files, a folder of images, a .csv file or a NumPy .npy/.npz file (default: the run's own data).")
  String data;

  @Mixin CsvOptions csv;

  @Mixin ImageOptions images;

  /** Lower-case constants so that picocli accepts exactly the documented spellings (others exit 2). */
  enum Split { test, train }

  @Option(names = "--split", paramLabel = "test|train",
      description = "Which split (default: test when the data has one, else train).")
  Split split;

  /** The chosen images, checked against the model's image size. */
  Dataset load(Run run) throws IOException {
    DatasetSplit all = data != null ? spec(run).load() : run.loadData();
    Split which = split != null ? split : all.test() != null ? Split.test : Split.train;
    if (which == Split.test && all.test() == null) {
      throw new IllegalArgumentException("--split test: " + all.source() + " has no test split");
    }
    Dataset chosen = which == Split.test ? all.test() : all.train();
    if (chosen.channels() != run.imageChannels() || chosen.height() != run.imageHeight() || chosen.width() != run.imageWidth()) {
      throw new IllegalArgumentException(chosen.name() + ": images are " + size(chosen.channels(), chosen.height(), chosen.width())
          + " but the model of " + run.path() + " was trained on " + size(run.imageChannels(), run.imageHeight(), run.imageWidth())
          + (chosen.height() != run.imageHeight() || chosen.width() != run.imageWidth() ? " (--image-size brings images to one size)"
              : " (--channels converts)"));
    }
    return chosen;
  }

  /**
   * What {@code --data} names, read as these options say; a CSV file given without {@code
   * --image-size} to a model of colour or non-square images has rows of the model's shape.
   */
  private DataSpec spec(Run run) {
    DataSpec asked = images.spec(data, csv.format());
    boolean squareGrey = run.imageChannels() == 1 && run.imageHeight() == run.imageWidth();
    if (asked.size() != null || squareGrey || !data.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) return asked;
    return new DataSpec(data, asked.csv(), new ImageSize(run.imageHeight(), run.imageWidth(), run.imageChannels()),
        asked.channels(), asked.strict());
  }

  private static String size(int channels, int height, int width) {
    return (channels == 1 ? "" : channels + "x") + height + "x" + width;
  }
}
