package dev.vae4j.data;

import java.util.SplittableRandom;

/**
 * The input perturbation of Ren et al. (NeurIPS 2019), "Likelihood ratios for out-of-distribution
 * detection": each pixel value, independently with probability {@code rate}, replaced by one drawn
 * uniformly from the 256 grey levels. A model trained on such images (the background model) learns
 * the population-level statistics (how much ink, how smooth) but not the semantics, so the ratio of
 * the two models' likelihoods cancels what they share. Seeded: the same images for the same seed.
 */
public final class PixelNoise {
  /** Ren et al.'s range for the rate, tuned on validation data there; vae4j's default is its middle. */
  public static final double DEFAULT_RATE = 0.2;

  private PixelNoise() {}

  /** A copy of {@code data} (labels and class names kept) with a fraction {@code rate} of its pixel values replaced. */
  public static Dataset replace(Dataset data, double rate, long seed) {
    if (!(rate > 0 && rate <= 1)) throw new IllegalArgumentException("the noise rate must be in (0, 1], got " + rate);
    SplittableRandom random = new SplittableRandom(seed);
    String name = data.name() + " with " + Math.round(rate * 100) + "% noise pixels";
    Dataset noisy;
    if (data.isEightBit()) {
      byte[] pixels = data.eightBitPixels().clone();
      for (int i = 0; i < pixels.length; i++) if (random.nextDouble() < rate) pixels[i] = (byte) random.nextInt(256);
      noisy = Dataset.ofBytes(name, pixels, data.labels(), data.count(), data.channels(), data.height(), data.width());
    } else {
      float[] pixels = data.pixels().clone();
      for (int i = 0; i < pixels.length; i++) if (random.nextDouble() < rate) pixels[i] = random.nextInt(256) / 255f;
      noisy = new Dataset(name, pixels, data.labels(), data.count(), data.channels(), data.height(), data.width());
    }
    return data.classNames() == null ? noisy : noisy.withClassNames(data.classNames());
  }
}
