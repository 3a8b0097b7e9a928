package dev.vae4j.data;

import dev.vae4j.io.AtomicFiles;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files of unsigned bytes, gzip-compressed when the name ends in {@code .gz}, atomically. */
public final class IdxWriter {
  private IdxWriter() {}

  /** Images {@code [count, height, width]} from pixels in [0, 1] (rounded to the nearest byte). */
  public static void writeImages(Path file, Dataset data) throws IOException {
    float[] pixels = data.pixels();
    byte[] bytes = new byte[pixels.length];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Math.round(Math.min(1f, Math.max(0f, pixels[i])) * 255f);
    }
    write(file, new int[] {data.count(), data.height(), data.width()}, bytes);
  }

  /** Labels {@code [count]}, each in 0..255. */
  public static void writeLabels(Path file, int[] labels) throws IOException {
    byte[] bytes = new byte[labels.length];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] > 255) throw new IllegalArgumentException("label " + labels[i] + " does not fit a byte");
      bytes[i] = (byte) labels[i];
    }
    write(file, new int[] {labels.length}, bytes);
  }

  /** Any unsigned-byte IDX file with the given dimensions. */
  public static void write(Path file, int[] dims, byte[] data) throws IOException {
    boolean gzip = file.getFileName().toString().endsWith(".gz");
    AtomicFiles.write(file, raw -> {
      OutputStream sink = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
      DataOutputStream out = new DataOutputStream(sink);
      out.writeInt(0x0800 | dims.length);
      for (int d : dims) out.writeInt(d);
      out.write(data);
      out.flush();
      if (sink instanceof GZIPOutputStream g) g.finish();
    });
  }
}
