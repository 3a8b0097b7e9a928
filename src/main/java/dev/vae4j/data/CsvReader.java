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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads images from CSV: one image per line, comma-separated pixel values, optionally with an
 * integer label in one column. Every value is checked: a number, finite, and in range (pixels in
 * [0, 1], or in 0..255 with {@link Format#max255}), and every line must have the same number of
 * values. Blank lines are skipped.
 *
 * <p><b>Header.</b> A first line with a cell that is a name (not a number, nor a number gone wrong
 * such as {@code 0x1} or {@code NaN}) is a header row naming the columns (as Kaggle's {@code label,pixel0,...,pixel783}); without a label column asked for, a
 * header column named {@code label} (any case) holds the labels.
 *
 * <p><b>Label column.</b> {@link Format#labelFirst}: the first column; {@link Format#labelColumn}: a
 * 0-based column index (digits only) or a header column's name (exact, else ignoring case). Labels
 * are whole numbers, or, where the first row's label is a name ({@code cat}), class names: every
 * label is then a name, the classes numbered in sorted order (as image folders' are).
 *
 * <p><b>Shape.</b> Without a row shape a row must be a square grey image ({@code n x n} values);
 * with one ({@code --image-size HxW} or {@code HxWxC}), it holds {@code H*W*C} values in row-major
 * channel-last order (HWC: the red, green and blue values of the top left pixel, then those of the
 * next pixel, as a flattened RGB image usually is), turned into the channel-major (NCHW) planes a
 * {@link Dataset} holds.
 */
public final class CsvReader {
  /** Most values a file may hold (the IDX reader's limit). */
  static final long MAX_VALUES = IdxReader.MAX_ELEMENTS;

  /** The header column that holds the labels when no label column is named. */
  public static final String LABEL_HEADER = "label";

  private CsvReader() {}

  /**
   * How a CSV file is laid out.
   *
   * @param labelFirst the first value of each line is the image's integer label (0..2^31-1)
   * @param max255 pixels are 0..255 (divided by 255) instead of [0, 1]
   * @param labelColumn the label column, a 0-based index or a header name ({@code --csv-label
   *     NAME|INDEX}), or null; never together with {@code labelFirst}
   */
  public record Format(boolean labelFirst, boolean max255, String labelColumn) {
    /** Pixels in [0, 1], no labels. */
    public static final Format PLAIN = new Format(false, false, null);

    /** Checks that at most one way of naming the label column is used. */
    public Format {
      if (labelFirst && labelColumn != null) {
        throw new IllegalArgumentException("the label column is either the first or " + labelColumn + ", not both");
      }
    }

    /** A layout with the labels in the first column or in none. */
    public Format(boolean labelFirst, boolean max255) {
      this(labelFirst, max255, null);
    }
  }

  /** Reads {@code file} as square grey images; errors name it with the line and column. */
  public static Dataset read(Path file, Format format) throws IOException {
    return read(file, format, null);
  }

  /** Reads {@code file}, each row of the {@code shape} given (null: a square grey image). */
  public static Dataset read(Path file, Format format, ImageSize shape) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), format, shape);
    }
  }

  /** Reads a CSV stream of square grey images; {@code name} names it in errors. */
  public static Dataset read(InputStream in, String name, Format format) throws IOException {
    return read(in, name, format, null);
  }

  /** Reads a CSV stream, each row of the {@code shape} given (null: a square grey image). */
  public static Dataset read(InputStream in, String name, Format format, ImageSize shape) throws IOException {
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
    float[] pixels = new float[1 << 12];
    int[] labels = null;
    Map<String, Integer> classes = null; // labels that are names, in the order first seen
    int labelAt = -1, width = -1, count = 0, lineNumber = 0, firstLine = 0;
    long stored = 0;
    try {
      for (String line; (line = reader.readLine()) != null; ) {
        lineNumber++;
        if (line.isBlank()) continue;
        String[] cells = line.split(",", -1);
        if (width < 0) {
          boolean header = isHeader(cells);
          labelAt = labelColumn(format, header ? cells : null, cells.length, name, lineNumber);
          if (labelAt >= 0) labels = new int[64];
          width = cells.length - (labelAt >= 0 ? 1 : 0);
          if (width < 1) throw new DataException(name + ": line " + lineNumber + " has a label but no pixels");
          firstLine = lineNumber;
          if (header) continue;
        } else if (cells.length - (labelAt >= 0 ? 1 : 0) != width) {
          throw new DataException(name + ": line " + lineNumber + " has " + (cells.length - (labelAt >= 0 ? 1 : 0))
              + " pixel values, line " + firstLine + " has " + width);
        }
        if (stored + width > MAX_VALUES) throw new DataException(name + ": more than " + MAX_VALUES + " values");
        if (stored + width > pixels.length) {
          pixels = Arrays.copyOf(pixels, (int) Math.min(MAX_VALUES, Math.max(stored + width, 2L * pixels.length)));
        }
        if (labels != null) {
          if (count == labels.length) labels = Arrays.copyOf(labels, 2 * labels.length);
          if (count == 0 && isName(cells[labelAt].strip())) classes = new HashMap<>();
          labels[count] = classes != null ? className(cells[labelAt], classes, name, lineNumber, labelAt + 1)
              : label(cells[labelAt], name, lineNumber, labelAt + 1);
        }
        for (int column = 0; column < cells.length; column++) {
          if (column != labelAt) pixels[(int) stored++] = pixel(cells[column], format, name, lineNumber, column + 1);
        }
        count++;
      }
    } catch (CharacterCodingException e) {
      throw new DataException(name + ": line " + (lineNumber + 1) + " is not valid UTF-8 text", e);
    }
    if (count == 0) throw new DataException(name + ": no images (the file has no non-blank lines" + (width > 0 ? " after its header)" : ")"));
    int[] labelValues = labels == null ? null : Arrays.copyOf(labels, count);
    List<String> classNames = classes == null ? null : sortedNames(classes, labelValues);
    float[] values = Arrays.copyOf(pixels, (int) stored);
    if (shape == null) {
      int side = (int) Math.round(Math.sqrt(width));
      if (side * side != width) {
        throw new DataException(name + ": rows of " + width + " pixel values are not square grey images; give their shape with "
            + "--image-size HxW or HxWxC (channel-last, e.g. " + example(width) + ")");
      }
      return named(new Dataset(name, values, labelValues, count, side, side), classNames);
    }
    int channels = shape.channels() == 0 ? 1 : shape.channels();
    long needed = (long) shape.height() * shape.width() * channels;
    if (needed != width) {
      throw new DataException(name + ": rows have " + width + " pixel values but --image-size " + shape + " needs " + needed
          + (shape.channels() == 0 && width == 3 * needed ? " (" + shape + "x3 reads them as colour)" : ""));
    }
    if (channels > 1) NpyImages.toChannelsFirst(values, shape.height() * shape.width(), channels);
    return named(new Dataset(name, values, labelValues, count, channels, shape.height(), shape.width()), classNames);
  }

  private static Dataset named(Dataset data, List<String> classNames) {
    return classNames == null ? data : data.withClassNames(classNames);
  }

  /** A class name as a label: its number in the order first seen (renumbered by {@link #sortedNames}). */
  private static int className(String cell, Map<String, Integer> classes, String name, int line, int column)
      throws DataException {
    String text = cell.strip();
    if (text.isEmpty()) throw new DataException(name + ": line " + line + ", column " + column + ": the label is empty");
    return classes.computeIfAbsent(text, t -> classes.size());
  }

  /** The class names in sorted order (as image folders sort theirs), {@code labels} renumbered to match. */
  private static List<String> sortedNames(Map<String, Integer> classes, int[] labels) {
    List<String> names = new ArrayList<>(classes.keySet());
    Collections.sort(names);
    int[] sortedIndex = new int[names.size()];
    for (int i = 0; i < names.size(); i++) sortedIndex[classes.get(names.get(i))] = i;
    for (int i = 0; i < labels.length; i++) labels[i] = sortedIndex[labels[i]];
    return names;
  }

  /**
   * A header row: a first line with a cell that is a name, not a number. A cell that looks like a
   * number gone wrong ({@code 0x1}, {@code 1f}, {@code -}, {@code NaN}, {@code Infinity}) or an
   * empty one is not a name, so that a first line of bad values is refused as such rather than
   * taken for a header.
   */
  private static boolean isHeader(String[] cells) {
    for (String cell : cells) {
      if (isName(cell.strip())) return true;
    }
    return false;
  }

  /** Text that is a name: not empty, not a number nor a number gone wrong. */
  private static boolean isName(String text) {
    if (text.isEmpty() || "+-.0123456789".indexOf(text.charAt(0)) >= 0) return false;
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    return !lower.equals("nan") && !lower.startsWith("inf");
  }

  /** The 0-based label column, or -1 for none; {@code header} is the header row's cells, or null. */
  private static int labelColumn(Format format, String[] header, int columns, String name, int line) throws DataException {
    if (format.labelFirst()) return 0;
    String asked = format.labelColumn();
    if (asked == null) {
      if (header == null) return -1;
      for (int i = 0; i < header.length; i++) {
        if (header[i].strip().equalsIgnoreCase(LABEL_HEADER)) return i;
      }
      return -1;
    }
    if (asked.matches("\\d+")) {
      int index;
      try {
        index = Integer.parseInt(asked);
      } catch (NumberFormatException e) {
        index = Integer.MAX_VALUE;
      }
      if (index >= columns) {
        throw new DataException(name + ": line " + line + " has " + columns + " columns, no column " + asked
            + " (--csv-label counts from 0)");
      }
      return index;
    }
    if (header == null) {
      throw new DataException(name + ": no header row naming a column '" + asked + "' (--csv-label also takes a 0-based index)");
    }
    for (int i = 0; i < header.length; i++) {
      if (header[i].strip().equals(asked)) return i;
    }
    for (int i = 0; i < header.length; i++) {
      if (header[i].strip().equalsIgnoreCase(asked)) return i;
    }
    throw new DataException(name + ": the header has no column '" + abbreviate(asked) + "' (it begins "
        + abbreviate(String.join(",", Arrays.copyOf(header, Math.min(4, header.length)))) + ")");
  }

  /** A shape for {@code values} to suggest: a colour one where the values are three square planes. */
  private static String example(int values) {
    int side = (int) Math.round(Math.sqrt(values / 3.0));
    return values % 3 == 0 && 3 * side * side == values ? side + "x" + side + "x3" : "20x10x3";
  }

  private static int label(String cell, String name, int line, int column) throws DataException {
    String text = cell.strip();
    String at = name + ": line " + line + ", column " + column + ": label ";
    try {
      int label = Integer.parseInt(text);
      if (label < 0) throw new DataException(at + label + " is negative");
      return label;
    } catch (NumberFormatException e) {
      if (text.matches("[+-]?\\d+")) {
        throw new DataException(at + abbreviate(text) + " is out of range (0.." + Integer.MAX_VALUE + ")");
      }
      throw new DataException(at + "'" + abbreviate(text) + "' is not a whole number");
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
