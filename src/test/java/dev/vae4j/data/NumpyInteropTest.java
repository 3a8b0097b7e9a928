package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files NumPy itself writes ({@code np.save}, {@code np.savez}, {@code np.savez_compressed}, format
 * versions 2.0 and 3.0) read to the pixels NumPy computes for them. Skipped where {@code python3}
 * with NumPy is not installed ({@code apt-get install python3-numpy}); the hand-written files of
 * {@link NpyImagesTest} and {@link NpzReaderTest} cover the format without it.
 */
class NumpyInteropTest {
  @TempDir Path dir;

  private static final String SCRIPT = String.join("\n",
      "import numpy as np",
      "from numpy.lib import format as fmt",
      "a = (np.arange(5 * 6 * 4 * 3) * 7 % 256).astype(np.uint8).reshape(5, 6, 4, 3)  # N x H x W x C",
      "chw = np.ascontiguousarray(a.transpose(0, 3, 1, 2))",
      "open('expected-u1.bin', 'wb').write(chw.tobytes())",
      "open('expected-f4.bin', 'wb').write((chw / 255).astype('<f4').tobytes())",
      "np.save('hwc-u1.npy', a)",
      "np.save('chw-u1.npy', chw)",
      "np.save('hwc-f4-big.npy', (a / 255).astype('>f4'))",
      "np.save('chw-f8.npy', chw / 255)",
      "np.save('grey.npy', a[..., 0])",
      "np.save('fortran.npy', np.asfortranarray(a))",
      "np.save('nan.npy', np.where(np.arange(5 * 4 * 4).reshape(5, 4, 4) == 37, np.nan, 0.5).astype(np.float32))",
      "np.save('int16.npy', a.astype(np.int16))",
      "for v in (2, 3):",
      "    with open('v%d.npy' % v, 'wb') as f: fmt.write_array(f, chw, version=(v, 0))",
      "y = (np.arange(5) % 3).astype(np.int64).reshape(5, 1)",
      "np.savez_compressed('keras.npz', x_train=a, y_train=y, x_test=a[:2], y_test=np.array([2, 0], dtype=np.uint8),",
      "                    class_names=np.array(['zero', 'one', 'tw\u00f6']))",
      "np.savez('stored.npz', images=chw, labels=(np.arange(5) % 3).astype(np.int32))",
      "np.savez('positional.npz', a[..., 0])",
      "");

  @Test
  void readsWhatNumpyWrites() throws Exception {
    Files.writeString(dir.resolve("make.py"), SCRIPT);
    Process p;
    try {
      p = new ProcessBuilder("python3", "make.py").directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("no python3: " + e.getMessage());
      return;
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    Assumptions.assumeFalse(output.contains("No module named 'numpy'"), "python3 has no NumPy");
    assertEquals(0, p.exitValue(), output);

    byte[] bytes = Files.readAllBytes(dir.resolve("expected-u1.bin"));
    float[] floats = new float[bytes.length];
    ByteBuffer.wrap(Files.readAllBytes(dir.resolve("expected-f4.bin"))).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
    for (String name : List.of("hwc-u1.npy", "chw-u1.npy", "v2.npy", "v3.npy")) {
      Dataset d = load(name).train();
      assertEquals(3, d.channels(), name);
      assertEquals(6, d.height(), name);
      assertEquals(4, d.width(), name);
      assertArrayEquals(bytes, d.eightBitPixels(), name);
    }
    for (String name : List.of("hwc-f4-big.npy", "chw-f8.npy")) assertArrayEquals(floats, load(name).train().pixels(), name);
    Dataset grey = load("grey.npy").train();
    assertEquals(1, grey.channels());
    assertEquals(5 * 6 * 4, grey.eightBitPixels().length);

    assertTrue(refusal("fortran.npy").contains("fortran_order True"));
    assertTrue(refusal("nan.npy").contains("value nan at [2, 1, 1]"));
    assertTrue(refusal("int16.npy").contains("dtype int16"));

    DatasetSplit keras = load("keras.npz");
    assertEquals(5, keras.train().count());
    assertEquals(2, keras.test().count());
    assertArrayEquals(new int[] {0, 1, 2, 0, 1}, keras.train().labels());
    assertArrayEquals(new int[] {2, 0}, keras.test().labels());
    assertEquals(List.of("zero", "one", "tw\u00f6"), keras.train().classNames());
    assertArrayEquals(bytes, keras.train().eightBitPixels());

    DatasetSplit stored = load("stored.npz");
    assertArrayEquals(bytes, stored.train().eightBitPixels());
    assertArrayEquals(new int[] {0, 1, 2, 0, 1}, stored.train().labels());
    assertEquals(5, load("positional.npz").train().count());
  }

  private DatasetSplit load(String name) throws IOException {
    return Datasets.load(DataSpec.of(dir.resolve(name).toString()));
  }

  private String refusal(String name) {
    return assertThrows(DataException.class, () -> load(name)).getMessage();
  }
}
