package dev.vae4j.data;

/**
 * A dataset's training images and, when it has them, its own test images (null otherwise).
 *
 * @param source how the data was named by the user ({@code digits} or a folder), for run records
 * @param detected what the data was recognised as, for the line {@code train} prints (e.g. "image
 *     folder, 3 classes (cat, dog, fox), 1,204 train / 301 test images of 3x64x64, decoded in 2.1 s"),
 *     or null where the source says it all
 */
public record DatasetSplit(String source, Dataset train, Dataset test, String detected) {
  /** A split without a detection line. */
  public DatasetSplit(String source, Dataset train, Dataset test) {
    this(source, train, test, null);
  }

  public DatasetSplit {
    if (train == null) throw new IllegalArgumentException(source + ": no training images");
    if (test != null && (test.channels() != train.channels() || test.height() != train.height() || test.width() != train.width())) {
      throw new IllegalArgumentException(source + ": test images are " + size(test) + " but training images are " + size(train));
    }
  }

  private static String size(Dataset d) {
    return (d.channels() == 1 ? "" : d.channels() + "x") + d.height() + "x" + d.width();
  }
}
