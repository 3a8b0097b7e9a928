package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** 8-bit pixels to floats: both kernel kinds give k / 255f, bit for bit, at any offsets and lengths. */
class PixelsToFloatsTest {
  private final long seed = new Random().nextLong();

  @Test
  void bothKernelKindsGiveTheDivisionsBits() {
    Random random = new Random(seed);
    byte[] src = new byte[1000 + random.nextInt(100)];
    random.nextBytes(src);
    for (int k = 0; k < 256; k++) src[k] = (byte) k; // every value once
    int from = random.nextInt(17), to = random.nextInt(17), count = src.length - from - random.nextInt(17);
    for (LoopKernels kernels : new LoopKernels[] {new ScalarLoopKernels(), new VectorLoopKernels()}) {
      float[] dst = new float[to + count + 3];
      java.util.Arrays.fill(dst, Float.NaN);
      kernels.pixelsToFloats(src, from, dst, to, count);
      for (int i = 0; i < dst.length; i++) {
        float expected = i >= to && i < to + count ? (src[from + i - to] & 0xff) / 255f : Float.NaN;
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(dst[i]),
            kernels.describe() + ", element " + i + " (seed " + seed + ")");
      }
    }
  }
}
