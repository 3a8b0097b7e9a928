package dev.vae4j.cli;

import dev.vae4j.data.CsvReader;
import picocli.CommandLine.Option;

/** How a {@code --data FILE.csv} is read, for {@code train} and the commands that read a dataset. */
final class CsvOptions {
  @Option(names = "--csv-label", description = "With --data FILE.csv: the first value of each line is the image's label.")
  boolean labelFirst;

  @Option(names = "--csv-255", description = "With --data FILE.csv: pixel values are 0..255 rather than [0, 1].")
  boolean max255;

  CsvReader.Format format() {
    return new CsvReader.Format(labelFirst, max255);
  }
}
