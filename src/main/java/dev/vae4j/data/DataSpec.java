package dev.vae4j.data;

import java.io.IOException;
import java.util.Objects;

/**
 * Which images to read and how: what {@code --data} named and the preparation asked for. A run's
 * {@code config.json} records it, so that {@code --resume} and every command on a run folder read
 * the same images the same way.
 *
 * @param source {@code digits}, {@code mnist}, a folder, a file, as the user named it
 * @param csv how a CSV file is read ({@link CsvReader.Format#PLAIN} for other data)
 * @param size the size every image is brought to ({@code --image-size}), or null to keep theirs
 * @param channels 1 or 3 to convert every image to grey or colour ({@code --channels}), 0 to keep theirs
 * @param strict refuse a folder holding files that are not images instead of skipping them
 */
public record DataSpec(String source, CsvReader.Format csv, ImageSize size, int channels, boolean strict) {
  /** Checks the parts. */
  public DataSpec {
    Objects.requireNonNull(source, "source");
    if (csv == null) csv = CsvReader.Format.PLAIN;
    if (channels != 0 && channels != 1 && channels != 3) {
      throw new IllegalArgumentException("--channels must be 1 or 3, got " + channels);
    }
  }

  /** {@code source} read as it is. */
  public static DataSpec of(String source) {
    return new DataSpec(source, CsvReader.Format.PLAIN, null, 0, false);
  }

  /** This spec naming its data {@code source} instead (as the loaded split names it). */
  public DataSpec withSource(String source) {
    return new DataSpec(source, csv, size, channels, strict);
  }

  /** Reads the images. */
  public DatasetSplit load() throws IOException {
    return Datasets.load(this);
  }
}
