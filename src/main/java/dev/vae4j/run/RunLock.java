package dev.vae4j.run;

import dev.vae4j.io.RegularFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one writer of a run folder: an exclusive lock ({@link FileChannel#tryLock}) on {@value
 * #FILE} in the folder, held by {@code train} and {@code train --resume} for the whole run. The
 * operating system releases it when the process ends however it ends (SIGKILL included), so a
 * stale lock never blocks the next run; the file stays, holding the last holder's pid for the
 * message a second writer gets. Taking the lock also removes the temporary files of writes that a
 * killed writer left ({@code .NAME.RANDOM.tmp}, {@link dev.vae4j.io.AtomicFiles}): no one else
 * writes the folder, so none of them is in progress.
 */
public final class RunLock implements AutoCloseable {
  /** The lock file's name in the run folder. */
  public static final String FILE = ".vae4j.lock";

  /** The temporary files AtomicFiles names ("." + target + "." + base-36 random + ".tmp"). */
  private static final Pattern STALE_TEMP = Pattern.compile("\\..+\\.[0-9a-z]{1,13}\\.tmp");

  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code dir} (creating the folder), or throws {@link RunInUseException} at
   * once, naming the folder and the holder's pid, when another process (or this one) holds it.
   */
  public static RunLock acquire(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE);
    if (Files.exists(file)) RegularFiles.require(file, "lock file");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) { // this JVM holds it already
      channel.close();
      throw new RunInUseException(dir, ProcessHandle.current().pid());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(channel);
      channel.close();
      throw new RunInUseException(dir, holder);
    }
    // One write of a fixed width: a reader sees the previous holder's pid or this one, never a mix.
    byte[] pid = String.format("%-19d%n", ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
    channel.write(ByteBuffer.wrap(pid), 0);
    RunLock held = new RunLock(channel, lock);
    removeStaleTemporaryFiles(dir);
    return held;
  }

  /**
   * The pid of the live process that holds the lock. The holder writes it just after taking the
   * lock, so for a moment the file may still name the previous, dead holder (or nothing): this
   * waits up to a second for a live one, then says what it has.
   */
  private static String holder(FileChannel channel) throws IOException {
    String seen = "unknown";
    for (int attempt = 0; attempt < 50; attempt++) {
      ByteBuffer buf = ByteBuffer.allocate(32);
      channel.read(buf, 0);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
      if (text.matches("\\d{1,18}")) {
        seen = text;
        if (ProcessHandle.of(Long.parseLong(text)).map(ProcessHandle::isAlive).orElse(false)) return text;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return seen;
  }

  private static void removeStaleTemporaryFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (STALE_TEMP.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) Files.deleteIfExists(p);
      }
    }
  }

  /** Releases the lock. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }

  /** Another process (pid named) writes the run folder. */
  public static final class RunInUseException extends IOException {
    RunInUseException(Path dir, Object pid) {
      super(dir + " is in use by another vae4j process (pid " + pid + ", holding " + FILE
          + "); wait for it to finish or stop it, or choose another folder");
    }
  }
}
