package dev.vae4j.eval;

import dev.vae4j.Vae;
import dev.vae4j.data.Dataset;
import java.util.function.LongConsumer;

/**
 * Mean squared pixel error of each image's reconstruction at the encoder's mean: decode {@code z =
 * mu(x)} on the backend in batches, take the likelihood's pixel means ({@link Vae#decode}), and
 * average {@code (x - x')^2} over the pixels in double on the host. Deterministic: no draws. A
 * conditional model decodes each image's code with the image's own class.
 */
public final class ReconstructionError {
  private static final int BATCH = 1024;

  private ReconstructionError() {}

  /** The errors of every image of {@code data}, whose latent means {@code codes} holds. */
  public static double[] meanSquared(Vae model, Dataset data, Encodings codes, LongConsumer imagesDone) {
    int d = data.features(), latent = codes.latent(), count = data.count();
    int batch = model.network().inferenceRows(Math.min(BATCH, count), 1);
    double[] out = new double[count];
    float[] pixels = new float[batch * d], z = new float[batch * latent];
    for (int first = 0; first < count; first += batch) {
      int rows = Math.min(batch, count - first);
      System.arraycopy(codes.mu(), first * latent, z, 0, rows * latent);
      int[] labels = model.config().conditioning().conditional()
          ? java.util.Arrays.copyOfRange(data.labels(), first, first + rows) : null; // Encodings required them
      float[] means = model.decode(rows == batch ? z : java.util.Arrays.copyOf(z, rows * latent), rows, labels);
      data.copyPixels(first, rows, pixels, 0);
      for (int r = 0; r < rows; r++) {
        double sum = 0;
        for (int j = 0; j < d; j++) {
          double e = (double) pixels[r * d + j] - means[r * d + j];
          sum += e * e;
        }
        out[first + r] = sum / d;
      }
      imagesDone.accept(first + rows);
    }
    return out;
  }
}
