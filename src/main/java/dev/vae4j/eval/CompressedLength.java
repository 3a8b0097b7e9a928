package dev.vae4j.eval;

import dev.vae4j.data.Dataset;
import java.util.zip.Deflater;

/**
 * The length of each image's 8-bit pixels (round(255 p)) compressed with raw DEFLATE (level 9, no
 * zlib header or checksum), in bits: the general-purpose compressor of Serr&agrave; et al.'s
 * complexity estimate L(x), a stand-in for how much information an image holds regardless of any
 * model (PNG, their other choice, is DEFLATE after a per-row filter).
 */
public final class CompressedLength {
  private CompressedLength() {}

  /** Bits of DEFLATE output per image of {@code data}. */
  public static double[] bits(Dataset data) {
    int d = data.features();
    double[] bits = new double[data.count()];
    float[] pixels = new float[d];
    byte[] raw = new byte[d], compressed = new byte[2 * d + 64];
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      for (int i = 0; i < bits.length; i++) {
        data.copyPixels(i, 1, pixels, 0);
        for (int j = 0; j < d; j++) raw[j] = (byte) Math.round(Math.min(1f, Math.max(0f, pixels[j])) * 255f);
        bits[i] = 8.0 * deflate(deflater, raw, compressed);
      }
    } finally {
      deflater.end();
    }
    return bits;
  }

  /** Compressed bytes of {@code raw}. */
  static int deflate(Deflater deflater, byte[] raw, byte[] buffer) {
    deflater.reset();
    deflater.setInput(raw);
    deflater.finish();
    int n = 0;
    while (!deflater.finished()) n += deflater.deflate(buffer, 0, buffer.length);
    return n;
  }
}
