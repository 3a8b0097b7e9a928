package dev.vae4j.data;

import dev.vae4j.io.HeapBudget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the two parts of a {@code .npy} file (NumPy's format, versions 1.0, 2.0 and 3.0): the header
 * ({@code \x93NUMPY}, major and minor version, the header's length in 2 bytes for 1.0 and 4 for
 * later versions, then the {@link NpyHeader} text, Latin-1 before 3.0 and UTF-8 in 3.0) and the
 * data. The caller checks the header (dtype, shape) before asking for the data, so an array it
 * cannot use is refused before a byte of it is read. The data's size is checked against the
 * bytes the file still holds, a hard limit and the heap left before anything is allocated, and the
 * buffer grows only with the data actually there ({@link IdxReader#readUpTo}), so a header that
 * lies about its shape cannot make the reader allocate gigabytes.
 */
public final class NpyReader {
  /** The longest header text accepted, as NumPy's own reader ({@code max_header_size}). */
  static final int MAX_HEADER_LENGTH = 10_000;

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private NpyReader() {}

  /**
   * A header read from the start of a file.
   *
   * @param header the parsed header
   * @param bytes how many bytes of the file it took (magic, version, length and text)
   */
  public record Start(NpyHeader header, long bytes) {}

  /** Reads the header from the start of {@code in}; {@code name} names the file in errors. */
  public static Start readHeader(InputStream in, String name) throws IOException {
    byte[] prefix = in.readNBytes(MAGIC.length + 2);
    if (prefix.length == 0) throw new DataException(name + ": empty file, not a .npy file");
    for (int i = 0; i < Math.min(prefix.length, MAGIC.length); i++) {
      if (prefix[i] != MAGIC[i]) throw new DataException(name + ": not a .npy file (it does not start with \\x93NUMPY)");
    }
    if (prefix.length < MAGIC.length + 2) throw new DataException(name + ": truncated .npy header");
    int major = prefix[6] & 0xff, minor = prefix[7] & 0xff;
    if (major < 1 || major > 3 || minor != 0) {
      throw new DataException(name + ": .npy format version " + major + "." + minor + " is not supported (1.0, 2.0 and 3.0 are)");
    }
    byte[] lengthBytes = readFully(in, major == 1 ? 2 : 4, name);
    long length = 0;
    for (int i = lengthBytes.length - 1; i >= 0; i--) length = (length << 8) | (lengthBytes[i] & 0xff);
    if (length > MAX_HEADER_LENGTH) {
      throw new DataException(name + ": .npy header of " + length + " bytes is longer than the " + MAX_HEADER_LENGTH
          + " accepted (NumPy's own limit)");
    }
    byte[] text = readFully(in, (int) length, name);
    NpyHeader header = NpyHeader.parse(new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1), name);
    return new Start(header, prefix.length + lengthBytes.length + length);
  }

  /**
   * The data bytes of an array with {@code header} (whose dtype must be one {@link NpyDtype} parses),
   * exactly as many as its shape describes, from {@code in} positioned after the header.
   *
   * @param remaining the bytes {@code in} holds, or -1 when unknown
   * @param alsoNeeded heap the caller will allocate besides the data (a converted copy), checked with it
   */
  public static byte[] readData(NpyHeader header, InputStream in, long remaining, long alsoNeeded, String name) throws IOException {
    int itemSize = header.dtype().itemSize();
    if (itemSize <= 0) throw new IllegalArgumentException("no item size for dtype " + header.dtype().descr());
    long elements = header.elements();
    long bytes = elements > IdxReader.MAX_ELEMENTS ? Long.MAX_VALUE : elements * itemSize;
    String shape = "shape " + header.describeShape() + " of " + header.dtype().numpyName();
    if (bytes > IdxReader.MAX_ELEMENTS) {
      throw new DataException(name + ": " + shape + " is more than the " + IdxReader.MAX_ELEMENTS + " bytes one array can hold");
    }
    if (remaining >= 0 && remaining < bytes) {
      throw new DataException(name + ": " + shape + " needs " + bytes + " bytes of data but the file has " + remaining + " (truncated?)");
    }
    if (!HeapBudget.fits(bytes + alsoNeeded)) throw new DataException(name + ": " + shape + " needs " + HeapBudget.shortfall(bytes + alsoNeeded));
    byte[] data = IdxReader.readUpTo(in, (int) bytes);
    if (data.length < bytes) {
      throw new DataException(name + ": " + shape + " needs " + bytes + " bytes of data but the file has " + data.length + " (truncated?)");
    }
    if (in.read() != -1) throw new DataException(name + ": data continues past the " + bytes + " bytes that " + shape + " describes");
    return data;
  }

  private static byte[] readFully(InputStream in, int n, String name) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) throw new DataException(name + ": truncated .npy header");
    return b;
  }
}
