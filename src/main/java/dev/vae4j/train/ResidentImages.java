package dev.vae4j.train;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Tensor;
import dev.vae4j.data.Dataset;

/**
 * Uploads the images that a training run keeps in the backend for its whole length, one dataset
 * after another in one tensor: as 8-bit pixels ({@link Backend#allocatePixels}) when every dataset
 * holds them so, else as floats, a block at a time, so the set never exists as floats on the heap.
 */
public final class ResidentImages {
  private ResidentImages() {}

  /** A tensor of every image of {@code datasets}, in order; all must have {@code features} pixels per image. */
  public static Tensor upload(Backend backend, int features, Dataset... datasets) {
    long total = 0;
    boolean eightBit = true;
    for (Dataset d : datasets) {
      if (d.features() != features) {
        throw new IllegalArgumentException("the model takes " + features + " pixels per image but " + d.name()
            + " has " + d.features());
      }
      total += (long) d.count() * features;
      eightBit &= d.isEightBit();
    }
    Tensor images = eightBit ? backend.allocatePixels(total) : backend.allocate(total);
    long at = 0;
    for (Dataset d : datasets) {
      long start = at;
      if (eightBit) {
        backend.uploadPixels(d.eightBitPixels(), 0, images, start, d.count() * features);
      } else {
        d.forEachBlock((src, offset, first, n) -> backend.upload(src, offset, images, start + (long) first * features,
            n * features));
      }
      at += (long) d.count() * features;
    }
    return images;
  }
}
