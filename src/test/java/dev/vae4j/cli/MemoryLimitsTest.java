package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile sizes end in one line and a non-zero exit, never an OutOfMemoryError's stack trace or an
 * ArithmeticException (issue 22, item 6): the cases of the probe, in child JVMs with a small heap.
 */
class MemoryLimitsTest {
  @TempDir Path dir;

  /** A gzip IDX image file whose header promises {@code count} 28x28 images and whose data inflates to {@code zeros} bytes. */
  private Path bomb(String name, int count, long zeros) throws IOException {
    Path folder = dir.resolve(name);
    Files.createDirectories(folder);
    Path file = folder.resolve("train-images-idx3-ubyte.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(ByteBuffer.allocate(16).putInt(0x803).putInt(count).putInt(28).putInt(28).array());
      byte[] block = new byte[1 << 20];
      for (long left = zeros; left > 0; left -= block.length) out.write(block, 0, (int) Math.min(block.length, left));
    }
    return folder;
  }

  @Test
  void aGzipBombIsRefusedInOneLineUnderASmallHeap() throws Exception {
    // The probe's file: a header consistent with 2.7 M images (2.1 GB) over data that inflates to more.
    Path huge = bomb("huge", 2_700_000, 50_000_000);
    assertTrue(Files.size(huge.resolve("train-images-idx3-ubyte.gz")) < 1_000_000);
    Result r = child("-Xmx256m", "train", "--data", huge.toString(), "--out", dir.resolve("never").toString(), "--device", "cpu");
    assertEquals(1, r.code(), r.output());
    assertEquals(1, r.errorLines().size(), r.output());
    assertTrue(r.errorLines().get(0).contains("dimensions 2700000x28x28 promise 2.1 GB, more than the"), r.output());
    assertFalse(Files.exists(dir.resolve("never")));

    // A header the heap can hold over data that inflates to ten times as much: inflating stops one byte past it.
    Path longer = bomb("longer", 60_000, 470_400_000);
    r = child("-Xmx256m", "train", "--data", longer.toString(), "--out", dir.resolve("never").toString(), "--device", "cpu");
    assertEquals(1, r.code(), r.output());
    assertEquals(1, r.errorLines().size(), r.output());
    assertTrue(r.errorLines().get(0).contains("data continues past the 47040000 bytes"), r.output());
  }

  @Test
  void sizesBeyondTheHeapAreUsageErrorsWithTheFigure() throws Exception {
    Result r = child("-Xmx256m", "train", "--hidden", "1000000", "--out", dir.resolve("never").toString(), "--device", "cpu");
    assertEquals(2, r.code(), r.output());
    assertTrue(r.errorLines().get(0).matches(".*--hidden 1000000 --latent 20 --batch-size 128: a 784-1000000-20 model trained "
        + "in batches of 128 would need [0-9.]+ GB, more than the .* of heap left.*"), r.output());
    assertFalse(Files.exists(dir.resolve("never")));

    Path run = dir.resolve("run");
    CliRun.ok("train", "--out", run.toString(), "--hidden", "16", "--latent", "2", "--epochs", "1", "--device", "cpu");
    r = child("-Xmx256m", "sample", "--run", run.toString(), "--count", "100000000", "--out", dir.resolve("s.png").toString(),
        "--device", "cpu");
    assertEquals(2, r.code(), r.output());
    assertTrue(r.errorLines().get(0).contains("--count 100000000 --scale 2: 100000000 images of 784 pixels would need"), r.output());
    assertFalse(Files.exists(dir.resolve("s.png")));
  }

  @Test
  void aSparseModelFileDeclaringATwoGigabyteTensorIsRefusedBeforeAllocating() throws Exception {
    Path run = dir.resolve("sparse");
    CliRun.ok("train", "--out", run.toString(), "--hidden", "16", "--latent", "2", "--epochs", "1", "--device", "cpu");
    long values = 1L << 29; // 2 GiB of F32
    byte[] header = ("{\"junk\":{\"dtype\":\"F32\",\"shape\":[" + values + "],\"data_offsets\":[0," + 4 * values + "]}}")
        .getBytes(StandardCharsets.US_ASCII);
    Path model = run.resolve("model.safetensors");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(model.toFile(), "rw")) {
      f.setLength(0);
      f.write(ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
      f.write(header);
      f.setLength(8 + header.length + 4 * values); // sparse: a few KB on disk
    }
    Result r = child("-Xmx256m", "sample", "--run", run.toString(), "--out", dir.resolve("s.png").toString(), "--device", "cpu");
    assertEquals(1, r.code(), r.output());
    assertEquals(1, r.errorLines().size(), r.output());
    assertTrue(r.errorLines().get(0).contains(model + ": its " + values + " tensor values need 4.3 GB, more than the"), r.output());
  }

  @Test
  void aSizeThatOverflowsIsAUsageErrorAndCreatesNoFolder() {
    Path out = dir.resolve("never");
    CliRun o = run("train", "--latent", "2147483647", "--out", out.toString(), "--device", "cpu");
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().lines().findFirst().orElse("").contains("--latent 2147483647 --batch-size 128: the sizes overflow"), o.err());
    assertFalse(o.err().contains("ArithmeticException"), o.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void runningOutOfMemoryIsOneLineNamingTheOperation() {
    OutOfMemoryError e = new OutOfMemoryError("Java heap space");
    e.setStackTrace(new StackTraceElement[] {new StackTraceElement("java.util.Arrays", "copyOf", null, 1),
        new StackTraceElement("dev.vae4j.data.IdxReader", "readUpTo", null, 2)});
    String line = Main.outOfMemory(e, "train", "--data", "x");
    assertTrue(line.startsWith("out of memory in train (in IdxReader.readUpTo): Java heap space; the heap is "), line);
    assertEquals(1, line.lines().count());
  }

  private record Result(int code, String output) {
    /** The lines vae4j printed (without the JVM's incubator warning and the usage help picocli adds). */
    List<String> errorLines() {
      return output.lines().filter(l -> l.startsWith("vae4j: error: ") || l.startsWith("--")).toList();
    }
  }

  private Result child(String heap, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "child", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the child ends");
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
