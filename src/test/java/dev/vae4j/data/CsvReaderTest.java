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

    Dataset plain = CsvReader.read(file("0,0.5,1\n1e-1,.25, 0.75\n"), CsvReader.Format.PLAIN);
    assertEquals(1, plain.height());
    assertEquals(3, plain.width());
    assertArrayEquals(new float[] {0, 0.5f, 1, 0.1f, 0.25f, 0.75f}, plain.pixels());
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
    assertTrue(reject("x,0,1\n", new CsvReader.Format(true, false)).contains("column 1: label 'x' is not a whole number"));
    assertTrue(reject("2147483648,0,1\n", new CsvReader.Format(true, false))
        .contains("column 1: label 2147483648 is out of range (0..2147483647)"));
    assertTrue(reject("-1,0,1\n", new CsvReader.Format(true, false)).contains("label -1 is negative"));
    assertTrue(reject("label,p1\n", CsvReader.Format.PLAIN).contains("'label' is not a number"));
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
    assertTrue(err.toString().contains("40 training images of 4x4"), err.toString());
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
