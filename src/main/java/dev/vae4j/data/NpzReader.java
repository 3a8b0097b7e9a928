package dev.vae4j.data;

import dev.vae4j.io.RegularFiles;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Images from a {@code .npz} file ({@code np.savez} or {@code np.savez_compressed}: a zip of
 * {@code .npy} files, stored or deflated). The arrays are found by name: images {@code x_train} with
 * {@code x_test} as the test split (Keras' {@code mnist.npz} style), else {@code images} or {@code x},
 * else the only array of rank 3 or 4 (see {@link NpyImages} for shapes and dtypes); labels, optional,
 * {@code y_train}/{@code y_test} beside {@code x_train}/{@code x_test}, else {@code labels} or {@code y}
 * ({@link NpyLabels}); class names, optional, {@code class_names} or {@code classes}. Other arrays are
 * ignored.
 */
public final class NpzReader {
  private NpzReader() {}

  /** The images (and labels, class names, test split) of {@code file}. */
  public static DatasetSplit load(Path file) throws IOException {
    if (!Files.exists(file)) throw new DataException(file + ": no such file");
    RegularFiles.require(file, ".npz file"); // a FIFO would block the read
    try (ZipFile zip = new ZipFile(file.toFile())) {
      return new Archive(file, zip).split();
    } catch (ZipException e) {
      throw new DataException(file + ": not a readable .npz (zip) file (" + e.getMessage() + ")", e);
    }
  }

  /** One open archive: its arrays by name (without {@code .npy}), headers read as they are needed. */
  private static final class Archive {
    private final Path file;
    private final ZipFile zip;
    private final Map<String, ZipEntry> arrays = new LinkedHashMap<>();

    Archive(Path file, ZipFile zip) {
      this.file = file;
      this.zip = zip;
      zip.stream().filter(e -> !e.isDirectory() && e.getName().endsWith(".npy"))
          .forEach(e -> arrays.put(e.getName().substring(0, e.getName().length() - 4), e));
    }

    DatasetSplit split() throws IOException {
      String trainName, testName = null, labelsName, testLabelsName = null;
      if (arrays.containsKey("x_train")) {
        trainName = "x_train";
        labelsName = present("y_train");
        if (arrays.containsKey("x_test")) {
          testName = "x_test";
          testLabelsName = present("y_test");
        } else if (arrays.containsKey("y_test")) {
          throw new DataException(name("y_test") + ": test labels but no x_test images");
        }
      } else {
        if (arrays.containsKey("x_test")) throw new DataException(name("x_test") + ": test images but no x_train training images");
        trainName = oneOf("images", "x");
        if (trainName == null) trainName = onlyImages();
        labelsName = oneOf("labels", "y");
      }
      String classNamesName = oneOf("class_names", "classes");
      if (classNamesName != null && labelsName == null) {
        throw new DataException(name(classNamesName) + ": class names but no labels for " + trainName);
      }
      Dataset train = images(trainName, labelsName, classNamesName);
      Dataset test = testName == null ? null : images(testName, testLabelsName, classNamesName);
      if (test != null && (test.channels() != train.channels() || test.height() != train.height() || test.width() != train.width())) {
        throw new DataException(name(testName) + ": test images are " + size(test) + " but the training images are " + size(train));
      }
      return new DatasetSplit(file.toString(), train, test);
    }

    /** The images {@code imagesName} names, with the labels {@code labelsName} names (or none) and their class names. */
    private Dataset images(String imagesName, String labelsName, String classNamesName) throws IOException {
      // The images' header says how many labels to expect; the labels go into the dataset as it is made.
      int count = read(imagesName, (header, in, remaining) -> NpyImages.layout(header, name(imagesName)).count());
      int[] labels = labelsName == null ? null
          : read(labelsName, (header, in, remaining) -> NpyLabels.labels(header, in, remaining, count, name(labelsName)));
      Dataset images = read(imagesName, (header, in, remaining) -> NpyImages.read(header, in, remaining, labels, name(imagesName)));
      if (labels == null || classNamesName == null) return images;
      List<String> names = read(classNamesName, (header, in, remaining) -> NpyLabels.classNames(header, in, remaining, name(classNamesName)));
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] >= names.size()) {
          throw new DataException(name(labelsName) + ": label " + labels[i] + " at [" + i + "] has no class name ("
              + names.size() + " in " + classNamesName + ")");
        }
      }
      return images.withClassNames(names);
    }

    /** Whichever of two names the archive holds (null for neither); holding both is ambiguous. */
    private String oneOf(String a, String b) throws DataException {
      if (arrays.containsKey(a) && arrays.containsKey(b)) {
        throw new DataException(file + ": holds both " + a + " and " + b + "; keep one of them");
      }
      return arrays.containsKey(a) ? a : present(b);
    }

    private String present(String array) {
      return arrays.containsKey(array) ? array : null;
    }

    /** The one array of rank 3 or 4, when no array has an images name. */
    private String onlyImages() throws IOException {
      List<String> candidates = new ArrayList<>();
      for (String array : arrays.keySet()) {
        int rank = read(array, (header, in, remaining) -> header.shape().length);
        if (rank == 3 || rank == 4) candidates.add(array);
      }
      if (candidates.size() == 1) return candidates.get(0);
      String names = "name the images x_train (with x_test), images or x";
      if (candidates.isEmpty()) {
        throw new DataException(file + ": no array of images (rank 3 or 4) among " + (arrays.isEmpty() ? "no arrays" : arrays.keySet()) + "; " + names);
      }
      throw new DataException(file + ": several arrays could be the images " + candidates + "; " + names);
    }

    /** What reads one array from its header and the stream after it. */
    @FunctionalInterface
    private interface ArrayReader<T> {
      T read(NpyHeader header, InputStream in, long remaining) throws IOException;
    }

    /** Opens {@code array}'s entry, reads its header and hands both to {@code reader}. */
    private <T> T read(String array, ArrayReader<T> reader) throws IOException {
      ZipEntry entry = arrays.get(array);
      try (InputStream in = new BufferedInputStream(zip.getInputStream(entry), 1 << 16)) {
        NpyReader.Start start = NpyReader.readHeader(in, name(array));
        long size = entry.getSize();
        return reader.read(start.header(), in, size < 0 ? -1 : Math.max(0, size - start.bytes()));
      } catch (ZipException e) {
        throw new DataException(name(array) + ": corrupt compressed data (" + e.getMessage() + ")", e);
      } catch (EOFException e) {
        throw new DataException(name(array) + ": truncated compressed data", e);
      }
    }

    /** How messages and datasets name an array: the file, a colon, the array's entry. */
    private String name(String array) {
      return file + ":" + array + ".npy";
    }

    private static String size(Dataset d) {
      return (d.channels() == 1 ? "" : d.channels() + "x") + d.height() + "x" + d.width();
    }
  }
}
