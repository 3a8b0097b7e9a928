package dev.vae4j.cli;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Paths on the command line. The JDK encodes file names in the encoding of the locale it started
 * in ({@code sun.jnu.encoding}); under {@code LANG=C} that is ASCII, and a name like {@code
 * runs/größe} cannot be encoded: instead of picocli's "cannot convert ... (InvalidPathException
 * ...)" the message says so and how to fix it.
 */
final class PathConverter implements ITypeConverter<Path> {
  @Override
  public Path convert(String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      String encoding = System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name());
      boolean ascii = text.chars().allMatch(c -> c < 128);
      String hint = ascii || encoding.equalsIgnoreCase(StandardCharsets.UTF_8.name()) ? ""
          : "; this JVM encodes file names as " + encoding + " (the locale, LANG=" + System.getenv("LANG")
              + "): run it under a UTF-8 locale, e.g. LANG=C.UTF-8";
      throw new TypeConversionException("'" + text + "' is not a file name this system can hold (" + e.getReason() + ")" + hint);
    }
  }
}
