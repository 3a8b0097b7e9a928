package dev.vae4j.cli;

import dev.vae4j.data.CsvReader;
import picocli.CommandLine.Option;

/** How a {@code --data FILE.csv} is read, for {@code train} and the commands that read a dataset. */
final class CsvOptions {
  /** What a bare {@code --csv-label} (no column named) stands for: the first column, as it always meant. */
  static final String FIRST_COLUMN = "";

  @Option(names = "--csv-label", arity = "0..1", fallbackValue = FIRST_COLUMN, paramLabel = "NAME|INDEX",
      description = "With --data FILE.csv: the column holding each image's label, by header name or 0-based index "
          + "(alone: the first column). A header column named 'label' is used without it.")
  String label;

  @Option(names = "--csv-255", description = "With --data FILE.csv: pixel values are 0..255 rather than [0, 1].")
  boolean max255;

  CsvReader.Format format() {
    boolean first = FIRST_COLUMN.equals(label);
    return new CsvReader.Format(first, max255, label == null || first ? null : label);
  }

  /** Sets these options to what {@code format} records (a resumed run). */
  void set(CsvReader.Format format) {
    label = format.labelFirst() ? FIRST_COLUMN : format.labelColumn();
    max255 = format.max255();
  }
}
