package dev.vae4j.cli;

import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.run.Run;
import java.io.IOException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which images a command reads: a dataset (default: the run's) and its split. */
final class DataOptions {
  @Option(names = "--data", paramLabel = "DIR",
      description = "'digits', a folder of MNIST-style IDX files, a folder of images or a .csv file (default: the run's own data).")
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
    DatasetSplit all = data != null ? images.spec(data, csv.format()).load() : run.loadData();
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

  private static String size(int channels, int height, int width) {
    return (channels == 1 ? "" : channels + "x") + height + "x" + width;
  }
}
