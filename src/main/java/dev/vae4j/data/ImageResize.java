package dev.vae4j.data;

/**
 * Brings an image to one size the way torchvision's {@code Resize(size)} + {@code
 * CenterCrop(size)} do: scaled with its aspect ratio kept until it covers the target (the short
 * side fits), then the middle cut out. Each axis is resampled on its own, by area averaging where it
 * shrinks (every source pixel counts by how much of it an output pixel covers, so no detail aliases)
 * and bilinearly where it grows (pixel centres at half-integers, as PIL and OpenCV place them).
 */
final class ImageResize {
  private ImageResize() {}

  /**
   * Planes of {@code height x width} from {@code channels} planes of {@code h x w} in {@code src}
   * (channel-major).
   */
  static float[] resizeAndCrop(float[] src, int channels, int h, int w, int height, int width) {
    int scaledH, scaledW;
    if ((long) height * w >= (long) width * h) { // the height is the side that fits
      scaledH = height;
      scaledW = Math.max(width, (int) Math.round((double) w * height / h));
    } else {
      scaledW = width;
      scaledH = Math.max(height, (int) Math.round((double) h * width / w));
    }
    Axis ys = Axis.of(h, scaledH, (scaledH - height) / 2, height);
    Axis xs = Axis.of(w, scaledW, (scaledW - width) / 2, width);
    float[] out = new float[channels * height * width];
    float[] rows = new float[h * width]; // every source row resampled along x
    for (int c = 0; c < channels; c++) {
      int plane = c * h * w;
      for (int y = 0; y < h; y++) xs.resample(src, plane + y * w, 1, rows, y * width, 1);
      for (int x = 0; x < width; x++) ys.resample(rows, x, width, out, c * height * width + x, width);
    }
    return out;
  }

  /**
   * The weights that make {@code count} outputs, starting at output {@code first} of {@code
   * scaled}, from {@code source} inputs along one axis: output i is the sum over k of {@code
   * weights[i][k] * in[start[i] + k]}.
   */
  private record Axis(int[] start, float[][] weights) {
    static Axis of(int source, int scaled, int first, int count) {
      int[] start = new int[count];
      float[][] weights = new float[count][];
      double ratio = (double) source / scaled;
      for (int i = 0; i < count; i++) {
        int o = first + i;
        if (scaled < source) { // area: output o covers [o * ratio, (o + 1) * ratio) of the source
          double from = o * ratio, to = (o + 1) * ratio;
          int lo = (int) Math.floor(from), hi = Math.min(source, (int) Math.ceil(to));
          start[i] = lo;
          weights[i] = new float[hi - lo];
          for (int j = lo; j < hi; j++) {
            weights[i][j - lo] = (float) ((Math.min(to, j + 1) - Math.max(from, j)) / ratio);
          }
        } else { // bilinear (or the identity, when scaled == source)
          double x = Math.max(0, Math.min(source - 1, (o + 0.5) * ratio - 0.5));
          int lo = Math.min((int) Math.floor(x), source - 1);
          double f = x - lo;
          start[i] = lo;
          weights[i] = lo + 1 < source ? new float[] {(float) (1 - f), (float) f} : new float[] {1f};
        }
      }
      return new Axis(start, weights);
    }

    /** Output i into {@code out[outAt + i * outStride]} from inputs {@code in[inAt + j * inStride]}. */
    void resample(float[] in, int inAt, int inStride, float[] out, int outAt, int outStride) {
      for (int i = 0; i < start.length; i++) {
        float[] wi = weights[i];
        int j = inAt + start[i] * inStride;
        float sum = 0;
        for (float weight : wi) {
          sum += weight * in[j];
          j += inStride;
        }
        out[outAt + i * outStride] = sum;
      }
    }
  }
}
