package dev.vae4j.data;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.IntStream;
import javax.imageio.stream.FileImageInputStream;

/**
 * Reads the files of an image folder on all cores (a parallel stream over the files): their
 * headers first, then their pixels. Of several bad files, the first in the folder's order is the one
 * reported, whichever thread met it first.
 */
final class FolderDecoding {
  private FolderDecoding() {}

  /** Told how many files are done, from any thread. */
  interface Counter {
    void done(int files);
  }

  /** The header of every file, in order. */
  static List<ImageDecoder.Header> headers(List<ImageFolderLayout.ImageFile> files) throws DataException {
    ImageDecoder.Header[] out = new ImageDecoder.Header[files.size()];
    forEach(files.size(), i -> {
      Path path = files.get(i).path();
      out[i] = ImageDecoder.header(() -> new FileImageInputStream(path.toFile()), path.toString());
    }, n -> {});
    return List.of(out);
  }

  /** One image's 8-bit planes, written into the set's pixels. */
  interface Sink {
    void accept(int index, DecodedImage image) throws DataException;
  }

  /** Decodes every file, handing each image to {@code sink} as it comes (from several threads). */
  static void decode(List<ImageFolderLayout.ImageFile> files, Sink sink, Counter progress) throws DataException {
    forEach(files.size(), i -> {
      Path path = files.get(i).path();
      sink.accept(i, ImageDecoder.decode(() -> new FileImageInputStream(path.toFile()), path.toString()));
    }, progress);
  }

  private interface Job {
    void run(int index) throws DataException;
  }

  private static void forEach(int count, Job job, Counter progress) throws DataException {
    AtomicReferenceArray<DataException> failures = new AtomicReferenceArray<>(count);
    AtomicInteger firstFailure = new AtomicInteger(Integer.MAX_VALUE), done = new AtomicInteger();
    IntStream.range(0, count).parallel().forEach(i -> {
      if (i > firstFailure.get()) return; // a file before it failed: the report is decided
      try {
        job.run(i);
      } catch (DataException e) {
        failures.set(i, e);
        firstFailure.accumulateAndGet(i, Math::min);
      }
      progress.done(done.incrementAndGet());
    });
    int first = firstFailure.get();
    if (first != Integer.MAX_VALUE) throw failures.get(first);
  }
}
