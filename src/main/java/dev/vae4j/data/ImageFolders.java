package dev.vae4j.data;

import dev.vae4j.io.HeapBudget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Loads a folder of images ({@link ImageFolderLayout} says which files and labels) into 8-bit
 * datasets: the headers first (every size and colour known before a pixel is decoded, so mixed
 * sizes and a set too big for the heap are refused at once), then the pixels, on all cores, each
 * image brought to the common size and channels as it is decoded. The result is cached ({@link
 * DecodedFolderCache}); the next load of the unchanged folder reads it back.
 *
 * <p>Channels: 1 when every image is grey (grey colour model, or a palette of greys), else 3,
 * grey images then copied to red, green and blue; {@code --channels} overrides. Sizes: all images
 * must share one unless {@code --image-size} brings them to one. Memory: a folder needs {@code
 * images x channels x height x width} bytes of heap (60,000 colour images of 64x64 take 737 MB),
 * and at most 2.1 GB (one Java array).
 */
public final class ImageFolders {
  /** A progress display over images: told how many are done, then closed. */
  public interface Progress extends LongConsumer, AutoCloseable {
    @Override
    void close();
  }

  /** Makes a {@link Progress} for a task over a number of images. */
  public interface ProgressFactory {
    Progress start(String task, long images);
  }

  private static volatile ProgressFactory progress = (task, images) -> new Progress() {
    @Override
    public void accept(long done) {}

    @Override
    public void close() {}
  };

  private ImageFolders() {}

  /** Shows the decoding of every folder from now on through {@code factory} (the CLI's bar, on a terminal). */
  public static void setProgress(ProgressFactory factory) {
    progress = Objects.requireNonNull(factory);
  }

  /** The images of {@code dir} prepared as {@code data} asks, using (and filling) the cache under {@code cacheRoot}. */
  static DatasetSplit load(Path dir, DataSpec data, Path cacheRoot) throws DataException {
    long start = System.nanoTime();
    ImageFolderLayout layout = ImageFolderLayout.scan(dir, data.strict());
    ImagePreparation preparation = ImagePreparation.of(data);
    DecodedFolderCache cache = new DecodedFolderCache(cacheRoot);
    byte[] key = DecodedFolderCache.key(layout, preparation);
    DatasetSplit cached = cache.read(key, data.source());
    if (cached != null) return described(cached, layout, "read from the cache in " + seconds(start) + " (cached)");
    DatasetSplit decoded = decode(layout, preparation, data.source());
    String how = "decoded in " + seconds(start);
    try {
      cache.write(key, decoded);
    } catch (IOException e) {
      how += " (not cached: " + e.getMessage() + ")";
    }
    return described(decoded, layout, how);
  }

  private static DatasetSplit decode(ImageFolderLayout layout, ImagePreparation preparation, String name)
      throws DataException {
    List<ImageFolderLayout.ImageFile> files = layout.all();
    List<ImageDecoder.Header> headers = FolderDecoding.headers(files);
    int channels = preparation.channels(headers.stream().allMatch(ImageDecoder.Header::grey) ? 1 : 3);
    ImageDecoder.Header first = headers.get(0);
    if (preparation.size() == null) {
      for (int i = 1; i < headers.size(); i++) {
        ImageDecoder.Header h = headers.get(i);
        if (h.width() != first.width() || h.height() != first.height()) {
          throw new DataException(String.format(Locale.ROOT,
              "%s: images of different sizes: %s is %dx%d, %s is %dx%d; --image-size N (or HxW) brings every image to one size",
              layout.root(), files.get(0).path(), first.height(), first.width(), files.get(i).path(), h.height(), h.width()));
        }
      }
    }
    int height = preparation.height(first.height()), width = preparation.width(first.width());
    long features = (long) channels * height * width, bytes = features * files.size();
    if (bytes > IdxReader.MAX_ELEMENTS) {
      throw new DataException(layout.root() + ": " + files.size() + " images of " + channels + "x" + height + "x" + width
          + " need " + HeapBudget.size(bytes) + ", more than one array holds (2.1 GB); --image-size makes them smaller");
    }
    if (!HeapBudget.fits(bytes)) {
      throw new DataException(layout.root() + ": " + files.size() + " images of " + channels + "x" + height + "x" + width
          + " need " + HeapBudget.shortfall(bytes));
    }
    int trainCount = layout.train().size(), testCount = layout.test().size();
    byte[] trainPixels = new byte[(int) (trainCount * features)], testPixels = new byte[(int) (testCount * features)];
    ImagePreparation toCommon = new ImagePreparation(preparation.size(), channels);
    try (Progress bar = progress.start("decoding " + layout.root().getFileName(), files.size())) {
      FolderDecoding.decode(files, (i, image) -> {
        if (preparation.size() == null && (image.height() != height || image.width() != width)) {
          throw new DataException(files.get(i).path() + ": decoded as " + image.height() + "x" + image.width()
              + " but its header says " + headers.get(i).height() + "x" + headers.get(i).width());
        }
        if (i < trainCount) {
          toCommon.applyTo(image, trainPixels, (int) (i * features));
        } else {
          toCommon.applyTo(image, testPixels, (int) ((i - trainCount) * features));
        }
      }, done -> {
        synchronized (bar) {
          bar.accept(done);
        }
      });
    }
    Dataset train = part(name + " (train)", trainPixels, layout.train(), layout, channels, height, width);
    Dataset test = testCount == 0 ? null : part(name + " (test)", testPixels, layout.test(), layout, channels, height, width);
    return new DatasetSplit(name, train, test);
  }

  private static Dataset part(String name, byte[] pixels, List<ImageFolderLayout.ImageFile> files,
      ImageFolderLayout layout, int channels, int height, int width) {
    int[] labels = layout.classNames() == null ? null : files.stream().mapToInt(ImageFolderLayout.ImageFile::label).toArray();
    Dataset d = Dataset.ofBytes(name, pixels, labels, files.size(), channels, height, width);
    return labels == null ? d : d.withClassNames(layout.classNames());
  }

  /** {@code split} with its one-line description. */
  private static DatasetSplit described(DatasetSplit split, ImageFolderLayout layout, String how) {
    List<String> parts = new ArrayList<>();
    List<String> classes = layout.classNames();
    String kind = "image folder" + (classes == null ? " (no classes)"
        : ", " + classes.size() + (classes.size() == 1 ? " class (" : " classes (") + DataDescription.names(classes) + ")");
    parts.add(kind);
    Dataset train = split.train(), test = split.test();
    parts.add(String.format(Locale.ROOT, "%,d train / %,d test images of %dx%dx%d (%s)", train.count(),
        test == null ? 0 : test.count(), train.channels(), train.height(), train.width(),
        layout.splitFolders() ? "train/ and test/ folders" : "a tenth held out, seeded"));
    if (layout.skipped() > 0) {
      parts.add(layout.skipped() == 1 ? "1 file that is not an image skipped"
          : String.format(Locale.ROOT, "%,d files that are not images skipped", layout.skipped()));
    }
    parts.add(how);
    return new DatasetSplit(split.source(), train, test, String.join(", ", parts));
  }

  private static String seconds(long startNanos) {
    return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
  }
}
