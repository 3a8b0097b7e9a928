package dev.vae4j.cli;

import dev.vae4j.data.CsvReader;
import dev.vae4j.data.DataSpec;
import dev.vae4j.data.ImageSize;
import picocli.CommandLine.Option;

/** How images are brought to one size and colour, for {@code train} and the commands that read a dataset. */
final class ImageOptions {
  @Option(names = "--image-size", paramLabel = "N|HxW[xC]", converter = ImageSizeConverter.class,
      description = "Bring every image to this size (resized, then centre-cropped); for a CSV file, the height, width "
          + "and channels of its rows.")
  ImageSize size;

  @Option(names = "--channels", paramLabel = "1|3", description = "Convert every image to grey (1) or colour (3).")
  int channels;

  @Option(names = "--strict", description = "Refuse a folder holding files that are not images instead of skipping them.")
  boolean strict;

  /** What a command reads: {@code source} as these options and {@code csv} say. */
  DataSpec spec(String source, CsvReader.Format csv) {
    return new DataSpec(source, csv, size, channels, strict);
  }

  /** Parses {@code --image-size}, a bad value being a usage error that names the forms. */
  static final class ImageSizeConverter implements picocli.CommandLine.ITypeConverter<ImageSize> {
    @Override
    public ImageSize convert(String value) {
      try {
        return ImageSize.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
