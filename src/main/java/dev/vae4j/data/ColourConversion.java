package dev.vae4j.data;

/**
 * Grey to colour and back, on channel-major planes: grey becomes colour by copying its plane to
 * red, green and blue; colour becomes grey by ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B (what
 * PIL's {@code convert("L")} and torchvision's {@code Grayscale} compute), on the stored sRGB values.
 */
final class ColourConversion {
  private ColourConversion() {}

  /** {@code src} (1 or 3 planes of {@code plane} pixels) as {@code channels} planes, the other count. */
  static float[] convert(float[] src, int from, int channels, int plane) {
    float[] out = new float[channels * plane];
    if (channels == 3) {
      for (int c = 0; c < 3; c++) System.arraycopy(src, 0, out, c * plane, plane);
    } else {
      for (int i = 0; i < plane; i++) {
        out[i] = 0.299f * src[i] + 0.587f * src[plane + i] + 0.114f * src[2 * plane + i];
      }
    }
    return out;
  }
}
