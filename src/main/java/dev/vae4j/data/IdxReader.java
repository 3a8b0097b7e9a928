package dev.vae4j.data;

import dev.vae4j.io.HeapBudget;
import dev.vae4j.io.RegularFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format: magic {@code 00 00 dtype ndims}, big-endian dimension sizes,
 * then the data), gzip-compressed or raw, validating everything before trusting it: the magic,
 * the data type (unsigned bytes only), the number of dimensions, and that the data is exactly as
 * long as the dimensions say. Sizes are checked against a hard limit and the heap left before
 * anything is allocated, a raw file's against its length too, and memory grows only with the data
 * actually there; gzip data is inflated as it is read and no further than one byte past what the
 * header promises, so neither a corrupt header nor a gzip bomb can make the reader allocate
 * gigabytes. Only regular files are opened (a FIFO would block).
 */
public final class IdxReader {
  /** Largest payload accepted: 2^31 - 1 bytes (a Java array's limit; 35x Fashion-MNIST's train set). */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private static final int UNSIGNED_BYTE = 0x08;
  /** What an images file is called: the one kind read with 3 or 4 dimensions. */
  static final String IMAGES = "images";

  private IdxReader() {}

  /** The dimensions and raw bytes of an IDX file. */
  public record IdxData(int[] dims, byte[] data) {}

  /**
   * Reads images: a 3-dimensional IDX file {@code [count, height, width]}, or a 4-dimensional one
   * {@code [count, channels, height, width]} of 1 or 3 channels (colour images channel-major, as
   * {@code vae4j sample --as-dataset} writes them).
   */
  public static IdxData readImages(Path file) throws IOException {
    return read(file, 3, IMAGES);
  }

  /** Reads labels: a 1-dimensional IDX file {@code [count]}. */
  public static IdxData readLabels(Path file) throws IOException {
    return read(file, 1, "labels");
  }

  /** Reads an IDX file of {@code expectedDims} dimensions from a path (gzip detected by its magic). */
  public static IdxData read(Path file, int expectedDims, String what) throws IOException {
    RegularFiles.require(file, "IDX file");
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, Files.size(file), file.toString(), expectedDims, what);
    }
  }

  /** Reads an IDX stream; {@code name} names it in errors. */
  public static IdxData read(InputStream raw, String name, int expectedDims, String what) throws IOException {
    return read(raw, -1, name, expectedDims, what);
  }

  /** Reads an IDX stream of {@code size} bytes (-1: unknown); {@code name} names it in errors. */
  private static IdxData read(InputStream raw, long size, String name, int expectedDims, String what) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
    buffered.mark(2);
    boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
    buffered.reset();
    try {
      InputStream in = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;
      return parse(new DataInputStream(in), gzip ? -1 : size, name, expectedDims, what);
    } catch (ZipException e) {
      throw new DataException(name + ": corrupt gzip data (" + e.getMessage() + ")", e);
    } catch (EOFException e) {
      throw new DataException(name + ": truncated " + (gzip ? "gzip stream" : "file"), e);
    }
  }

  private static IdxData parse(DataInputStream in, long size, String name, int expectedDims, String what) throws IOException {
    int magic = readHeaderInt(in, name);
    int expectedMagic = (UNSIGNED_BYTE << 8) | expectedDims;
    if ((magic >>> 16) != 0) {
      throw new DataException(String.format("%s: bad magic 0x%08x, expected 0x%08x (IDX %s)", name, magic, expectedMagic, what));
    }
    int dtype = (magic >>> 8) & 0xff, ndims = magic & 0xff;
    if (dtype != UNSIGNED_BYTE) {
      throw new DataException(String.format("%s: unsupported IDX data type 0x%02x (only unsigned bytes, 0x08, are supported)", name, dtype));
    }
    boolean channelled = what.equals(IMAGES) && expectedDims == 3 && ndims == 4;
    if (ndims != expectedDims && !channelled) {
      throw new DataException(name + ": " + ndims + " dimensions, expected " + expectedDims + " for IDX " + what);
    }
    int[] dims = new int[ndims];
    for (int i = 0; i < ndims; i++) {
      dims[i] = readHeaderInt(in, name);
      if (dims[i] <= 0) throw new DataException(name + ": dimension " + i + " is " + Integer.toUnsignedString(dims[i]) + ", must be positive");
    }
    if (channelled && dims[1] != 1 && dims[1] != 3) {
      throw new DataException(name + ": " + dims[1] + " channels in a 4-dimensional IDX images file [count, channels,"
          + " height, width]; 1 or 3 are read");
    }
    double product = 1; // exact enough to compare with the limit, and never overflows
    for (int d : dims) product *= d;
    if (product > MAX_ELEMENTS) {
      throw new DataException(name + ": dimensions " + describe(dims, ndims) + " (" + String.format(java.util.Locale.ROOT, "%.3g", product)
          + " bytes) exceed the " + MAX_ELEMENTS + "-byte limit");
    }
    long elements = 1;
    for (int d : dims) elements *= d;
    long present = size < 0 ? -1 : size - 4L * (1 + ndims);
    if (present >= 0 && present < elements) {
      throw new DataException(name + ": dimensions " + describe(dims, ndims) + " need " + elements + " bytes of data but the file has " + present);
    }
    if (!HeapBudget.fits(elements)) {
      throw new DataException(name + ": dimensions " + describe(dims, ndims) + " promise "
          + HeapBudget.shortfall(elements));
    }
    byte[] data = readUpTo(in, (int) elements);
    if (data.length < elements) {
      throw new DataException(name + ": dimensions " + describe(dims, ndims) + " need " + elements + " bytes of data but the file has " + data.length);
    }
    if (in.read() != -1) {
      throw new DataException(name + ": data continues past the " + data.length + " bytes that dimensions " + describe(dims, ndims) + " describe");
    }
    return new IdxData(dims, data);
  }

  /**
   * Up to {@code n} bytes, fewer if the stream ends first. The array starts at 64 MiB at most (the
   * 47 MB of MNIST-sized training images fit in one read) and doubles while data keeps coming, so a
   * header that promises more than the file holds costs at most 64 MiB or twice the data, and a
   * large file arrives in a few large arrays that the garbage collector never copies. (readNBytes
   * collects 8 KiB chunks, which G1 copied at every collection while a 47 MB training set loaded;
   * the long pauses made it triple the heap, and the peak RSS with it.)
   */
  static byte[] readUpTo(InputStream in, int n) throws IOException {
    byte[] data = new byte[Math.min(n, 1 << 26)];
    int filled = 0;
    while (filled < n) {
      if (filled == data.length) data = Arrays.copyOf(data, (int) Math.min(n, 2L * data.length));
      int read = in.read(data, filled, data.length - filled);
      if (read < 0) return Arrays.copyOf(data, filled);
      filled += read;
    }
    return data;
  }

  private static int readHeaderInt(DataInputStream in, String name) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new DataException(name + ": truncated IDX header", e);
    }
  }

  private static String describe(int[] dims, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) s.append(i == 0 ? "" : "x").append(Integer.toUnsignedString(dims[i]));
    return s.toString();
  }
}
