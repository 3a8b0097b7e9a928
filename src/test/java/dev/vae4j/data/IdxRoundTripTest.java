package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** IDX files written and read back, the bundled digits, and the basic rejections. */
class IdxRoundTripTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"", ".gz"})
  void imagesAndLabelsRoundTrip(String suffix) throws IOException {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int count = 1 + random.nextInt(20), height = 1 + random.nextInt(9), width = 1 + random.nextInt(9);
    float[] pixels = new float[count * height * width];
    for (int i = 0; i < pixels.length; i++) pixels[i] = random.nextInt(256) / 255f;
    int[] labels = random.ints(count, 0, 10).toArray();
    IdxWriter.writeImages(dir.resolve("train-images-idx3-ubyte" + suffix), new Dataset("x", pixels, labels, count, height, width));
    IdxWriter.writeLabels(dir.resolve("train-labels-idx1-ubyte" + suffix), labels);

    DatasetSplit split = Datasets.fromDirectory(dir);
    Dataset read = split.train();
    assertEquals(count, read.count(), "seed " + seed);
    assertEquals(height, read.height());
    assertEquals(width, read.width());
    assertArrayEquals(pixels, read.pixels(), "seed " + seed);
    assertArrayEquals(labels, read.labels());
    assertEquals(null, split.test());
  }

  @Test
  void bundledDigitsAreRealAndBalanced() throws IOException {
    DatasetSplit digits = Datasets.bundledDigits();
    assertEquals(8337, digits.train().count());
    assertEquals(1663, digits.test().count());
    for (Dataset d : new Dataset[] {digits.train(), digits.test()}) {
      assertEquals(28, d.height());
      assertEquals(28, d.width());
      int[] perClass = new int[10];
      for (int label : d.labels()) perClass[label]++;
      assertTrue(Arrays.stream(perClass).allMatch(c -> c > 100), Arrays.toString(perClass));
      float min = 1, max = 0;
      for (float p : d.pixels()) {
        min = Math.min(min, p);
        max = Math.max(max, p);
      }
      assertEquals(0f, min);
      assertEquals(1f, max);
    }
  }

  @Test
  void badMagicTruncationAndWrongDimsAreNamed() throws IOException {
    Path bad = dir.resolve("train-images-idx3-ubyte");
    Files.write(bad, new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 7}); // a label file where images belong
    DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(bad));
    assertTrue(e.getMessage().startsWith(bad + ": 1 dimensions, expected 3"), e.getMessage());

    Files.write(bad, new byte[] {1, 2, 3, 4});
    e = assertThrows(DataException.class, () -> IdxReader.readImages(bad));
    assertTrue(e.getMessage().contains("bad magic 0x01020304"), e.getMessage());

    Files.write(bad, new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3});
    e = assertThrows(DataException.class, () -> IdxReader.readImages(bad));
    assertTrue(e.getMessage().contains("need 8 bytes of data but the file has 3"), e.getMessage());

    Files.write(bad, new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1});
    e = assertThrows(DataException.class, () -> IdxReader.readImages(bad));
    assertTrue(e.getMessage().contains("truncated IDX header"), e.getMessage());
    assertNotNull(e.getMessage());
  }
}
