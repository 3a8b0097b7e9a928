package dev.vae4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a crash at any moment leaves either the old file or the complete new one:
 * the content goes to a temporary file in the same folder, is forced to disk, renamed over the
 * target in one atomic step, and the folder itself is forced so the rename survives a power cut.
 */
public final class AtomicFiles {
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  private AtomicFiles() {}

  /** Writes the content of one file. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Writes {@code target} atomically with what {@code writer} produces; on failure the old file is untouched. */
  public static void write(Path target, Writer writer) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // Not Files.createTempFile: its owner-only permissions would stick to the final file.
    Path temp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        writer.write(out);
        out.flush();
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e.getClass().getName().startsWith("dev.vae4j.") ? e : failure(target, e); // vae4j's own name their problem
    } catch (RuntimeException | Error e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    forceDirectory(dir);
  }

  /**
   * The failure to write {@code target}, named by it rather than by the hidden temporary file the
   * operating system complained about ("No space left on device", "Permission denied").
   */
  private static IOException failure(Path target, IOException e) {
    String reason = e instanceof AccessDeniedException ? "permission denied (is the folder read-only?)"
        : e instanceof NoSuchFileException ? "its folder is gone"
        : e instanceof FileSystemException f ? (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName())
        : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    FileSystemException named = new FileSystemException(target.toString(), null, "cannot write it: " + reason);
    named.initCause(e);
    return named;
  }

  /** Writes {@code bytes} to {@code target} atomically. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open or sync a directory; the rename itself is still atomic.
    }
  }
}
