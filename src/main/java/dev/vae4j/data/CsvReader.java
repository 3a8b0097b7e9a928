package dev.vae4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads images from CSV: one image per line, comma-separated pixel values, optionally preceded by
 * an integer label. Every value is checked: a number, finite, and in range (pixels in [0, 1], or in
 * 0..255 with {@link Format#max255}), and every line must have the same number of values; square
 * images are {@code n x n}, others one row of pixels. Blank lines are skipped.
 */
public final class CsvReader {
  /** Most values a file may hold (the IDX reader's limit). */
  static final long MAX_VALUES = IdxReader.MAX_ELEMENTS;

  private CsvReader() {}

  /**
   * How a CSV file is laid out.
   *
   * @param labelFirst the first value of each line is the image's integer label (0..2^31-1)
   * @param max255 pixels are 0..255 (divided by 255) instead of [0, 1]
   */
  public record Format(boolean labelFirst, boolean max255) {
    /** Pixels in [0, 1], no labels. */
    public static final Format PLAIN = new Format(false, false);
  }

  /** Reads {@code file}; errors name it with the line and column. */
  public static Dataset read(Path file, Format format) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), format);
    }
  }

  /** Reads a CSV stream; {@code name} names it in errors. */
  public static Dataset read(InputStream in, String name, Format format) throws IOException {
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
    float[] pixels = new float[1 << 12];
    int[] labels = format.labelFirst() ? new int[64] : null;
    int width = -1, count = 0, lineNumber = 0, firstLine = 0;
    long stored = 0;
    try {
      for (String line; (line = reader.readLine()) != null; ) {
        lineNumber++;
        if (line.isBlank()) continue;
        String[] cells = line.split(",", -1);
        int values = cells.length - (format.labelFirst() ? 1 : 0);
        if (width < 0) {
          if (values < 1) throw new DataException(name + ": line " + lineNumber + " has a label but no pixels");
          width = values;
          firstLine = lineNumber;
        } else if (values != width) {
          throw new DataException(name + ": line " + lineNumber + " has " + values + " pixel values, line " + firstLine
              + " has " + width);
        }
        if (stored + width > MAX_VALUES) throw new DataException(name + ": more than " + MAX_VALUES + " values");
        if (stored + width > pixels.length) {
          pixels = Arrays.copyOf(pixels, (int) Math.min(MAX_VALUES, Math.max(stored + width, 2L * pixels.length)));
        }
        int column = 0;
        if (labels != null) {
          if (count == labels.length) labels = Arrays.copyOf(labels, 2 * labels.length);
          labels[count] = label(cells[0], name, lineNumber);
          column = 1;
        }
        for (; column < cells.length; column++) pixels[(int) stored++] = pixel(cells[column], format, name, lineNumber, column + 1);
        count++;
      }
    } catch (CharacterCodingException e) {
      throw new DataException(name + ": line " + (lineNumber + 1) + " is not valid UTF-8 text", e);
    }
    if (count == 0) throw new DataException(name + ": no images (the file has no non-blank lines)");
    int side = (int) Math.round(Math.sqrt(width));
    int height = side * side == width ? side : 1;
    return new Dataset(name, Arrays.copyOf(pixels, (int) stored), labels == null ? null : Arrays.copyOf(labels, count),
        count, height, width / height);
  }

  private static int label(String cell, String name, int line) throws DataException {
    String text = cell.strip();
    try {
      int label = Integer.parseInt(text);
      if (label < 0) throw new DataException(name + ": line " + line + ", column 1: label " + label + " is negative");
      return label;
    } catch (NumberFormatException e) {
      if (text.matches("[+-]?\\d+")) {
        throw new DataException(name + ": line " + line + ", column 1: label " + abbreviate(text) + " is out of range (0.."
            + Integer.MAX_VALUE + ")");
      }
      throw new DataException(name + ": line " + line + ", column 1: label '" + abbreviate(text) + "' is not a whole number");
    }
  }

  private static float pixel(String cell, Format format, String name, int line, int column) throws DataException {
    String text = cell.strip();
    double value;
    try {
      if (text.isEmpty() || !isPlainNumber(text)) throw new NumberFormatException();
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      String shown = text.isEmpty() ? "an empty cell" : "'" + abbreviate(text) + "'";
      if (text.equalsIgnoreCase("nan") || text.toLowerCase(java.util.Locale.ROOT).contains("inf")) {
        throw new DataException(name + ": line " + line + ", column " + column + ": " + shown + " is not a finite number");
      }
      throw new DataException(name + ": line " + line + ", column " + column + ": " + shown + " is not a number");
    }
    if (!Double.isFinite(value)) {
      throw new DataException(name + ": line " + line + ", column " + column + ": '" + abbreviate(text) + "' is not a finite number");
    }
    double max = format.max255() ? 255 : 1;
    if (value < 0 || value > max) {
      throw new DataException(name + ": line " + line + ", column " + column + ": " + abbreviate(text) + " is outside [0, "
          + (format.max255() ? "255" : "1") + "]" + (format.max255() ? "" : " (Bernoulli pixels are probabilities; 0..255 needs --csv-255)"));
    }
    return (float) (format.max255() ? value / 255 : value);
  }

  /** Digits, one optional point, an optional exponent: no hex, no 'NaN', no 'Infinity', no type suffix. */
  private static boolean isPlainNumber(String s) {
    return s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  }

  private static String abbreviate(String s) {
    return s.length() <= 20 ? s : s.substring(0, 20) + "...";
  }
}
