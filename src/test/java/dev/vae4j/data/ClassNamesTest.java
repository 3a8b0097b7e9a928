package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class names: the bundled digits', an IDX folder's (classes.txt, a Fashion-MNIST folder), and --classes by name. */
class ClassNamesTest {
  @TempDir Path dir;

  /** A folder of IDX files: 4 images of 2x2 with labels {@code labels}, in a training and a test file. */
  private Path idxFolder(String name, int... labels) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    Dataset images = Dataset.ofBytes("x", new byte[labels.length * 4], labels, labels.length, 2, 2);
    for (String split : List.of("train", "t10k")) {
      IdxWriter.writeImages(folder.resolve(split + "-images-idx3-ubyte"), images);
      IdxWriter.writeLabels(folder.resolve(split + "-labels-idx1-ubyte"), labels);
    }
    return folder;
  }

  @Test
  void theBundledDigitsNameTheirClassesByTheirNumbers() throws IOException {
    DatasetSplit digits = Datasets.bundledDigits();
    assertEquals(ClassNames.DIGITS, digits.train().classNames());
    assertEquals(ClassNames.DIGITS, digits.test().classNames());
    assertNull(ClassNames.shown(digits.train().classNames()), "names that are only numbers add nothing to outputs");
    assertEquals("7", digits.train().className(7));
  }

  @Test
  void aFashionMnistFolderGetsItsTenNames() throws IOException {
    DatasetSplit fashion = Datasets.fromDirectory(idxFolder("Fashion-MNIST", 0, 1, 9, 3));
    assertEquals(ClassNames.FASHION_MNIST, fashion.train().classNames());
    assertEquals("Ankle boot", fashion.test().className(9));
    assertEquals(ClassNames.FASHION_MNIST, ClassNames.shown(fashion.train().classNames()));
    assertNull(Datasets.fromDirectory(idxFolder("other", 0, 1, 9, 3)).train().classNames(), "other folders' labels stay numbers");
    assertNull(Datasets.fromDirectory(idxFolder("fashion-like", 0, 12, 1, 2)).train().classNames(),
        "labels beyond Fashion-MNIST's ten are not its classes");
  }

  @Test
  void classesTxtNamesAFoldersClasses() throws IOException {
    Path folder = idxFolder("shapes", 0, 2, 1, 2);
    Files.writeString(folder.resolve(ClassNames.FILE), "circle\nsquare\r\ntriangle\n\n");
    DatasetSplit shapes = Datasets.fromDirectory(folder);
    assertEquals(List.of("circle", "square", "triangle"), shapes.train().classNames());
    assertEquals("triangle", shapes.test().className(2));

    Files.writeString(folder.resolve(ClassNames.FILE), "circle\nsquare\n");
    DataException few = assertThrows(DataException.class, () -> Datasets.fromDirectory(folder));
    assertTrue(few.getMessage().contains("classes.txt: names 2 classes but") && few.getMessage().contains("has label 2"), few.getMessage());
    Files.writeString(folder.resolve(ClassNames.FILE), "circle\n\ntriangle\n");
    assertTrue(assertThrows(DataException.class, () -> Datasets.fromDirectory(folder)).getMessage().contains("line 2 is empty"));
    Files.writeString(folder.resolve(ClassNames.FILE), "circle\nCircle\ntriangle\n");
    assertTrue(assertThrows(DataException.class, () -> Datasets.fromDirectory(folder)).getMessage().contains("names 'Circle' again"));
  }

  @Test
  void classesAreChosenByNameInAnyCaseOrByLabel() {
    assertEquals(Set.of(1, 9, 3), ClassNames.labels(List.of("trouser", "Ankle boot", "3"), ClassNames.FASHION_MNIST));
    assertEquals(Set.of(0, 4), ClassNames.labels(List.of("0", "4"), null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClassNames.labels(List.of("boot"), ClassNames.FASHION_MNIST));
    assertTrue(e.getMessage().startsWith("no class 'boot'; the classes are T-shirt/top, Trouser,"), e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ClassNames.labels(List.of("cat"), null)).getMessage()
        .contains("names no classes"));
  }
}
