package dev.vae4j.data;

import dev.vae4j.io.RegularFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A NumPy array of images as a {@link Dataset}. Shapes: {@code N x H x W} (grey), {@code N x H x W x C}
 * (channels last, as Keras and PIL) or {@code N x C x H x W} (channels first, as PyTorch) with C = 1
 * (grey) or 3 (RGB). A rank-4 array is channels first when its second dimension is 1 or 3, even if
 * its last one is too (PyTorch's layout wins a tie such as {@code N x 3 x 32 x 3}), else channels last
 * when its last dimension is 1 or 3; 4 channels (RGBA) are refused (drop alpha first, {@code arr[..., :3]}).
 * Channels-last images are transposed to the dataset's channels-first layout. dtypes: {@code uint8}
 * (kept as 8 bits, pixel = value / 255), {@code float32} and {@code float64} of either byte order
 * (held as float32), whose values must be finite and in [0, 1]: they are intensities. Column-major
 * ({@code fortran_order}) arrays are refused; {@code np.ascontiguousarray} makes them row-major.
 */
public final class NpyImages {
  private static final String DTYPES = "uint8 (0-255) or float32/float64 in [0, 1]";

  private NpyImages() {}

  /**
   * How an array's dimensions are images.
   *
   * @param channelsLast whether the data is {@code N x H x W x C} (transposed on reading)
   */
  record Layout(int count, int channels, int height, int width, boolean channelsLast) {}

  /** The images of a {@code .npy} file, without a test split. */
  public static DatasetSplit load(Path file) throws IOException {
    if (!Files.exists(file)) throw new DataException(file + ": no such file");
    RegularFiles.require(file, ".npy file"); // a FIFO would block the read
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      NpyReader.Start start = NpyReader.readHeader(in, file.toString());
      Dataset images = read(start.header(), in, Files.size(file) - start.bytes(), null, file.toString());
      return new DatasetSplit(file.toString(), images, null);
    }
  }

  /**
   * The images of an array whose header has been read, from {@code in}, which holds its data
   * ({@code remaining} bytes, -1: unknown), with {@code labels} (one per image, or null).
   */
  static Dataset read(NpyHeader header, InputStream in, long remaining, int[] labels, String name) throws IOException {
    Layout layout = layout(header, name);
    NpyDtype dtype = header.dtype();
    boolean bytes = dtype.kind() == 'u' && dtype.itemSize() == 1;
    if (!bytes && dtype.kind() != 'f') {
      throw new DataException(name + ": images of dtype " + dtype.numpyName() + " are not supported; use " + DTYPES
          + " (for 0-255 values: arr.astype(np.uint8), or arr.astype(np.float32) / 255)");
    }
    long elements = header.elements();
    byte[] data = NpyReader.readData(header, in, remaining, bytes ? 0 : 4 * elements, name);
    int c = layout.channels(), h = layout.height(), w = layout.width(), n = layout.count();
    if (bytes) {
      if (layout.channelsLast() && c > 1) toChannelsFirst(data, h * w, c);
      return Dataset.ofBytes(name, data, labels, n, c, h, w);
    }
    float[] pixels = intensities(header, data, name);
    if (layout.channelsLast() && c > 1) toChannelsFirst(pixels, h * w, c);
    return new Dataset(name, pixels, labels, n, c, h, w);
  }

  /** The images' layout, or the one line that says why the header describes none. */
  static Layout layout(NpyHeader header, String name) throws DataException {
    long[] s = header.shape();
    String shape = "shape " + header.describeShape();
    if (s.length != 3 && s.length != 4) {
      throw new DataException(name + ": " + shape + " is not images; expected N x H x W (grey), N x H x W x C or N x C x H x W"
          + " (C = 1 or 3), rank 3 or 4, not " + s.length);
    }
    for (long d : s) {
      if (d == 0) throw new DataException(name + ": " + shape + " holds no images (a dimension is 0)");
      if (d > Integer.MAX_VALUE) throw new DataException(name + ": " + shape + " has a dimension over " + Integer.MAX_VALUE);
    }
    if (header.fortranOrder()) {
      throw new DataException(name + ": the array is stored column-major (fortran_order True), which is not supported;"
          + " save np.ascontiguousarray(arr) instead");
    }
    if (s.length == 3) return new Layout((int) s[0], 1, (int) s[1], (int) s[2], false);
    if (s[1] == 1 || s[1] == 3) return new Layout((int) s[0], (int) s[1], (int) s[2], (int) s[3], false);
    if (s[3] == 1 || s[3] == 3) return new Layout((int) s[0], (int) s[3], (int) s[1], (int) s[2], true);
    throw new DataException(name + ": " + shape + " has no channel dimension of 1 (grey) or 3 (RGB), second (N x C x H x W)"
        + " or last (N x H x W x C)" + (s[1] == 4 || s[3] == 4 ? "; for RGBA drop alpha first (arr[..., :3])" : ""));
  }

  /** Float data as pixels, refusing the first value that is not a finite intensity in [0, 1]. */
  private static float[] intensities(NpyHeader header, byte[] data, String name) throws DataException {
    NpyDtype dtype = header.dtype();
    ByteBuffer buffer = ByteBuffer.wrap(data).order(dtype.order());
    float[] pixels = new float[data.length / dtype.itemSize()];
    if (dtype.itemSize() == 4) {
      buffer.asFloatBuffer().get(pixels);
      for (int i = 0; i < pixels.length; i++) {
        if (!(pixels[i] >= 0 && pixels[i] <= 1)) throw outOfRange(header, i, Float.toString(pixels[i]), name);
      }
    } else {
      DoubleBuffer doubles = buffer.asDoubleBuffer();
      for (int i = 0; i < pixels.length; i++) {
        double v = doubles.get(i);
        if (!(v >= 0 && v <= 1)) throw outOfRange(header, i, Double.toString(v), name);
        pixels[i] = (float) v;
      }
    }
    return pixels;
  }

  private static DataException outOfRange(NpyHeader header, long flat, String value, String name) {
    long[] shape = header.shape();
    long[] index = new long[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      index[d] = flat % shape[d];
      flat /= shape[d];
    }
    StringBuilder at = new StringBuilder();
    for (long i : index) at.append(at.length() == 0 ? "" : ", ").append(i);
    return new DataException(String.format(Locale.ROOT, "%s: value %s at [%s]; float pixels must be finite and in [0, 1]"
        + " (intensities: divide 0-255 values by 255, or store them as uint8)", name, value.toLowerCase(Locale.ROOT), at));
  }

  /** Each image of {@code pixels} (pixel-major, {@code channels} values a pixel) made channel-major, in place. */
  private static void toChannelsFirst(byte[] pixels, int area, int channels) {
    int size = area * channels;
    byte[] image = new byte[size];
    for (int from = 0; from < pixels.length; from += size) {
      System.arraycopy(pixels, from, image, 0, size);
      for (int c = 0; c < channels; c++) {
        for (int p = 0, to = from + c * area; p < area; p++) pixels[to + p] = image[p * channels + c];
      }
    }
  }

  /** Each image's channel-last values (HWC) rearranged in place as channel-major planes (CHW). */
  static void toChannelsFirst(float[] pixels, int area, int channels) {
    int size = area * channels;
    float[] image = new float[size];
    for (int from = 0; from < pixels.length; from += size) {
      System.arraycopy(pixels, from, image, 0, size);
      for (int c = 0; c < channels; c++) {
        for (int p = 0, to = from + c * area; p < area; p++) pixels[to + p] = image[p * channels + c];
      }
    }
  }
}
