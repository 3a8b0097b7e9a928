package dev.vae4j.eval;

import dev.vae4j.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The CSV files of the evaluation commands: a header line, then one row per image in file order,
 * comma-separated, numbers in Java's shortest round-trip form, class names quoted where they hold
 * a comma or a quote (RFC 4180), written atomically.
 */
public final class CsvTables {
  private CsvTables() {}

  /**
   * {@code index[,label],mu_0..mu_{L-1},logvar_0..logvar_{L-1}}; {@code labels} may be null.
   */
  public static void writeEncodings(Path file, Encodings codes, int[] labels) throws IOException {
    writeEncodings(file, codes, labels, null);
  }

  /**
   * {@code index[,label],mu_0..mu_{L-1},logvar_0..logvar_{L-1}[,label_name]}: the class name
   * column last (where {@code classNames} is not null), so that the columns of older files keep
   * their places.
   */
  public static void writeEncodings(Path file, Encodings codes, int[] labels, List<String> classNames) throws IOException {
    boolean named = labels != null && classNames != null;
    int latent = codes.latent();
    AtomicFiles.write(file, out -> {
      Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      StringBuilder line = new StringBuilder("index");
      if (labels != null) line.append(",label");
      for (int j = 0; j < latent; j++) line.append(",mu_").append(j);
      for (int j = 0; j < latent; j++) line.append(",logvar_").append(j);
      if (named) line.append(",label_name");
      w.write(line.append('\n').toString());
      for (int i = 0; i < codes.count(); i++) {
        line.setLength(0);
        line.append(i);
        if (labels != null) line.append(',').append(labels[i]);
        for (int j = 0; j < latent; j++) line.append(',').append(codes.mu()[i * latent + j]);
        for (int j = 0; j < latent; j++) line.append(',').append(codes.logvar()[i * latent + j]);
        if (named) line.append(',').append(cell(classNames.get(labels[i])));
        w.write(line.append('\n').toString());
      }
      w.flush();
    });
  }

  /** {@code index[,label],score[,flag]}; {@code labels} and {@code flags} may be null; flags as 0/1. */
  public static void writeScores(Path file, double[] scores, int[] labels, boolean[] flags) throws IOException {
    writeScores(file, scores, labels, flags, null);
  }

  /** {@code index[,label],score[,flag][,label_name]}: as {@link #writeEncodings}, the class name column last. */
  public static void writeScores(Path file, double[] scores, int[] labels, boolean[] flags, List<String> classNames)
      throws IOException {
    boolean named = labels != null && classNames != null;
    AtomicFiles.write(file, out -> {
      Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      w.write("index" + (labels != null ? ",label" : "") + ",score" + (flags != null ? ",flag" : "")
          + (named ? ",label_name" : "") + "\n");
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < scores.length; i++) {
        line.setLength(0);
        line.append(i);
        if (labels != null) line.append(',').append(labels[i]);
        line.append(',').append(scores[i]);
        if (flags != null) line.append(',').append(flags[i] ? 1 : 0);
        if (named) line.append(',').append(cell(classNames.get(labels[i])));
        w.write(line.append('\n').toString());
      }
      w.flush();
    });
  }

  /** {@code text} as one CSV cell: quoted (quotes doubled) where it holds a comma, a quote or a line break. */
  public static String cell(String text) {
    if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) return text;
    return '"' + text.replace("\"", "\"\"") + '"';
  }
}
