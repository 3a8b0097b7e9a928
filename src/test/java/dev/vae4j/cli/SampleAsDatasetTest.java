package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sample --as-dataset DIR}: a trained model's draws written as IDX files or an image folder,
 * which {@code train --data DIR} reads back with the right count and shape, grey and colour; its
 * usage errors; an existing folder refused, or moved aside with {@code --overwrite}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleAsDatasetTest {
  @TempDir static Path dir;
  private Path grey, colour;

  @BeforeAll
  void trainTinyModels() throws Exception {
    grey = dir.resolve("grey-run");
    ok("train", "--epochs", "1", "--hidden", "32", "--latent", "3", "--batch-size", "256", "--device", "cpu",
        "--out", grey.toString());
    colour = dir.resolve("colour-run");
    ok("train", "--data", colourFolder(dir.resolve("colour-pictures")).toString(), "--epochs", "1", "--batch-size", "16",
        "--hidden", "32", "--latent", "2", "--device", "cpu", "--out", colour.toString());
  }

  /** {@code dir/<class>/<i>.png}: 12x12 colour images of two classes. */
  private static Path colourFolder(Path dir) throws Exception {
    Random random = new Random(15);
    for (int c = 0; c < 2; c++) {
      Path classDir = Files.createDirectories(dir.resolve(c == 0 ? "warm" : "cool"));
      for (int i = 0; i < 30; i++) {
        BufferedImage image = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 12; y++) {
          for (int x = 0; x < 12; x++) {
            int v = random.nextInt(64) + 4 * x;
            image.setRGB(x, y, c == 0 ? (180 + v / 2) << 16 | v << 8 | 20 : 20 << 16 | v << 8 | (180 + v / 2));
          }
        }
        ImageIO.write(image, "png", classDir.resolve(i + ".png").toFile());
      }
    }
    return dir;
  }

  @Test
  void idxReadsBackAsTheDigitsShapeWithATenthForTesting() throws Exception {
    Path data = dir.resolve("idx");
    CliRun o = ok("sample", "--run", grey.toString(), "--count", "53", "--as-dataset", data.toString(), "--seed", "4",
        "--device", "cpu");
    assertTrue(o.out().contains("wrote 53 samples to " + data + " (idx: 48 training, 5 test images)"), o.out());
    assertEquals(List.of("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte"), names(data));
    assertFalse(Files.exists(dir.resolve("idx.partial")), "the partial folder was renamed");
    DatasetSplit split = Datasets.fromDirectory(data);
    assertShape(split.train(), 48, 1, 28, 28);
    assertShape(split.test(), 5, 1, 28, 28);
    assertTrue(IntStream.of(split.train().labels()).allMatch(l -> l == 0), "an unconditional model's labels are 0");
    // Seeded: the same draws again; another seed, others.
    Path again = dir.resolve("idx-again"), other = dir.resolve("idx-other");
    ok("sample", "--run", grey.toString(), "--count", "53", "--as-dataset", again.toString(), "--seed", "4", "--device", "cpu");
    ok("sample", "--run", grey.toString(), "--count", "53", "--as-dataset", other.toString(), "--seed", "5", "--device", "cpu");
    assertArrayEquals(Files.readAllBytes(data.resolve("train-images-idx3-ubyte")),
        Files.readAllBytes(again.resolve("train-images-idx3-ubyte")));
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(data.resolve("train-images-idx3-ubyte")),
        Files.readAllBytes(other.resolve("train-images-idx3-ubyte"))), "another seed draws other images");
    CliRun train = ok("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "16", "--hidden", "16",
        "--latent", "2", "--validation", "test", "--device", "cpu", "--out", dir.resolve("on-idx").toString());
    assertTrue(train.err().contains("epoch   1"), train.err());
  }

  @Test
  void aFolderReadsBackThroughTrainsImageFolderLayout() throws Exception {
    Path data = dir.resolve("folder");
    ok("sample", "--run", grey.toString(), "--count", "30", "--as-dataset", data.toString(), "--format", "folder",
        "--device", "cpu");
    assertEquals(List.of("0"), names(data), "one class folder, label 0: torchvision's ImageFolder layout");
    List<String> files = names(data.resolve("0"));
    assertEquals(30, files.size());
    assertEquals("000000.png", files.get(0));
    BufferedImage first = ImageIO.read(data.resolve("0").resolve("000000.png").toFile());
    assertEquals(28, first.getWidth());
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, first.getType());
    CliRun train = ok("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "9", "--hidden", "16",
        "--latent", "2", "--device", "cpu", "--out", dir.resolve("on-folder").toString());
    assertTrue(train.err().contains("27 train / 3 test images of 1x28x28"), train.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"idx", "folder"})
  void colourRunsWriteColourDatasets(String format) throws Exception {
    Path data = dir.resolve("colour-" + format);
    ok("sample", "--run", colour.toString(), "--count", "40", "--as-dataset", data.toString(), "--format", format,
        "--device", "cpu");
    if (format.equals("idx")) {
      DatasetSplit split = Datasets.fromDirectory(data);
      assertShape(split.train(), 36, 3, 12, 12);
      assertShape(split.test(), 4, 3, 12, 12);
    } else {
      assertEquals(3, ImageIO.read(data.resolve("0").resolve("000000.png").toFile()).getRaster().getNumBands(), "an RGB PNG");
    }
    CliRun train = ok("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "8", "--hidden", "16",
        "--latent", "2", "--device", "cpu", "--out", dir.resolve("on-colour-" + format).toString());
    assertTrue(train.err().contains("epoch   1"), train.err());
    if (format.equals("folder")) assertTrue(train.err().contains("36 train / 4 test images of 3x12x12"), train.err());
  }

  @Test
  void badValuesAreOneLineUsageErrors() {
    Path data = dir.resolve("never");
    String[][] cases = {
        {"--count", "0"}, {"--format", "png"}, {"--out", dir.resolve("x.png").toString()},
    };
    String[] expected = {"--count must be > 0, got 0", "--format must be idx or folder, got 'png'",
        "give either --out FILE (a PNG grid) or --as-dataset DIR (a dataset), not both"};
    for (int i = 0; i < cases.length; i++) {
      String[] args = Stream.concat(Stream.of("sample", "--run", grey.toString(), "--as-dataset", data.toString(),
          "--device", "cpu"), Stream.of(cases[i])).toArray(String[]::new);
      CliRun o = run(args);
      assertEquals(2, o.code(), o.err());
      assertEquals("vae4j: error: " + expected[i], o.err().lines().findFirst().orElse(""));
      assertFalse(Files.exists(data), "nothing written");
    }
  }

  @Test
  void aNonEmptyFolderIsRefusedUnlessOverwriteMovesItAside() throws Exception {
    Path data = Files.createDirectories(dir.resolve("taken"));
    Files.writeString(data.resolve("mine.txt"), "keep me");
    CliRun o = run("sample", "--run", grey.toString(), "--count", "20", "--as-dataset", data.toString(), "--device", "cpu");
    assertEquals(2, o.code(), o.err());
    assertEquals(List.of("vae4j: error: " + data + " is not empty", "choose another --as-dataset or pass --overwrite"),
        o.err().strip().lines().toList());
    CliRun over = ok("sample", "--run", grey.toString(), "--count", "20", "--as-dataset", data.toString(), "--overwrite",
        "--device", "cpu");
    assertTrue(Files.exists(data.resolve("train-images-idx3-ubyte")));
    assertFalse(Files.exists(data.resolve("mine.txt")));
    String moved = over.err().lines().filter(l -> l.startsWith("vae4j: moved the old " + data + " to ")).findFirst()
        .orElseThrow(() -> new AssertionError("no line naming where the old folder went: " + over.err()));
    Path aside = Path.of(moved.substring(moved.lastIndexOf(" to ") + 4));
    assertTrue(aside.getFileName().toString().startsWith("taken.replaced-"), moved);
    assertEquals("keep me", Files.readString(aside.resolve("mine.txt")), over.err());
    Path empty = Files.createDirectories(dir.resolve("empty"));
    ok("sample", "--run", grey.toString(), "--count", "20", "--as-dataset", empty.toString(), "--device", "cpu");
    assertTrue(Files.exists(empty.resolve("train-images-idx3-ubyte")), "an empty folder is used as it is");
  }

  private static void assertShape(Dataset d, int count, int channels, int height, int width) {
    assertEquals(count, d.count(), d.name());
    assertEquals(channels, d.channels(), d.name());
    assertEquals(height, d.height(), d.name());
    assertEquals(width, d.width(), d.name());
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
