package dev.vae4j.eval;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
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
    int capacity = Math.max(1, Math.min(BATCH, count));
    Workspace ws = model.network().workspace(capacity, false);
    try {
      float[] stats = new float[2 * capacity * latent];
      data.forEachBlock(capacity * d, (src, offset, first, rows) -> {
        backend.upload(src, offset, ws.input(), 0, rows * d);
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
    }
    return new Encodings(mu, logvar, count, latent);
  }

  /** A copy of image {@code i}'s latent mean. */
  public float[] mean(int i) {
    float[] out = new float[latent];
    System.arraycopy(mu, i * latent, out, 0, latent);
    return out;
  }
}
