package dev.vae4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The image files of a folder as {@code --data DIR} reads them, torchvision's {@code ImageFolder}
 * convention: {@code DIR/<class>/**.png} (labels = the class folders' names, sorted) or a flat
 * folder of images (no labels); {@code DIR/train/} with {@code DIR/test/} (else {@code DIR/val/})
 * when there is a {@code train/}, each laid out either way; otherwise a seeded split holds out a
 * tenth of each class (see {@link #TEST_FRACTION}). Files and folders whose name starts with a dot
 * ({@code .DS_Store}, {@code .git}) are not looked at; other files that are not images (by their
 * extension) are skipped and counted, or refused with {@code strict}.
 *
 * @param classNames the sorted class folder names, or null for a flat folder
 * @param train the training images, sorted by class then path
 * @param test the test images, or an empty list when there are none
 * @param splitFolders whether train/ and test/ (or val/) folders gave the split, rather than the seed
 * @param skipped files that are not images, skipped
 */
record ImageFolderLayout(Path root, List<String> classNames, List<ImageFile> train, List<ImageFile> test,
    boolean splitFolders, int skipped) {
  /** The file extensions read as images (any case). */
  static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif", "webp");

  /** One image in a class folder of each {@code 1 / TEST_FRACTION} is held out for testing. */
  static final int TEST_FRACTION = 10;

  /** The seed of the split's shuffle, fixed so that every command on a folder sees the same split. */
  static final long SPLIT_SEED = 15;

  /**
   * One image file.
   *
   * @param relative its path below the folder, '/'-separated (what the cache key and messages use)
   * @param label its class, or -1 in a flat folder
   */
  record ImageFile(Path path, String relative, long size, long modifiedMillis, int label) {}

  /** Whether {@code file}'s name ends in one of the image {@link #EXTENSIONS}. */
  static boolean isImageName(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1));
  }

  /** The images of {@code dir}, which must be a folder. */
  static ImageFolderLayout scan(Path dir, boolean strict) throws DataException {
    Counter skipped = new Counter(strict);
    Path trainDir = dir.resolve("train");
    if (Files.isDirectory(trainDir)) {
      Path testDir = Files.isDirectory(dir.resolve("test")) ? dir.resolve("test") : dir.resolve("val");
      Root train = Root.scan(dir, trainDir, null, skipped);
      if (!Files.isDirectory(testDir)) return heldOut(dir, train, skipped.count);
      Root test = Root.scan(dir, testDir, train.classNames, skipped);
      if (train.classNames == null && test.classNames != null) {
        throw new DataException(testDir + ": has class folders, while " + trainDir + " has none");
      }
      return new ImageFolderLayout(dir, train.classNames, train.files, test.files, true, skipped.count);
    }
    return heldOut(dir, Root.scan(dir, dir, null, skipped), skipped.count);
  }

  /** The seeded split: a tenth of each class (rounded down), chosen by a shuffle of its sorted files. */
  private static ImageFolderLayout heldOut(Path dir, Root all, int skipped) {
    List<ImageFile> train = new ArrayList<>(), test = new ArrayList<>();
    int classes = all.classNames == null ? 1 : all.classNames.size();
    for (int label = 0; label < classes; label++) {
      int l = all.classNames == null ? -1 : label;
      List<ImageFile> ofClass = new ArrayList<>(all.files.stream().filter(f -> f.label() == l).toList());
      Collections.shuffle(ofClass, new Random(SPLIT_SEED + label));
      int held = ofClass.size() / TEST_FRACTION;
      test.addAll(ofClass.subList(0, held));
      train.addAll(ofClass.subList(held, ofClass.size()));
    }
    Comparator<ImageFile> order = Comparator.comparingInt(ImageFile::label).thenComparing(ImageFile::relative);
    train.sort(order);
    test.sort(order);
    return new ImageFolderLayout(dir, all.classNames, List.copyOf(train), List.copyOf(test), false, skipped);
  }

  /** Counts the files that are not images, or refuses the first under --strict. */
  private static final class Counter {
    final boolean strict;
    int count;

    Counter(boolean strict) {
      this.strict = strict;
    }

    void notAnImage(Path file) throws DataException {
      if (strict) {
        throw new DataException(file + ": not an image (." + String.join(", .", EXTENSIONS)
            + "); without --strict such files are skipped");
      }
      count++;
    }
  }

  /** The images below one folder: its class folders, or itself when it has none. */
  private record Root(List<String> classNames, List<ImageFile> files) {
    static Root scan(Path top, Path dir, List<String> knownClasses, Counter skipped) throws DataException {
      List<Path> folders = new ArrayList<>(), images = new ArrayList<>();
      for (Path entry : visibleEntries(dir)) {
        if (Files.isDirectory(entry)) {
          folders.add(entry);
        } else if (Files.isRegularFile(entry) && isImageName(entry)) {
          images.add(entry);
        } else {
          skipped.notAnImage(entry);
        }
      }
      if (folders.isEmpty()) {
        if (images.isEmpty()) {
          throw new DataException(dir + ": no images (." + String.join(", .", EXTENSIONS)
              + ") and no MNIST-style IDX files" + (skipped.count > 0 ? " (" + skipped.count + " other files)" : ""));
        }
        if (knownClasses != null) {
          throw new DataException(dir + ": holds images but no class folders, while " + top.resolve("train") + " has class folders");
        }
        List<ImageFile> files = new ArrayList<>();
        for (Path image : images) files.add(file(top, image, -1));
        return new Root(null, files);
      }
      if (!images.isEmpty()) {
        throw new DataException(dir + ": holds both images (" + images.get(0).getFileName() + ") and class folders ("
            + folders.get(0).getFileName() + "/); put every image in its class folder");
      }
      List<String> names = folders.stream().map(f -> f.getFileName().toString()).toList();
      List<String> classNames = knownClasses != null ? knownClasses : names;
      List<ImageFile> files = new ArrayList<>();
      for (Path folder : folders) {
        String name = folder.getFileName().toString();
        int label = classNames.indexOf(name);
        if (label < 0) {
          throw new DataException(folder + ": a class the training folder " + top.resolve("train") + " does not have");
        }
        int before = files.size();
        collect(top, folder, label, skipped, files);
        if (files.size() == before) throw new DataException(folder + ": a class folder with no images");
      }
      return new Root(classNames, files);
    }

    private static List<Path> visibleEntries(Path dir) throws DataException {
      try (Stream<Path> entries = Files.list(dir)) {
        return entries.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
      } catch (IOException | UncheckedIOException e) {
        throw new DataException(dir + ": cannot list it: " + e.getMessage(), e);
      }
    }

    /** Every image below {@code folder} (sub-folders too, as torchvision walks them), sorted by path. */
    private static void collect(Path top, Path folder, int label, Counter skipped, List<ImageFile> into)
        throws DataException {
      List<Path> found;
      try (Stream<Path> walk = Files.walk(folder, FileVisitOption.FOLLOW_LINKS)) {
        found = walk.filter(p -> !hidden(folder, p) && !Files.isDirectory(p)).sorted().toList();
      } catch (UncheckedIOException e) {
        throw walkFailure(folder, e.getCause());
      } catch (IOException e) {
        throw walkFailure(folder, e);
      }
      for (Path p : found) {
        if (Files.isRegularFile(p) && isImageName(p)) {
          into.add(file(top, p, label));
        } else {
          skipped.notAnImage(p);
        }
      }
    }

    private static DataException walkFailure(Path folder, IOException e) {
      return new DataException(folder + (e instanceof FileSystemLoopException ? ": a link loops back to " + e.getMessage()
          : ": cannot list it: " + e.getMessage()), e);
    }

    /** Whether a part of {@code p} below {@code folder} starts with a dot. */
    private static boolean hidden(Path folder, Path p) {
      for (Path part : folder.relativize(p)) {
        if (part.toString().startsWith(".")) return true;
      }
      return false;
    }

    private static ImageFile file(Path top, Path image, int label) throws DataException {
      try {
        BasicFileAttributes a = Files.readAttributes(image, BasicFileAttributes.class);
        String relative = top.relativize(image).toString().replace(image.getFileSystem().getSeparator(), "/");
        return new ImageFile(image, relative, a.size(), a.lastModifiedTime().toMillis(), label);
      } catch (IOException e) {
        throw new DataException(image + ": cannot read it: " + e.getMessage(), e);
      }
    }
  }

  /** All the images, training then test. */
  List<ImageFile> all() {
    List<ImageFile> all = new ArrayList<>(train);
    all.addAll(test);
    return all;
  }
}
