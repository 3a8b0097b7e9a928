package dev.vae4j.data;

import static dev.vae4j.data.Gzip.gzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed IDX file or folder is refused with one line naming the file and the problem. */
class IdxRejectionTest {
  @TempDir Path dir;

  private static byte[] idx(int magic, int... dimsThenData) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dimsThenData.length);
    b.putInt(magic);
    for (int v : dimsThenData) b.putInt(v);
    return b.array();
  }

  private static byte[] images(int count, int h, int w) {
    ByteBuffer b = ByteBuffer.allocate(16 + count * h * w).putInt(0x803).putInt(count).putInt(h).putInt(w);
    for (int i = 0; i < count * h * w; i++) b.put((byte) i);
    return b.array();
  }

  private static byte[] labels(int count) {
    ByteBuffer b = ByteBuffer.allocate(8 + count).putInt(0x801).putInt(count);
    for (int i = 0; i < count; i++) b.put((byte) (i % 10));
    return b.array();
  }

  private String reject(String file, byte[] content) throws IOException {
    Path f = dir.resolve(file);
    Files.write(f, content);
    DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(f));
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void wrongMagicAndUnsupportedDtype() throws IOException {
    assertTrue(reject("a", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0}).contains("bad magic 0x89504e47"));
    assertTrue(reject("b", idx(0x0D03, 1, 1, 1, 0)).contains("unsupported IDX data type 0x0d"));
    assertTrue(reject("c", idx(0x0805, 1, 1, 1, 1, 1)).contains("5 dimensions, expected 3"));
    // 4 dimensions are colour images, [count, channels, height, width], of 1 or 3 channels only.
    assertTrue(reject("d", idx(0x0804, 1, 2, 1, 1)).contains("2 channels in a 4-dimensional IDX images file"));
  }

  @Test
  void dimensionsThatDisagreeWithTheLength() throws IOException {
    byte[] good = images(3, 4, 5);
    assertTrue(reject("short", Arrays.copyOf(good, good.length - 1)).contains("need 60 bytes of data but the file has 59"));
    assertTrue(reject("long", Arrays.copyOf(good, good.length + 1)).contains("data continues past the 60 bytes"));
    assertTrue(reject("huge", idx(0x803, 60000, 60000, 60000)).contains("exceed the"), "refused before allocating");
    // Every dimension named (the message used to stop at the one that crossed the limit).
    assertTrue(reject("wide", idx(0x803, 60000, 65535, 65535)).contains("dimensions 60000x65535x65535 (2.58e+14 bytes) exceed"));
    assertTrue(reject("negative", idx(0x803, -1, 28, 28)).contains("must be positive"));
    assertTrue(reject("header", new byte[] {0, 0, 8, 3, 0, 0}).contains("truncated IDX header"));
  }

  @Test
  void truncatedOrCorruptGzip() throws IOException {
    byte[] z = gzip(images(10, 28, 28));
    assertTrue(reject("cut.gz", Arrays.copyOf(z, z.length / 2)).contains("truncated gzip stream"));
    byte[] corrupt = z.clone();
    for (int i = 12; i < 40; i++) corrupt[i] ^= 0x5A;
    assertTrue(reject("bad.gz", corrupt).contains("corrupt gzip data"));
    byte[] crc = z.clone();
    crc[crc.length - 6] ^= 1; // the CRC-32 trailer
    assertTrue(reject("crc.gz", crc).contains("corrupt gzip data"));
  }

  @Test
  void zeroImages() throws IOException {
    assertTrue(reject("none", idx(0x803, 0, 28, 28)).contains("dimension 0 is 0"));
  }

  @Test
  void imagesAndLabelsOfDifferentCounts() throws IOException {
    Files.write(dir.resolve("train-images-idx3-ubyte"), images(5, 28, 28));
    Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(4));
    DataException e = assertThrows(DataException.class, () -> Datasets.fromDirectory(dir));
    assertTrue(e.getMessage().endsWith(dir.resolve("train-labels-idx1-ubyte") + ": 4 labels for the 5 images of "
        + dir.resolve("train-images-idx3-ubyte")), e.getMessage());
  }

  @Test
  void anyConsistentImageSizeIsAccepted() throws IOException {
    Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(6, 7, 9)));
    Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(2, 7, 9));
    DatasetSplit split = Datasets.fromDirectory(dir);
    assertEquals(63, split.train().features());
    assertEquals(2, split.test().count());

    Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(2, 28, 28));
    DataException e = assertThrows(DataException.class, () -> Datasets.fromDirectory(dir));
    assertTrue(e.getMessage().contains("images are 28x28 but the training images are 7x9"), e.getMessage());
  }

  @Test
  void theCliNamesTheFileExitsOneAndWritesNothing() throws IOException {
    Files.write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(images(3, 4, 5), 30));
    Path out = dir.resolve("run");
    StringWriter err = new StringWriter();
    int code = dev.vae4j.cli.Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "train", "--data", dir.toString(), "--device", "cpu", "--out", out.toString());
    assertEquals(1, code, err.toString());
    assertEquals("vae4j: error: " + dir.resolve("train-images-idx3-ubyte") + ": dimensions 3x4x5 need 60 bytes of data but the file has 14",
        err.toString().strip());
    assertTrue(Files.notExists(out));
  }
}
