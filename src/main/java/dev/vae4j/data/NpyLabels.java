package dev.vae4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * The other arrays of a {@code .npz}: labels (one whole number >= 0 per image, of any integer dtype,
 * shape {@code (N,)} or Keras' {@code (N, 1)}) and class names (strings, NumPy's {@code <U} dtype,
 * one per label value). Whether such an array is flagged column-major does not matter: one
 * dimension (or a second of 1) reads the same either way.
 */
final class NpyLabels {
  private NpyLabels() {}

  /** The labels of {@code count} images, from an array whose header has been read. */
  static int[] labels(NpyHeader header, InputStream in, long remaining, int count, String name) throws IOException {
    NpyDtype dtype = header.dtype();
    long[] s = header.shape();
    if (!(s.length == 1 || (s.length == 2 && s[1] == 1))) {
      throw new DataException(name + ": labels of shape " + header.describeShape() + "; expected one per image, (N,) or (N, 1)");
    }
    if (s[0] != count) throw new DataException(name + ": " + s[0] + " labels for " + count + " images");
    if (!dtype.isInteger()) {
      throw new DataException(name + ": labels of dtype " + dtype.numpyName() + " are not supported; use an integer dtype"
          + " (uint8, int32, int64; convert with y.astype(np.int64))");
    }
    ByteBuffer data = ByteBuffer.wrap(NpyReader.readData(header, in, remaining, 4L * count, name)).order(dtype.order());
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      long v = value(data, i, dtype);
      if (v < 0 || v > Integer.MAX_VALUE) {
        String text = dtype.kind() == 'u' ? Long.toUnsignedString(v) : Long.toString(v);
        throw new DataException(name + ": label " + text + " at [" + i + "]; labels must be whole numbers from 0 to " + Integer.MAX_VALUE);
      }
      labels[i] = (int) v;
    }
    return labels;
  }

  /** Class names: a one-dimensional array of strings ({@code <U} dtype), trailing NULs (NumPy's padding) dropped. */
  static List<String> classNames(NpyHeader header, InputStream in, long remaining, String name) throws IOException {
    NpyDtype dtype = header.dtype();
    if (dtype.kind() != 'U' || header.shape().length != 1) {
      throw new DataException(name + ": class names of dtype " + dtype.numpyName() + " and shape " + header.describeShape()
          + "; expected a one-dimensional array of strings (np.array(['cat', 'dog']))");
    }
    byte[] data = NpyReader.readData(header, in, remaining, 0, name);
    Charset utf32 = Charset.forName(dtype.order() == java.nio.ByteOrder.BIG_ENDIAN ? "UTF-32BE" : "UTF-32LE");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < data.length; i += dtype.itemSize()) {
      String s = new String(data, i, dtype.itemSize(), utf32);
      int end = s.length();
      while (end > 0 && s.charAt(end - 1) == 0) end--;
      names.add(s.substring(0, end));
    }
    return names;
  }

  private static long value(ByteBuffer data, int i, NpyDtype dtype) {
    boolean unsigned = dtype.kind() == 'u';
    switch (dtype.itemSize()) {
      case 1:
        return unsigned ? data.get(i) & 0xffL : data.get(i);
      case 2:
        return unsigned ? data.getShort(2 * i) & 0xffffL : data.getShort(2 * i);
      case 4:
        return unsigned ? data.getInt(4 * i) & 0xffffffffL : data.getInt(4 * i);
      default:
        return data.getLong(8 * i); // a uint64 above 2^63 reads negative, refused as it should be
    }
  }
}
