package dev.vae4j.data;

/**
 * A dataset's training images and, when it has them, its own test images (null otherwise).
 *
 * @param source how the data was named by the user ({@code digits} or a folder), for run records
 */
public record DatasetSplit(String source, Dataset train, Dataset test) {
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
