package dev.vae4j.data;

import dev.vae4j.io.RegularFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * The names of a dataset's classes, where it has them: the digits' "0" to "9", Fashion-MNIST's ten
 * garments, or a {@code classes.txt} beside a folder's IDX files.
 *
 * <p>An IDX folder's classes are named by its {@value #FILE} (one name per line, label 0 first;
 * blank lines at the end ignored) when it has one, else, for a folder whose name contains {@code
 * fashion} (as Debian's /usr/share/datasets/fashion-mnist), by Fashion-MNIST's names; any other
 * folder's labels stay numbers.
 */
public final class ClassNames {
  /** The file beside the IDX files that names their classes. */
  public static final String FILE = "classes.txt";

  /** The digits': label i is digit i. */
  public static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  /** Fashion-MNIST's, as its authors list them. */
  public static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  private static final long MAX_BYTES = 1 << 20;

  private ClassNames() {}

  /** {@code split} with {@code names} on both its parts (each must have labels that the names cover). */
  public static DatasetSplit name(DatasetSplit split, List<String> names) {
    return new DatasetSplit(split.source(), split.train().withClassNames(names),
        split.test() == null ? null : split.test().withClassNames(names));
  }

  /** The IDX folder {@code dir}'s images with their class names, by the rule above. */
  public static DatasetSplit forIdxFolder(Path dir, DatasetSplit split) throws IOException {
    if (!split.train().hasLabels() || (split.test() != null && !split.test().hasLabels())) return split;
    Path file = dir.resolve(FILE);
    if (Files.exists(file)) {
      List<String> names = read(file);
      for (Dataset d : split.test() == null ? List.of(split.train()) : List.of(split.train(), split.test())) {
        int max = maxLabel(d);
        if (max >= names.size()) {
          throw new DataException(file + ": names " + names.size() + " classes but " + d.name() + " has label " + max);
        }
      }
      return name(split, names);
    }
    Path folder = dir.toAbsolutePath().normalize().getFileName();
    boolean fashion = folder != null && folder.toString().toLowerCase(Locale.ROOT).contains("fashion");
    boolean fits = maxLabel(split.train()) < FASHION_MNIST.size() && (split.test() == null || maxLabel(split.test()) < FASHION_MNIST.size());
    return fashion && fits ? name(split, FASHION_MNIST) : split;
  }

  /** The names in a {@value #FILE}: one per line, none empty or twice. */
  static List<String> read(Path file) throws IOException {
    RegularFiles.require(file, "class names file");
    if (Files.size(file) > MAX_BYTES) throw new DataException(file + ": " + Files.size(file) + " bytes, too large for class names");
    List<String> lines;
    try {
      lines = new ArrayList<>(List.of(Files.readString(file, StandardCharsets.UTF_8).split("\r?\n", -1)));
    } catch (java.nio.charset.MalformedInputException e) {
      throw new DataException(file + ": not UTF-8 text", e);
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) lines.remove(lines.size() - 1);
    if (lines.isEmpty()) throw new DataException(file + ": names no classes (one name per line)");
    List<String> names = new ArrayList<>();
    HashSet<String> seen = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String name = lines.get(i).strip();
      if (name.isEmpty()) throw new DataException(file + ": line " + (i + 1) + " is empty (one class name per line)");
      if (!seen.add(name.toLowerCase(Locale.ROOT))) throw new DataException(file + ": line " + (i + 1) + " names '" + name + "' again");
      names.add(name);
    }
    return names;
  }

  /**
   * {@code names} where they say more than the labels do, else null: the digits' "0" to "9" name
   * each class by its own number, so outputs show the label alone, as they always did.
   */
  public static List<String> shown(List<String> names) {
    if (names == null) return null;
    for (int i = 0; i < names.size(); i++) {
      if (!names.get(i).equals(Integer.toString(i))) return names;
    }
    return null;
  }

  /**
   * The labels {@code choices} name ({@code --classes}): each a class name (exactly, else ignoring
   * case) of {@code names}, or a label number; {@code names} may be null (data that names no
   * classes). One that is neither is an {@link IllegalArgumentException} listing the names.
   */
  public static java.util.SortedSet<Integer> labels(List<String> choices, List<String> names) {
    java.util.SortedSet<Integer> out = new java.util.TreeSet<>();
    for (String choice : choices) {
      String c = choice.strip();
      int at = names == null ? -1 : names.indexOf(c);
      for (int i = 0; at < 0 && names != null && i < names.size(); i++) {
        if (names.get(i).equalsIgnoreCase(c)) at = i;
      }
      if (at < 0 && c.matches("\\d{1,9}")) at = Integer.parseInt(c);
      if (at < 0) {
        throw new IllegalArgumentException(names == null ? "'" + c + "' is not a label (the data names no classes, so labels are numbers)"
            : "no class '" + c + "'; the classes are " + String.join(", ", names) + " (or their labels 0.." + (names.size() - 1) + ")");
      }
      out.add(at);
    }
    return out;
  }

  private static int maxLabel(Dataset d) {
    int max = -1;
    for (int label : d.labels()) max = Math.max(max, label);
    return max;
  }
}
