package dev.vae4j.cli;

import java.util.regex.Pattern;

/** A word as a POSIX shell reads it back: as it is when safe, else in single quotes. */
final class ShellWords {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  private ShellWords() {}

  static String quote(String word) {
    return SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  /** The words as one command line. */
  static String join(java.util.List<String> words) {
    return String.join(" ", words.stream().map(ShellWords::quote).toList());
  }
}
