package dev.vae4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes {@code .npy} and {@code .npz} files by hand, as NumPy lays them out, for the readers' tests. */
final class Npy {
  private Npy() {}

  /** A {@code .npy} file of format 1.0: {@code descr}, C order, {@code shape}, then {@code data} as it is. */
  static byte[] file(String descr, long[] shape, byte[] data) {
    return file(1, header(descr, false, shape), data);
  }

  /** The header dict as NumPy writes it. */
  static String header(String descr, boolean fortran, long[] shape) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < shape.length; i++) s.append(i == 0 ? "" : ", ").append(shape[i]);
    if (shape.length == 1) s.append(',');
    return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (" + s + "), }";
  }

  /** A {@code .npy} file of format {@code major}.0 with {@code header} as its text, padded as NumPy pads it (to 64 bytes, newline last). */
  static byte[] file(int major, String header, byte[] data) {
    int lengthBytes = major == 1 ? 2 : 4;
    int unpadded = 6 + 2 + lengthBytes + header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).length + 1;
    String text = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    byte[] textBytes = text.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x93);
    out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
    out.write(major);
    out.write(0);
    for (int i = 0; i < lengthBytes; i++) out.write(textBytes.length >>> (8 * i));
    out.writeBytes(textBytes);
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] floats(ByteOrder order, float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(order);
    for (float v : values) b.putFloat(v);
    return b.array();
  }

  static byte[] doubles(ByteOrder order, double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(order);
    for (double v : values) b.putDouble(v);
    return b.array();
  }

  static byte[] ints(int... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) b.putInt(v);
    return b.array();
  }

  static byte[] longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) b.putLong(v);
    return b.array();
  }

  /** NumPy's {@code <U} strings: {@code width} UTF-32LE characters each, padded with NULs. */
  static byte[] strings(int width, String... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * width * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (String v : values) {
      for (int i = 0; i < width; i++) b.putInt(i < v.length() ? v.codePointAt(i) : 0);
    }
    return b.array();
  }

  /** Writes a {@code .npz}: each entry {@code name -> .npy bytes} as {@code name.npy}, deflated or stored. */
  static Path npz(Path file, Map<String, byte[]> arrays, boolean deflate) throws IOException {
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
      for (Map.Entry<String, byte[]> a : arrays.entrySet()) {
        ZipEntry e = new ZipEntry(a.getKey() + ".npy");
        if (!deflate) {
          CRC32 crc = new CRC32();
          crc.update(a.getValue());
          e.setMethod(ZipEntry.STORED);
          e.setSize(a.getValue().length);
          e.setCrc(crc.getValue());
        }
        zip.putNextEntry(e);
        zip.write(a.getValue());
        zip.closeEntry();
      }
    }
    return file;
  }
}
