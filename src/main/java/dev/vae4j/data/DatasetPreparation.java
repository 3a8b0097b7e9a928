package dev.vae4j.data;

import dev.vae4j.io.HeapBudget;
import java.util.stream.IntStream;

/**
 * {@code --image-size} and {@code --channels} applied to a dataset already in memory (IDX, the
 * bundled digits, NumPy arrays), image by image on all cores; 8-bit data stays 8-bit (rounded),
 * float data stays float. Labels and class names are kept.
 */
final class DatasetPreparation {
  private DatasetPreparation() {}

  /** {@code split} prepared as {@code preparation} says; {@code split} itself when it changes nothing. */
  static DatasetSplit apply(DatasetSplit split, ImagePreparation preparation) throws DataException {
    if (preparation.isNone()) return split;
    Dataset test = split.test() == null ? null : apply(split.test(), preparation);
    return new DatasetSplit(split.source(), apply(split.train(), preparation), test, split.detected());
  }

  /** {@code data} prepared as {@code preparation} says. */
  static Dataset apply(Dataset data, ImagePreparation preparation) throws DataException {
    int c = data.channels(), h = data.height(), w = data.width();
    int pc = preparation.channels(c), ph = preparation.height(h), pw = preparation.width(w);
    if (preparation.keeps(c, h, w)) return data;
    int d = pc * ph * pw;
    long values = (long) data.count() * d, total = values * (data.isEightBit() ? 1 : Float.BYTES);
    if (values > IdxReader.MAX_ELEMENTS || !HeapBudget.fits(total)) {
      throw new DataException(data.name() + ": " + data.count() + " images of " + pc + "x" + ph + "x" + pw + " need "
          + (values > IdxReader.MAX_ELEMENTS ? String.format(java.util.Locale.ROOT, "%,d values, more than one Java array holds", values)
              : HeapBudget.shortfall(total)));
    }
    byte[] bytes = data.isEightBit() ? new byte[(int) values] : null;
    float[] floats = data.isEightBit() ? null : new float[(int) values];
    IntStream.range(0, data.count()).parallel().forEach(i -> {
      float[] prepared = preparation.apply(data.image(i), c, h, w);
      if (bytes != null) {
        for (int k = 0; k < d; k++) bytes[i * d + k] = (byte) Math.min(255, Math.max(0, Math.round(prepared[k] * 255f)));
      } else {
        System.arraycopy(prepared, 0, floats, i * d, d);
      }
    });
    String name = data.name() + " (" + preparation + ")";
    Dataset out = bytes != null ? Dataset.ofBytes(name, bytes, data.labels(), data.count(), pc, ph, pw)
        : new Dataset(name, floats, data.labels(), data.count(), pc, ph, pw);
    return data.classNames() == null ? out : out.withClassNames(data.classNames());
  }
}
