package dev.vae4j.eval;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.Workspace;
import java.util.function.LongConsumer;

/**
 * The encoder's output for every image of a dataset: the mean and log-variance of {@code q(z|x)}.
 *
 * @param mu {@code [count, latent]}, row-major
 * @param logvar {@code [count, latent]}, row-major
 */
public record Encodings(float[] mu, float[] logvar, int count, int latent) {
  private static final int BATCH = 1024;

  public Encodings {
    if (mu.length != (long) count * latent || logvar.length != mu.length) {
      throw new IllegalArgumentException("encodings of " + count + " images x " + latent + " dims need "
          + (long) count * latent + " values each");
    }
  }

  /** Encodes {@code count} images of {@code pixels} (row-major, image after image) in batches. */
  public static Encodings of(Vae model, float[] pixels, int count) {
    int d = model.config().inputSize();
    if ((long) count * d != pixels.length) {
      throw new IllegalArgumentException(count + " images of " + d + " pixels need " + (long) count * d
          + " values, got " + pixels.length);
    }
    if (count == 0) return new Encodings(new float[0], new float[0], 0, model.config().latent());
    return encode(model, new Dataset("images", pixels, null, count, 1, d), done -> {});
  }

  /** Encodes every image of {@code data}. */
  public static Encodings of(Vae model, Dataset data) {
    return of(model, data, done -> {});
  }

  /** Encodes every image of {@code data}, telling {@code imagesDone} the count encoded after every batch. */
  public static Encodings of(Vae model, Dataset data, LongConsumer imagesDone) {
    if (data.features() != model.config().inputSize()) {
      throw new IllegalArgumentException("the model takes " + model.config().inputSize() + " pixels per image but "
          + data.name() + " has " + data.features());
    }
    return encode(model, data, imagesDone);
  }

  /** Encodes {@code data} a batch at a time, converting 8-bit pixels only a batch at a time too. */
  private static Encodings encode(Vae model, Dataset data, LongConsumer imagesDone) {
    int d = data.features(), latent = model.config().latent(), count = data.count();
    Backend backend = model.backend();
    float[] mu = new float[count * latent], logvar = new float[count * latent];
    int capacity = model.network().inferenceRows(Math.min(BATCH, count), 1);
    Workspace ws = model.network().workspace(capacity, false);
    IndexTensor labels = labels(model, data);
    try {
      float[] stats = new float[2 * capacity * latent];
      data.forEachBlock(capacity * d, (src, offset, first, rows) -> {
        backend.upload(src, offset, ws.input(), 0, rows * d);
        if (labels != null) ws.condition(labels, null, first);
        model.network().encodeInParts(ws, rows);
        backend.download(ws.stats(), 0, stats, 0, 2 * rows * latent);
        for (int r = 0; r < rows; r++) {
          System.arraycopy(stats, 2 * r * latent, mu, (first + r) * latent, latent);
          System.arraycopy(stats, 2 * r * latent + latent, logvar, (first + r) * latent, latent);
        }
        imagesDone.accept(first + rows);
      });
    } finally {
      ws.release(backend);
      if (labels != null) backend.release(labels);
    }
    return new Encodings(mu, logvar, count, latent);
  }

  /**
   * A conditional model's labels of {@code data}, on its backend (null for a plain VAE): its encoder
   * reads each image with its class.
   *
   * @throws IllegalArgumentException when {@code data} has no labels
   */
  static IndexTensor labels(Vae model, Dataset data) {
    if (!model.config().conditioning().conditional()) return null;
    if (data.labels() == null) {
      throw new IllegalArgumentException("a conditional model encodes each image with its class, and " + data.name()
          + " has no labels");
    }
    return model.uploadLabels(data.labels());
  }

  /**
   * The {@code k} most active latent dimensions, most active first: by the variance over the
   * images of their latent means, Var_x(E[z_j | x]), the activity measure of Burda et al. (2016),
   * who call a dimension active above 0.01. A dimension the encoder ignores keeps the prior's
   * mean for every image (variance near 0) and decodes to the same picture wherever it is moved.
   */
  public int[] mostActive(int k) {
    double[] variance = meanVariances();
    return java.util.stream.IntStream.range(0, latent).boxed()
        .sorted((a, b) -> Double.compare(variance[b], variance[a])).limit(k).mapToInt(Integer::intValue).toArray();
  }

  /** Per latent dimension, the variance over the images of the latent means (two-pass, in double). */
  public double[] meanVariances() {
    double[] mean = new double[latent], variance = new double[latent];
    for (int i = 0; i < count; i++) for (int j = 0; j < latent; j++) mean[j] += mu[i * latent + j];
    for (int j = 0; j < latent; j++) mean[j] /= Math.max(1, count);
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < latent; j++) {
        double d = mu[i * latent + j] - mean[j];
        variance[j] += d * d;
      }
    }
    for (int j = 0; j < latent; j++) variance[j] /= Math.max(1, count);
    return variance;
  }

  /** A copy of image {@code i}'s latent mean. */
  public float[] mean(int i) {
    float[] out = new float[latent];
    System.arraycopy(mu, i * latent, out, 0, latent);
    return out;
  }
}
