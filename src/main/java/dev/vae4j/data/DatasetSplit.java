package dev.vae4j.data;

/**
 * A dataset's training images and, when it has them, its own test images (null otherwise).
 *
 * @param source how the data was named by the user ({@code digits} or a folder), for run records
 */
public record DatasetSplit(String source, Dataset train, Dataset test) {
  public DatasetSplit {
    if (train == null) throw new IllegalArgumentException(source + ": no training images");
    if (test != null && (test.height() != train.height() || test.width() != train.width())) {
      throw new IllegalArgumentException(source + ": test images are " + test.height() + "x" + test.width()
          + " but training images are " + train.height() + "x" + train.width());
    }
  }
}
