package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code .npz} archives: arrays found by name, labels and class names, Keras' train/test split, and every ambiguity refused. */
class NpzReaderTest {
  @TempDir Path dir;

  private static byte[] images(int n, long seed) {
    byte[] pixels = new byte[n * 2 * 3];
    new Random(seed).nextBytes(pixels);
    return Npy.file("|u1", new long[] {n, 2, 3}, pixels);
  }

  private static Map<String, byte[]> arrays(Object... nameThenBytes) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < nameThenBytes.length; i += 2) m.put((String) nameThenBytes[i], (byte[]) nameThenBytes[i + 1]);
    return m;
  }

  private Path npz(Map<String, byte[]> arrays, boolean deflate) throws IOException {
    return Npy.npz(dir.resolve("data.npz"), arrays, deflate);
  }

  private String reject(Map<String, byte[]> arrays) throws IOException {
    Path f = npz(arrays, true);
    DataException e = assertThrows(DataException.class, () -> NpzReader.load(f));
    assertTrue(e.getMessage().startsWith(f + ": ") || e.getMessage().startsWith(f + ":"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void kerasStyleTrainAndTestWithLabels() throws IOException {
    for (boolean deflate : new boolean[] {true, false}) {
      Path f = npz(arrays(
          "x_train", images(4, 1), "y_train", Npy.file("|u1", new long[] {4}, new byte[] {3, 1, 4, 1}),
          "x_test", images(2, 2), "y_test", Npy.file("<i8", new long[] {2, 1}, Npy.longs(5, 9))), deflate);
      DatasetSplit split = Datasets.load(DataSpec.of(f.toString()));
      assertEquals(f.toString(), split.source());
      assertEquals(4, split.train().count());
      assertArrayEquals(new int[] {3, 1, 4, 1}, split.train().labels());
      assertEquals(2, split.test().count());
      assertArrayEquals(new int[] {5, 9}, split.test().labels());
      assertEquals(f + ":x_train.npy", split.train().name());
      assertTrue(split.train().isEightBit());
      assertEquals(2, split.train().height());
      assertEquals(3, split.train().width());
    }
  }

  @Test
  void imagesOrXWithLabelsOrYAndClassNames() throws IOException {
    DatasetSplit named = NpzReader.load(npz(arrays("images", images(3, 3), "labels", Npy.file("<i4", new long[] {3}, Npy.ints(0, 2, 1)),
        "class_names", Npy.file("<U5", new long[] {3}, Npy.strings(5, "cat", "dog", "horse"))), true));
    assertNull(named.test());
    assertArrayEquals(new int[] {0, 2, 1}, named.train().labels());
    assertEquals(List.of("cat", "dog", "horse"), named.train().classNames());
    assertEquals("horse", named.train().className(2));

    DatasetSplit xy = NpzReader.load(npz(arrays("x", images(2, 4), "y", Npy.file("<i8", new long[] {2}, Npy.longs(7, 0))), false));
    assertArrayEquals(new int[] {7, 0}, xy.train().labels());
    assertNull(xy.train().classNames());
  }

  @Test
  void theOnlyArrayOfImagesWhenNoneIsNamed() throws IOException {
    byte[] pixels = images(2, 5);
    DatasetSplit split = NpzReader.load(npz(arrays("notes", Npy.file("<i4", new long[] {2}, Npy.ints(1, 2)), "arr_0", pixels), true));
    assertEquals(2, split.train().count());
    assertFalse(split.train().hasLabels());
    assertEquals(dir.resolve("data.npz") + ":arr_0.npy", split.train().name());
  }

  @Test
  void ambiguousOrMissingArrays() throws IOException {
    assertTrue(reject(arrays("images", images(2, 1), "x", images(2, 2))).contains("holds both images and x; keep one of them"));
    assertTrue(reject(arrays("labels", images(2, 1), "y", Npy.file("|u1", new long[] {2}, new byte[2]), "x", images(2, 2)))
        .contains("holds both labels and y"));
    String m = reject(arrays("a", images(2, 1), "b", images(2, 2)));
    assertTrue(m.contains("several arrays could be the images [a, b]; name the images x_train (with x_test), images or x"), m);
    m = reject(arrays("a", Npy.file("|u1", new long[] {4}, new byte[4])));
    assertTrue(m.contains("no array of images (rank 3 or 4) among [a]"), m);
    assertTrue(reject(arrays()).contains("among no arrays"));
    assertTrue(reject(arrays("x_test", images(2, 1))).contains("x_test.npy: test images but no x_train"));
    assertTrue(reject(arrays("x_train", images(2, 1), "y_test", Npy.file("|u1", new long[] {2}, new byte[2])))
        .contains("y_test.npy: test labels but no x_test"));
    byte[] wider = Npy.file("|u1", new long[] {2, 2, 4}, new byte[16]);
    assertTrue(reject(arrays("x_train", images(2, 1), "x_test", wider)).contains("test images are 2x4 but the training images are 2x3"));
  }

  @Test
  void badLabelsAndClassNames() throws IOException {
    String m = reject(arrays("x", images(3, 1), "y", Npy.file("|u1", new long[] {2}, new byte[2])));
    assertTrue(m.contains("y.npy: 2 labels for 3 images"), m);
    m = reject(arrays("x", images(2, 1), "y", Npy.file("<i4", new long[] {2}, Npy.ints(1, -3))));
    assertTrue(m.contains("y.npy: label -3 at [1]; labels must be whole numbers from 0 to 2147483647"), m);
    m = reject(arrays("x", images(2, 1), "y", Npy.file("<u8", new long[] {2}, Npy.longs(-1, 0))));
    assertTrue(m.contains("label 18446744073709551615 at [0]"), m);
    m = reject(arrays("x", images(2, 1), "y", Npy.file("<i8", new long[] {2}, Npy.longs(1L << 31, 0))));
    assertTrue(m.contains("label 2147483648 at [0]"), m);
    m = reject(arrays("x", images(2, 1), "y", Npy.file("<f8", new long[] {2}, new byte[16])));
    assertTrue(m.contains("labels of dtype float64 are not supported; use an integer dtype") && m.contains("y.astype(np.int64)"), m);
    m = reject(arrays("x", images(2, 1), "y", Npy.file("|u1", new long[] {2, 2}, new byte[4])));
    assertTrue(m.contains("labels of shape (2, 2); expected one per image, (N,) or (N, 1)"), m);
    m = reject(arrays("x", images(2, 1), "y", Npy.file("|u1", new long[] {2}, new byte[] {0, 2}),
        "classes", Npy.file("<U1", new long[] {2}, Npy.strings(1, "a", "b"))));
    assertTrue(m.contains("y.npy: label 2 at [1] has no class name (2 in classes)"), m);
    m = reject(arrays("x", images(2, 1), "classes", Npy.file("<U1", new long[] {2}, Npy.strings(1, "a", "b"))));
    assertTrue(m.contains("classes.npy: class names but no labels for x"), m);
    m = reject(arrays("x", images(2, 1), "y", Npy.file("|u1", new long[] {2}, new byte[2]), "classes", Npy.file("<i4", new long[] {1}, Npy.ints(0))));
    assertTrue(m.contains("class names of dtype int32 and shape (1,); expected a one-dimensional array of strings"), m);
  }

  @Test
  void anArrayThatIsNotAnNpyNamesItsEntry() throws IOException {
    String m = reject(arrays("x", "not numpy".getBytes()));
    assertTrue(m.endsWith("data.npz:x.npy: not a .npy file (it does not start with \\x93NUMPY)"), m);
    byte[] whole = images(4, 1);
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 8);
    m = reject(arrays("x", truncated));
    assertTrue(m.contains("x.npy: shape (4, 2, 3) of uint8 needs 24 bytes of data but the file has 16"), m);
  }

  @Test
  void filesThatAreNotZips() throws IOException {
    Path f = dir.resolve("data.npz");
    Files.write(f, images(2, 1)); // an .npy named .npz
    DataException e = assertThrows(DataException.class, () -> NpzReader.load(f));
    assertTrue(e.getMessage().startsWith(f + ": not a readable .npz (zip) file ("), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    assertTrue(assertThrows(DataException.class, () -> NpzReader.load(dir.resolve("missing.npz"))).getMessage().endsWith("missing.npz: no such file"));
    assertTrue(assertThrows(DataException.class, () -> NpyImages.load(dir.resolve("missing.npy"))).getMessage().endsWith("missing.npy: no such file"));
  }
}
