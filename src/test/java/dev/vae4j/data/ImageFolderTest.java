package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders of images: their layouts, labels, splits, preparation, refusals and cache. */
class ImageFolderTest {
  @TempDir Path dir;
  @TempDir Path cache;

  private DatasetSplit load(Path folder, ImageSize size, int channels, boolean strict) throws DataException {
    return ImageFolders.load(folder, new DataSpec(folder.toString(), null, size, channels, strict), cache);
  }

  private DatasetSplit load(Path folder) throws DataException {
    return load(folder, null, 0, false);
  }

  private static String refusal(Loading call) {
    return assertThrows(DataException.class, call::run).getMessage();
  }

  private interface Loading {
    void run() throws DataException;
  }

  @Test
  void classFoldersGiveSortedLabelsWithNamesAndASeededTenthForTesting() throws IOException {
    ImageFixtures.colourClasses(dir, new String[] {"fox", "cat", "dog"}, 20, 8, 1);
    DatasetSplit split = load(dir);
    Dataset train = split.train(), test = split.test();
    assertEquals(List.of("cat", "dog", "fox"), train.classNames());
    assertEquals(List.of("cat", "dog", "fox"), test.classNames());
    assertEquals(54, train.count());
    assertEquals(6, test.count(), "two of each class's 20");
    assertEquals(3, train.channels());
    assertEquals(8, train.height());
    assertEquals(2, Arrays.stream(test.labels()).filter(l -> l == 1).count());
    assertTrue(split.detected().startsWith("image folder, 3 classes (cat, dog, fox), 54 train / 6 test images of 3x8x8"),
        split.detected());
    // Again: the same split, from the cache.
    DatasetSplit again = load(dir);
    assertArrayEquals(train.eightBitPixels(), again.train().eightBitPixels());
    assertArrayEquals(test.labels(), again.test().labels());
    assertTrue(again.detected().endsWith("(cached)"), again.detected());
    assertEquals(List.of("cat", "dog", "fox"), again.train().classNames());
  }

  @Test
  void pixelsAreTheImagesInClassThenNameOrder() throws IOException {
    ImageFixtures.write(ImageFixtures.grey(4, 3, 10), "png", dir.resolve("b/x.png"));
    ImageFixtures.write(ImageFixtures.grey(4, 3, 20), "png", dir.resolve("a/y.png"));
    ImageFixtures.write(ImageFixtures.grey(4, 3, 30), "bmp", dir.resolve("a/sub/z.bmp"));
    Dataset train = load(dir).train();
    assertEquals(1, train.channels());
    assertArrayEquals(new int[] {0, 0, 1}, train.labels());
    byte[] p = train.eightBitPixels();
    int px = 2 * 4 + 1; // pixel (1, 2)
    assertEquals(ImageFixtures.greyAt(1, 2, 30), p[px] & 0xff, "a/sub/z.bmp ('sub' sorts before 'y.png')");
    assertEquals(ImageFixtures.greyAt(1, 2, 20), p[12 + px] & 0xff, "a/y.png");
    assertEquals(ImageFixtures.greyAt(1, 2, 10), p[24 + px] & 0xff, "b/x.png");
  }

  @Test
  void trainAndTestFoldersGiveTheSplitAndValWorksAsTest() throws IOException {
    ImageFixtures.colourClasses(dir.resolve("train"), new String[] {"a", "b"}, 5, 6, 2);
    ImageFixtures.colourClasses(dir.resolve("val"), new String[] {"b"}, 2, 6, 3);
    DatasetSplit split = load(dir);
    assertEquals(10, split.train().count());
    assertEquals(2, split.test().count());
    assertArrayEquals(new int[] {1, 1}, split.test().labels(), "labels by the training folder's classes");
    assertTrue(split.detected().contains("train/ and test/ folders"), split.detected());
    ImageFixtures.colourClasses(dir.resolve("val"), new String[] {"c"}, 1, 6, 4);
    assertTrue(refusal(() -> load(dir)).contains("c: a class the training folder"));
  }

  @Test
  void aFlatTrainFolderWithClassFoldersForTestingIsRefused() throws IOException {
    for (int i = 0; i < 3; i++) ImageFixtures.write(ImageFixtures.rgb(4, 4, i), "png", dir.resolve("train/" + i + ".png"));
    ImageFixtures.colourClasses(dir.resolve("test"), new String[] {"a"}, 1, 4, 1);
    assertEquals(dir.resolve("test") + ": has class folders, while " + dir.resolve("train") + " has none",
        refusal(() -> load(dir)));
  }

  @Test
  void aFlatFolderHasNoLabelsAndFewImagesNoTestSet() throws IOException {
    for (int i = 0; i < 5; i++) ImageFixtures.write(ImageFixtures.rgb(5, 5, i), "png", dir.resolve(i + ".png"));
    DatasetSplit split = load(dir);
    assertFalse(split.train().hasLabels());
    assertEquals(5, split.train().count());
    assertNull(split.test(), "a tenth of 5 is none");
    assertTrue(split.detected().startsWith("image folder (no classes), 5 train / 0 test"), split.detected());
  }

  @Test
  void greyAndColourMixedIsColourWithGreyReplicatedAndChannelsOneIsLuma() throws IOException {
    ImageFixtures.write(ImageFixtures.grey(3, 2, 40), "png", dir.resolve("a.png"));
    ImageFixtures.write(ImageFixtures.rgb(3, 2, 50), "png", dir.resolve("b.png"));
    Dataset colour = load(dir).train();
    assertEquals(3, colour.channels());
    byte[] p = colour.eightBitPixels();
    for (int c = 0; c < 3; c++) assertEquals(ImageFixtures.greyAt(2, 1, 40), p[c * 6 + 5] & 0xff, "grey copied to plane " + c);
    Dataset grey = load(dir, null, 1, false).train();
    assertEquals(1, grey.channels());
    int rgb = ImageFixtures.rgbAt(2, 1, 50);
    double luma = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
    assertEquals(luma, grey.eightBitPixels()[6 + 5] & 0xff, 0.51);
  }

  @Test
  void mixedSizesNameTwoFilesAndTheOptionAndImageSizeBringsThemToOne() throws IOException {
    Path small = ImageFixtures.write(ImageFixtures.rgb(4, 4, 1), "png", dir.resolve("a.png"));
    Path big = ImageFixtures.write(ImageFixtures.rgb(8, 6, 1), "png", dir.resolve("b.png"));
    String m = refusal(() -> load(dir));
    assertTrue(m.contains(small + " is 4x4") && m.contains(big + " is 6x8") && m.contains("--image-size"), m);
    Dataset d = load(dir, new ImageSize(3, 3, 0), 0, false).train();
    assertEquals(3, d.height());
    assertEquals(3, d.width());
    assertEquals(2, d.count());
  }

  @Test
  void filesThatAreNotImagesAreSkippedAndCountedOrRefusedWhenStrict() throws IOException {
    ImageFixtures.colourClasses(dir, new String[] {"a"}, 3, 4, 5);
    Path notes = Files.writeString(dir.resolve("a/notes.txt"), "hello");
    Files.writeString(dir.resolve(".DS_Store"), "finder");
    DatasetSplit split = load(dir);
    assertEquals(3, split.train().count());
    assertTrue(split.detected().contains("1 file that is not an image skipped"), split.detected());
    assertTrue(refusal(() -> load(dir, null, 0, true)).startsWith(notes + ": not an image"));
  }

  @Test
  void aTruncatedImageIsRefusedNamingIt() throws IOException {
    ImageFixtures.colourClasses(dir, new String[] {"a"}, 3, 16, 6);
    Path bad = dir.resolve("a/1.png");
    byte[] all = Files.readAllBytes(bad);
    Files.write(bad, Arrays.copyOf(all, all.length / 2));
    String m = refusal(() -> load(dir));
    assertTrue(m.startsWith(bad + ": "), m);
  }

  @Test
  void emptyFoldersAndClassesAreRefusedClearly() throws IOException {
    assertTrue(refusal(() -> load(dir)).startsWith(dir + ": no images"));
    Files.createDirectories(dir.resolve("cat"));
    ImageFixtures.colourClasses(dir, new String[] {"dog"}, 2, 4, 7);
    assertEquals(dir.resolve("cat") + ": a class folder with no images", refusal(() -> load(dir)));
    Files.writeString(dir.resolve("cat/readme.md"), "none yet");
    assertEquals(dir.resolve("cat") + ": a class folder with no images", refusal(() -> load(dir)));
  }

  @Test
  void imagesBesideClassFoldersAreRefused() throws IOException {
    ImageFixtures.colourClasses(dir, new String[] {"a"}, 2, 4, 8);
    ImageFixtures.write(ImageFixtures.rgb(4, 4, 1), "png", dir.resolve("stray.png"));
    assertTrue(refusal(() -> load(dir)).contains("both images (stray.png) and class folders"));
  }

  @Test
  void aSetTooBigForOneArrayIsRefusedBeforeDecoding() throws IOException {
    for (int i = 0; i < 4; i++) ImageFixtures.write(ImageFixtures.rgb(2, 2, i), "png", dir.resolve(i + ".png"));
    String m = refusal(() -> load(dir, new ImageSize(16384, 16384, 0), 3, false));
    assertTrue(m.contains("4 images of 3x16384x16384 need 3.2 GB"), m);
  }

  @Test
  void aChangedFileIsANewKeyAndADamagedCacheIsIgnoredAndRewritten() throws IOException {
    ImageFixtures.colourClasses(dir, new String[] {"a", "b"}, 4, 4, 9);
    byte[] first = load(dir).train().eightBitPixels();
    List<Path> kept = cacheFiles();
    assertEquals(1, kept.size());
    // Damage one pixel byte in the middle: the checksum catches it.
    byte[] bytes = Files.readAllBytes(kept.get(0));
    bytes[bytes.length - 40] ^= 1;
    Files.write(kept.get(0), bytes);
    DatasetSplit reread = load(dir);
    assertFalse(reread.detected().endsWith("(cached)"), reread.detected());
    assertArrayEquals(first, reread.train().eightBitPixels());
    assertTrue(load(dir).detected().endsWith("(cached)"), "rewritten");
    // A new image content with a new modification time: decoded again.
    Path changed = dir.resolve("a/0.png");
    ImageFixtures.write(ImageFixtures.rgb(4, 4, 200), "png", changed);
    Files.setLastModifiedTime(changed, FileTime.fromMillis(Files.getLastModifiedTime(changed).toMillis() + 5000));
    DatasetSplit fresh = load(dir);
    assertFalse(fresh.detected().endsWith("(cached)"), fresh.detected());
    assertEquals(2, cacheFiles().size());
    // Other preparation options are another key too.
    assertFalse(load(dir, new ImageSize(2, 2, 0), 0, false).detected().endsWith("(cached)"));
  }

  @Test
  void aTruncatedCacheFileIsNotTrusted() throws IOException {
    ImageFixtures.colourClasses(dir, new String[] {"a"}, 3, 4, 10);
    load(dir);
    Path kept = cacheFiles().get(0);
    byte[] bytes = Files.readAllBytes(kept);
    for (int cut : new int[] {0, 10, bytes.length / 2, bytes.length - 1}) {
      Files.write(kept, Arrays.copyOf(bytes, cut));
      assertFalse(load(dir).detected().endsWith("(cached)"), "cut at " + cut);
    }
  }

  @Test
  void datasetsLoadSendsFoldersOfImagesHereAndSingleImagesAway() throws IOException {
    ImageFixtures.colourClasses(dir, new String[] {"a"}, 2, 4, 11);
    Path one = dir.resolve("a/0.png");
    DataException e = assertThrows(DataException.class, () -> Datasets.load(DataSpec.of(one.toString())));
    assertTrue(e.getMessage().startsWith(one + ": a single image"), e.getMessage());
  }

  @Test
  void preparationAppliesToIdxDataToo() throws IOException {
    DatasetSplit digits = Datasets.load(new DataSpec(Datasets.BUNDLED, null, new ImageSize(14, 14, 0), 3, false));
    Dataset train = digits.train(), plain = Datasets.bundledDigits().train();
    assertEquals(3, train.channels());
    assertEquals(14, train.height());
    assertEquals(plain.count(), train.count());
    assertTrue(train.isEightBit());
    assertArrayEquals(plain.labels(), train.labels());
    float[] before = plain.image(0), after = train.image(0);
    float box = (before[10 * 28 + 10] + before[10 * 28 + 11] + before[11 * 28 + 10] + before[11 * 28 + 11]) / 4;
    assertEquals(box, after[5 * 14 + 5], 0.5f / 255 + 1e-6f);
    assertEquals(after[5 * 14 + 5], after[2 * 196 + 5 * 14 + 5], 0f, "grey copied to blue");
    assertNotNull(digits.test());
  }

  private List<Path> cacheFiles() throws IOException {
    try (Stream<Path> s = Files.list(cache.resolve(DecodedFolderCache.FOLDER))) {
      return s.filter(p -> p.toString().endsWith(".bin")).toList();
    }
  }
}
