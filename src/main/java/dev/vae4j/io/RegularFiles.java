package dev.vae4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The check readers make before opening a file: it must be a regular file (after following links).
 * Opening a FIFO blocks until something writes to it, a device can stream without end, and a
 * folder fails only at the first read with "Is a directory" and no name; checked first, each is
 * one line naming the path. (The check and the open are two steps: a file swapped for a FIFO in
 * between still blocks, which only a hostile process that can write the folder can arrange.)
 */
public final class RegularFiles {
  private static final String MISSING = "missing";

  private RegularFiles() {}

  /** Throws {@link FormatException} naming {@code file} unless it is a regular file; {@code what} says what was expected. */
  public static void require(Path file, String what) throws IOException {
    String problem = problem(file);
    if (problem != null) {
      if (problem.equals(MISSING)) throw new NoSuchFileException(file.toString(), null, "no such " + what);
      throw new FormatException(file + ": " + problem + ", not a " + what);
    }
  }

  /** Why {@code file} is not a regular file ("a FIFO", "a folder", ...), or null when it is one. */
  public static String problem(Path file) {
    if (Files.isRegularFile(file)) return null;
    if (!Files.exists(file)) return MISSING;
    if (Files.isDirectory(file)) return "a folder";
    try {
      Object type = Files.getAttribute(file, "unix:mode");
      int mode = (Integer) type & 0170000;
      if (mode == 0010000) return "a FIFO";
      if (mode == 0020000) return "a character device";
      if (mode == 0060000) return "a block device";
      if (mode == 0140000) return "a socket";
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // not a Unix file system: the general answer below
    }
    return "a special file";
  }
}
