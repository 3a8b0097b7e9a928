package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The resize and centre crop against a direct double-precision reference: area averaging as the
 * integral of the source over each output pixel's box, bilinear as the textbook 2-D formula.
 */
class ImageResizeTest {
  /** The reference: one output pixel at a time, over the whole scaled image, then the crop. */
  private static double[] reference(float[] src, int c, int h, int w, int height, int width) {
    int sh, sw;
    if ((long) height * w >= (long) width * h) {
      sh = height;
      sw = Math.max(width, (int) Math.round((double) w * height / h));
    } else {
      sw = width;
      sh = Math.max(height, (int) Math.round((double) h * width / w));
    }
    int top = (sh - height) / 2, left = (sw - width) / 2;
    double[] out = new double[c * height * width];
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          double sum = 0;
          double[] wy = weights(h, sh, top + y), wx = weights(w, sw, left + x);
          for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) sum += wy[j] * wx[i] * src[ch * h * w + j * w + i];
          }
          out[ch * height * width + y * width + x] = sum;
        }
      }
    }
    return out;
  }

  /** How much each of {@code n} source pixels counts for output {@code o} of {@code scaled}. */
  private static double[] weights(int n, int scaled, int o) {
    double[] wgt = new double[n];
    double r = (double) n / scaled;
    if (scaled < n) {
      for (int j = 0; j < n; j++) wgt[j] = Math.max(0, Math.min((o + 1) * r, j + 1) - Math.max(o * r, j)) / r;
    } else {
      double s = Math.max(0, Math.min(n - 1, (o + 0.5) * r - 0.5));
      for (int j = 0; j < n; j++) wgt[j] = Math.max(0, 1 - Math.abs(s - j));
    }
    return wgt;
  }

  private static void check(int c, int h, int w, int height, int width, long seed) {
    Random random = new Random(seed);
    float[] src = new float[c * h * w];
    for (int i = 0; i < src.length; i++) src[i] = random.nextInt(256);
    float[] got = ImageResize.resizeAndCrop(src, c, h, w, height, width);
    double[] want = reference(src, c, h, w, height, width);
    assertEquals(want.length, got.length);
    for (int i = 0; i < got.length; i++) {
      assertEquals(want[i], got[i], 1e-3, c + "x" + h + "x" + w + " -> " + height + "x" + width + " at " + i + " (seed " + seed + ")");
    }
  }

  @Test
  void matchesTheReferenceDownUpNonIntegerAndAcrossAspects() {
    long seed = System.nanoTime();
    System.out.println("ImageResizeTest seed " + seed);
    check(1, 12, 12, 5, 5, seed); // down by 2.4
    check(3, 10, 16, 4, 4, seed + 1); // wide: the height fits, the width is cropped
    check(3, 16, 10, 6, 6, seed + 2); // tall
    check(1, 5, 7, 13, 13, seed + 3); // up
    check(1, 9, 9, 4, 7, seed + 4); // square to wide
    check(3, 8, 8, 8, 8, seed + 5); // unchanged
    check(1, 1, 1, 3, 2, seed + 6); // a single pixel
    check(1, 30, 3, 4, 4, seed + 7); // very tall, width up, height down
  }

  @Test
  void halvingAveragesEachTwoByTwoBlock() {
    float[] src = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};
    assertArrayEquals(new float[] {5, 9, 21, 25}, ImageResize.resizeAndCrop(src, 1, 4, 4, 2, 2), 1e-5f);
  }

  @Test
  void aWideImageKeepsItsMiddle() {
    float[] src = {1, 2, 3, 4, 5, 6};
    assertArrayEquals(new float[] {3, 4}, ImageResize.resizeAndCrop(src, 1, 1, 6, 1, 2), 1e-5f);
  }
}
