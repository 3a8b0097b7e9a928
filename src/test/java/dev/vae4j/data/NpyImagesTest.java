package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code .npy} images: every dtype, shape and layout read back to the expected pixels, and every malformed file refused in one line. */
class NpyImagesTest {
  @TempDir Path dir;

  private Path write(byte[] npy) throws IOException {
    Path f = dir.resolve("images.npy");
    Files.write(f, npy);
    return f;
  }

  private Dataset read(byte[] npy) throws IOException {
    DatasetSplit split = Datasets.load(DataSpec.of(write(npy).toString()));
    assertNull(split.test());
    return split.train();
  }

  private String reject(byte[] npy) throws IOException {
    Path f = write(npy);
    DataException e = assertThrows(DataException.class, () -> NpyImages.load(f));
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  @Test
  void greyUint8StaysEightBit() throws IOException {
    long seed = new Random().nextLong();
    byte[] pixels = randomBytes(new Random(seed), 3 * 4 * 5);
    Dataset d = read(Npy.file("|u1", new long[] {3, 4, 5}, pixels));
    assertEquals(3, d.count());
    assertEquals(1, d.channels());
    assertEquals(4, d.height());
    assertEquals(5, d.width());
    assertTrue(d.isEightBit());
    assertFalse(d.hasLabels());
    assertArrayEquals(pixels, d.eightBitPixels(), "seed " + seed);
    assertEquals((pixels[7] & 0xff) / 255f, d.pixels()[7], 1e-7);
  }

  @Test
  void channelsLastIsTransposedToChannelsFirst() throws IOException {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int n = 2, h = 5, w = 4, c = 3;
    byte[] hwc = randomBytes(random, n * h * w * c);
    byte[] chw = new byte[hwc.length];
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          for (int k = 0; k < c; k++) chw[((i * c + k) * h + y) * w + x] = hwc[((i * h + y) * w + x) * c + k];
        }
      }
    }
    Dataset bytes = read(Npy.file("|u1", new long[] {n, h, w, c}, hwc));
    assertEquals(3, bytes.channels());
    assertEquals(5, bytes.height());
    assertEquals(4, bytes.width());
    assertArrayEquals(chw, bytes.eightBitPixels(), "seed " + seed);

    float[] hwcFloats = new float[hwc.length];
    for (int i = 0; i < hwc.length; i++) hwcFloats[i] = (hwc[i] & 0xff) / 255f;
    Dataset floats = read(Npy.file("<f4", new long[] {n, h, w, c}, Npy.floats(ByteOrder.LITTLE_ENDIAN, hwcFloats)));
    assertFalse(floats.isEightBit());
    for (int i = 0; i < chw.length; i++) assertEquals((chw[i] & 0xff) / 255f, floats.pixels()[i], 1e-7, "seed " + seed);

    Dataset greyLast = read(Npy.file("|u1", new long[] {2, 2, 6, 1}, java.util.Arrays.copyOf(hwc, 24)));
    assertEquals(1, greyLast.channels());
    assertEquals(2, greyLast.height());
    assertEquals(6, greyLast.width());
    assertArrayEquals(java.util.Arrays.copyOf(hwc, 24), greyLast.eightBitPixels());
  }

  @Test
  void channelsFirstIsKeptAndWinsATie() throws IOException {
    byte[] pixels = randomBytes(new Random(1), 2 * 3 * 5 * 4);
    Dataset rgb = read(Npy.file("|u1", new long[] {2, 3, 5, 4}, pixels));
    assertEquals(3, rgb.channels());
    assertEquals(5, rgb.height());
    assertEquals(4, rgb.width());
    assertArrayEquals(pixels, rgb.eightBitPixels());

    Dataset grey = read(Npy.file("<u1", new long[] {2, 1, 5, 12}, pixels));
    assertEquals(1, grey.channels());
    assertEquals(12, grey.width());

    // Second and last dimension both 1 or 3: PyTorch's N x C x H x W.
    byte[] tie = randomBytes(new Random(2), 2 * 3 * 4 * 3);
    Dataset ambiguous = read(Npy.file("|u1", new long[] {2, 3, 4, 3}, tie));
    assertEquals(3, ambiguous.channels());
    assertEquals(4, ambiguous.height());
    assertEquals(3, ambiguous.width());
    assertArrayEquals(tie, ambiguous.eightBitPixels());
  }

  @Test
  void floatsOfEitherByteOrderAndDoubles() throws IOException {
    float[] values = {0, 0.25f, 0.5f, 1, 0.125f, 0.75f};
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      String descr = order == ByteOrder.LITTLE_ENDIAN ? "<f4" : ">f4";
      Dataset d = read(Npy.file(descr, new long[] {2, 1, 3}, Npy.floats(order, values)));
      assertArrayEquals(values, d.pixels(), descr);
      double[] doubles = {0, 0.25, 0.5, 1, 0.1, 0.9};
      Dataset wide = read(Npy.file(order == ByteOrder.LITTLE_ENDIAN ? "<f8" : ">f8", new long[] {2, 1, 3}, Npy.doubles(order, doubles)));
      for (int i = 0; i < doubles.length; i++) assertEquals((float) doubles[i], wide.pixels()[i]);
    }
  }

  @Test
  void formatVersionsTwoAndThree() throws IOException {
    byte[] pixels = {0, 1, 2, 3, 4, 5, 6, (byte) 255};
    for (int major = 1; major <= 3; major++) {
      Dataset d = read(Npy.file(major, Npy.header("|u1", false, new long[] {2, 2, 2}), pixels));
      assertArrayEquals(pixels, d.eightBitPixels(), "version " + major);
    }
    // The header NumPy's writer produces, double quotes and no trailing comma are all Python.
    Dataset d = read(Npy.file(1, "{\"descr\":\"|u1\",\"shape\":(2,2,2),\"fortran_order\":False}", pixels));
    assertArrayEquals(pixels, d.eightBitPixels());
  }

  @Test
  void nonFiniteAndOutOfRangeFloatsNameTheFirstIndex() throws IOException {
    long[] shape = {2, 2, 3};
    float[] v = new float[12];
    v[7] = Float.NaN;
    v[9] = 2;
    assertTrue(reject(Npy.file("<f4", shape, Npy.floats(ByteOrder.LITTLE_ENDIAN, v))).contains("value nan at [1, 0, 1]"));
    v[7] = Float.POSITIVE_INFINITY;
    assertTrue(reject(Npy.file(">f4", shape, Npy.floats(ByteOrder.BIG_ENDIAN, v))).contains("value infinity at [1, 0, 1]"));
    v[7] = 0;
    String m = reject(Npy.file("<f4", shape, Npy.floats(ByteOrder.LITTLE_ENDIAN, v)));
    assertTrue(m.contains("value 2.0 at [1, 1, 0]; float pixels must be finite and in [0, 1]"), m);
    double[] d = new double[12];
    d[0] = -0.5;
    assertTrue(reject(Npy.file("<f8", shape, Npy.doubles(ByteOrder.LITTLE_ENDIAN, d))).contains("value -0.5 at [0, 0, 0]"));
  }

  @Test
  void unsupportedDtypesNameTheDtypeAndTheFix() throws IOException {
    String m = reject(Npy.file("<i2", new long[] {1, 2, 2}, new byte[8]));
    assertTrue(m.contains("dtype int16 are not supported; use uint8 (0-255) or float32/float64 in [0, 1]"), m);
    assertTrue(m.contains("arr.astype(np.float32) / 255"), m);
    assertTrue(reject(Npy.file("|b1", new long[] {1, 2, 2}, new byte[4])).contains("dtype '|b1' are not supported"));
    assertTrue(reject(Npy.file("<c8", new long[] {1, 2, 2}, new byte[32])).contains("dtype '<c8'"));
    assertTrue(reject(Npy.file("<f2", new long[] {1, 2, 2}, new byte[8])).contains("dtype '<f2'"));
    m = reject(Npy.file(1, "{'descr': [('r', '|u1')], 'fortran_order': False, 'shape': (1, 2, 2), }", new byte[4]));
    assertTrue(m.contains("structured array"), m);
  }

  @Test
  void shapesThatAreNotImages() throws IOException {
    assertTrue(reject(Npy.file("|u1", new long[] {4, 4}, new byte[16])).contains("rank 3 or 4, not 2"));
    assertTrue(reject(Npy.file("|u1", new long[] {1, 1, 2, 2, 3}, new byte[12])).contains("not 5"));
    assertTrue(reject(Npy.file("|u1", new long[] {}, new byte[1])).contains("shape () is not images"));
    assertTrue(reject(Npy.file("|u1", new long[] {0, 28, 28}, new byte[0])).contains("shape (0, 28, 28) holds no images"));
    assertTrue(reject(Npy.file("<f4", new long[] {2, 3, 0, 3}, new byte[0])).contains("holds no images"));
    String m = reject(Npy.file("|u1", new long[] {2, 5, 5, 4}, new byte[200]));
    assertTrue(m.contains("no channel dimension of 1 (grey) or 3 (RGB)") && m.contains("arr[..., :3]"), m);
    assertTrue(reject(Npy.file("|u1", new long[] {2, 5, 5, 2}, new byte[100])).contains("no channel dimension"));
    m = reject(Npy.file(1, Npy.header("|u1", true, new long[] {2, 3, 3}), new byte[18]));
    assertTrue(m.contains("fortran_order True") && m.contains("np.ascontiguousarray"), m);
  }

  @Test
  void sizesThatDoNotMatchTheData() throws IOException {
    String m = reject(Npy.file("|u1", new long[] {2, 3, 3}, new byte[17]));
    assertTrue(m.contains("needs 18 bytes of data but the file has 17"), m);
    assertTrue(reject(Npy.file("|u1", new long[] {2, 3, 3}, new byte[19])).contains("data continues past the 18 bytes"));
    // A header promising far more than the file holds is refused before anything is allocated.
    assertTrue(reject(Npy.file("<f4", new long[] {60000, 1000, 1000}, new byte[4])).contains("more than the"));
    assertTrue(reject(Npy.file("|u1", new long[] {1, 40000, 40000}, new byte[4])).contains("but the file has 4"));
    assertTrue(reject(Npy.file("|u1", new long[] {Long.parseLong("999999999999999999"), 2, 2}, new byte[4])).contains("dimension over"));
  }

  @Test
  void aLyingHeaderInAStreamOfUnknownLengthAllocatesOnlyWhatArrives() throws IOException {
    byte[] npy = Npy.file("|u1", new long[] {1, 40000, 40000}, new byte[100]);
    DataException e = assertThrows(DataException.class, () -> {
      NpyReader.Start start = NpyReader.readHeader(new ByteArrayInputStream(npy), "stream");
      ByteArrayInputStream in = new ByteArrayInputStream(npy, (int) start.bytes(), npy.length);
      NpyImages.read(start.header(), in, -1, null, "stream");
    });
    assertTrue(e.getMessage().startsWith("stream: shape (1, 40000, 40000) of uint8 needs "), e.getMessage());
  }

  @Test
  void filesThatAreNotNpy() throws IOException {
    assertTrue(reject(new byte[0]).contains("empty file"));
    assertTrue(reject("P5\n28 28\n255\n".getBytes()).contains("not a .npy file (it does not start with \\x93NUMPY)"));
    byte[] good = Npy.file("|u1", new long[] {1, 2, 2}, new byte[4]);
    assertTrue(reject(java.util.Arrays.copyOf(good, 7)).contains("truncated .npy header"));
    assertTrue(reject(java.util.Arrays.copyOf(good, 40)).contains("truncated .npy header"));
    byte[] v4 = good.clone();
    v4[6] = 4;
    assertTrue(reject(v4).contains("format version 4.0 is not supported (1.0, 2.0 and 3.0 are)"));
    byte[] longHeader = Npy.file(2, Npy.header("|u1", false, new long[] {1, 2, 2}) + " ".repeat(20_000), new byte[4]);
    String m = reject(longHeader);
    assertTrue(m.contains("bytes is longer than the 10000 accepted"), m);
  }

  @Test
  void malformedHeaders() throws IOException {
    String[][] cases = {
        {"{'descr': '|u1', 'shape': (1, 2, 2), }", "no 'fortran_order' key"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 2), 'extra': 1}", "unexpected key 'extra'"},
        {"{'descr': '|u1', 'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 2)}", "key 'descr' given twice"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (4)}", "is not a tuple"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (1, -2, 2)}", "unexpected '-' in the shape"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (1, 02, 2)}", "leading zero"},
        {"{'descr': '|u1', 'fortran_order': 0, 'shape': (1, 2, 2)}", "unexpected '0' as the value of 'fortran_order'"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': 'x'}", "shape is not a tuple"},
        {"{'descr': (1,), 'fortran_order': False, 'shape': (1, 2, 2)}", "descr is not a string"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 2)} x", "text after the closing brace"},
        {"{'descr': '|u1, 'fortran_order': False, 'shape': (1, 2, 2)}", "expected '}', found 'f'"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 2)", "expected '}', found the end of the header"},
        {"['descr', '|u1']", "expected '{'"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 2),,}", "expected a quoted key"},
    };
    for (String[] c : cases) {
      String m = reject(Npy.file(1, c[0], new byte[4]));
      assertTrue(m.contains("not a valid .npy header (") && m.contains(c[1]), c[0] + " -> " + m);
    }
  }
}
