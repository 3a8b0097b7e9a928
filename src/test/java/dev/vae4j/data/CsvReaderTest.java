package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV images: round trips, and every malformed line refused by file, line and column. */
class CsvReaderTest {
  @TempDir Path dir;

  private Path file(String text) throws IOException {
    Path f = dir.resolve("images.csv");
    Files.writeString(f, text);
    return f;
  }

  private String reject(String text, CsvReader.Format format) throws IOException {
    Path f = file(text);
    DataException e = assertThrows(DataException.class, () -> CsvReader.read(f, format));
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void readsSquareImagesWithLabelsAndBothScales() throws IOException {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder();
    int[] values = new int[3 * 9];
    for (int i = 0; i < 3; i++) {
      csv.append(i + 4);
      for (int j = 0; j < 9; j++) csv.append(',').append(values[i * 9 + j] = random.nextInt(256));
      csv.append(i == 1 ? "\r\n\n" : "\n");
    }
    Dataset d = CsvReader.read(file(csv.toString()), new CsvReader.Format(true, true));
    assertEquals(3, d.count());
    assertEquals(3, d.height());
    assertEquals(3, d.width());
    assertArrayEquals(new int[] {4, 5, 6}, d.labels());
    for (int i = 0; i < values.length; i++) assertEquals(values[i] / 255f, d.pixels()[i], 1e-7, "seed " + seed);

    Dataset plain = CsvReader.read(file("0,0.5,1\n1e-1,.25, 0.75\n"), CsvReader.Format.PLAIN, ImageSize.parse("1x3"));
    assertEquals(1, plain.height());
    assertEquals(3, plain.width());
    assertArrayEquals(new float[] {0, 0.5f, 1, 0.1f, 0.25f, 0.75f}, plain.pixels());
  }

  /** Kaggle's MNIST layout: a header row, the label column named 'label', 0..255 values. */
  @Test
  void aHeaderRowNamesTheColumnsAndItsLabelColumnIsFound() throws IOException {
    StringBuilder csv = new StringBuilder("label");
    for (int p = 0; p < 4; p++) csv.append(",pixel").append(p);
    csv.append("\n7,0,255,51,102\n3,255,0,0,0\n");
    Dataset d = CsvReader.read(file(csv.toString()), new CsvReader.Format(false, true));
    assertEquals(2, d.count());
    assertEquals(2, d.height());
    assertArrayEquals(new int[] {7, 3}, d.labels());
    assertArrayEquals(new float[] {0, 1, 0.2f, 0.4f, 1, 0, 0, 0}, d.pixels());
    // Without a label column, a headed file is pixels only.
    Dataset unlabelled = CsvReader.read(file("p0,p1,p2,p3\n0,1,0,1\n"), CsvReader.Format.PLAIN);
    assertEquals(1, unlabelled.count());
    assertEquals(null, unlabelled.labels());
  }

  @Test
  void theLabelColumnIsNamedOrCountedFromZero() throws IOException {
    String headed = "a,b,Class,c,d\n0,1,2,0,1\n1,0,5,1,0\n";
    for (String column : new String[] {"Class", "class", "2"}) {
      Dataset d = CsvReader.read(file(headed), new CsvReader.Format(false, false, column));
      assertArrayEquals(new int[] {2, 5}, d.labels(), column);
      assertArrayEquals(new float[] {0, 1, 0, 1, 1, 0, 1, 0}, d.pixels(), column);
    }
    Dataset noHeader = CsvReader.read(file("0,1,4,0,1\n"), new CsvReader.Format(false, false, "2"));
    assertArrayEquals(new int[] {4}, noHeader.labels());
    assertTrue(reject(headed, new CsvReader.Format(false, false, "kind")).contains("the header has no column 'kind'"));
    assertTrue(reject("0,1,4,0,1\n", new CsvReader.Format(false, false, "kind")).contains("no header row naming a column 'kind'"));
    assertTrue(reject(headed, new CsvReader.Format(false, false, "5")).contains("no column 5 (--csv-label counts from 0)"));
    assertTrue(reject("a,b,c\n0,0,1\n0,0,x\n", new CsvReader.Format(false, false, "2")).contains("line 3, column 3: label 'x'"));
  }

  /** Labels that are names become class names, numbered in sorted order; a number among them is a name too. */
  @Test
  void labelsThatAreNamesAreClassNames() throws IOException {
    Dataset d = CsvReader.read(file("label,a\ndog,0\ncat,1\n 3 ,0\ndog,1\n"), CsvReader.Format.PLAIN);
    assertEquals(java.util.List.of("3", "cat", "dog"), d.classNames());
    assertArrayEquals(new int[] {2, 1, 0, 2}, d.labels());
    assertTrue(reject("label,a\ndog,0\n,1\n", CsvReader.Format.PLAIN).contains("line 3, column 1: the label is empty"));
    // A first label that is a number makes them numbers: a name after it is refused as before.
    assertTrue(reject("label,a\n1,0\ndog,1\n", CsvReader.Format.PLAIN).contains("line 3, column 1: label 'dog' is not a whole number"));
  }

  /** Rows that are not square grey images need their shape; HxWx3 rows are channel-last. */
  @Test
  void rowShapesComeFromTheImageSizeAndColourRowsAreChannelLast() throws IOException {
    StringBuilder row = new StringBuilder();
    for (int v = 0; v < 600; v++) row.append(v == 0 ? "" : ",").append(v % 2);
    String message = reject(row + "\n", CsvReader.Format.PLAIN);
    assertTrue(message.contains("rows of 600 pixel values are not square grey images; give their shape with --image-size"), message);
    Dataset wide = CsvReader.read(file(row + "\n"), CsvReader.Format.PLAIN, ImageSize.parse("20x30"));
    assertEquals(20, wide.height());
    assertEquals(30, wide.width());
    assertTrue(reject(row + "\n", CsvReader.Format.PLAIN).contains("--image-size"));
    Path f = file(row + "\n");
    DataException e = assertThrows(DataException.class, () -> CsvReader.read(f, CsvReader.Format.PLAIN, ImageSize.parse("10x10")));
    assertTrue(e.getMessage().contains("rows have 600 pixel values but --image-size 10x10 needs 100"), e.getMessage());

    // One 1x2 colour image, channel-last: pixel (0,0) is r=0.1 g=0.2 b=0.3, pixel (0,1) r=0.4 g=0.5 b=0.6.
    Dataset colour = CsvReader.read(file("9,0.1,0.2,0.3,0.4,0.5,0.6\n"), new CsvReader.Format(true, false), ImageSize.parse("1x2x3"));
    assertEquals(3, colour.channels());
    assertEquals(1, colour.height());
    assertEquals(2, colour.width());
    assertArrayEquals(new int[] {9}, colour.labels());
    assertArrayEquals(new float[] {0.1f, 0.4f, 0.2f, 0.5f, 0.3f, 0.6f}, colour.pixels());
    DataException grey = assertThrows(DataException.class, () -> CsvReader.read(file("0,0,0,0,0,0\n"), CsvReader.Format.PLAIN,
        ImageSize.parse("1x2")));
    assertTrue(grey.getMessage().contains("(1x2x3 reads them as colour)"), grey.getMessage());
  }

  @Test
  void raggedRows() throws IOException {
    assertTrue(reject("0,1,0\n1,1\n", CsvReader.Format.PLAIN).contains("line 2 has 2 pixel values, line 1 has 3"));
    assertTrue(reject("0,1,0\n1,1,0,\n", CsvReader.Format.PLAIN).contains("line 2 has 4 pixel values"));
    assertTrue(reject("7\n", new CsvReader.Format(true, false)).contains("has a label but no pixels"));
  }

  @Test
  void nonNumericCells() throws IOException {
    assertTrue(reject("0,1\n0,abc\n", CsvReader.Format.PLAIN).contains("line 2, column 2: 'abc' is not a number"));
    assertTrue(reject("0,,1\n", CsvReader.Format.PLAIN).contains("line 1, column 2: an empty cell is not a number"));
    assertTrue(reject("0x1,0\n", CsvReader.Format.PLAIN).contains("'0x1' is not a number"));
    assertTrue(reject("1f,0\n", CsvReader.Format.PLAIN).contains("'1f' is not a number"));
    assertTrue(reject("0,0,1\nx,0,1\n", new CsvReader.Format(true, false)).contains("line 2, column 1: label 'x' is not a whole number"));
    assertTrue(reject("2147483648,0,1\n", new CsvReader.Format(true, false))
        .contains("column 1: label 2147483648 is out of range (0..2147483647)"));
    assertTrue(reject("-1,0,1\n", new CsvReader.Format(true, false)).contains("label -1 is negative"));
    // A first line of names is a header row; with nothing after it there are no images.
    assertTrue(reject("label,p1\n", CsvReader.Format.PLAIN).contains("no images"));
  }

  @Test
  void nanAndInfinity() throws IOException {
    for (String bad : new String[] {"NaN", "nan", "Infinity", "-Infinity", "inf", "1e999"}) {
      assertTrue(reject("0," + bad + "\n", CsvReader.Format.PLAIN).contains("column 2: '" + bad + "' is not a finite number"), bad);
    }
  }

  @Test
  void valuesOutOfRangeForBernoulliPixels() throws IOException {
    assertTrue(reject("0,1.5\n", CsvReader.Format.PLAIN).contains("1.5 is outside [0, 1] (Bernoulli pixels are probabilities"));
    assertTrue(reject("0,-0.1\n", CsvReader.Format.PLAIN).contains("-0.1 is outside [0, 1]"));
    assertTrue(reject("0,255\n", CsvReader.Format.PLAIN).contains("needs --csv-255"));
    assertTrue(reject("0,256\n", new CsvReader.Format(false, true)).contains("256 is outside [0, 255]"));
  }

  @Test
  void emptyFilesAndBadText() throws IOException {
    assertTrue(reject("", CsvReader.Format.PLAIN).contains("no images"));
    assertTrue(reject("\n  \n", CsvReader.Format.PLAIN).contains("no images"));
    Path f = dir.resolve("images.csv");
    Files.write(f, new byte[] {'0', ',', (byte) 0xff, '\n'});
    DataException e = assertThrows(DataException.class, () -> CsvReader.read(f, CsvReader.Format.PLAIN));
    assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
  }

  @Test
  void theCliTrainsOnCsvWithLabelsAndByteValues() throws IOException {
    StringBuilder csv = new StringBuilder();
    Random random = new Random(1);
    for (int i = 0; i < 40; i++) {
      csv.append(i % 3);
      for (int j = 0; j < 16; j++) csv.append(',').append(random.nextInt(256));
      csv.append('\n');
    }
    Path f = file(csv.toString());
    StringWriter err = new StringWriter();
    int code = dev.vae4j.cli.Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "train", "--data",
        f.toString(), "--csv-label", "--csv-255", "--device", "cpu", "--batch-size", "8", "--epochs", "1", "--hidden", "8",
        "--latent", "2", "--out", dir.resolve("run").toString());
    assertEquals(0, code, err.toString());
    assertTrue(err.toString().contains("CSV file, 40 train / 0 test images of 1x4x4"), err.toString());
  }

  @Test
  void theCliExitsOneNamingTheFileAndWritesNothing() throws IOException {
    Path f = file("0,0.5\n0,NaN\n");
    Path out = dir.resolve("run");
    StringWriter err = new StringWriter();
    int code = dev.vae4j.cli.Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "train", "--data", f.toString(), "--device", "cpu", "--batch-size", "1", "--validation", "0", "--out", out.toString());
    assertEquals(1, code, err.toString());
    assertEquals("vae4j: error: " + f + ": line 2, column 2: 'NaN' is not a finite number", err.toString().strip());
    assertTrue(Files.notExists(out));
  }
}
