package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import dev.vae4j.plot.LabelledGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sample, reconstruct, encode, plot-latent, manifold, traverse, interpolate, eval, score, anomaly-eval on a tiny run. */
class EvaluationCommandsTest {
  @TempDir static Path dir;
  private static Path run;

  @BeforeAll
  static void train() {
    run = dir.resolve("run");
    // Trained without the ones, as an anomaly detector for them would be.
    ok("train", "--epochs", "2", "--hidden", "64", "--latent", "2", "--classes", "0,2,3,4,5,6,7,8,9", "--device", "cpu",
        "--out", run.toString());
  }

  @Test
  void trainWritesTheLatentPlot() throws Exception {
    BufferedImage chart = ImageIO.read(run.resolve("latent.png").toFile());
    assertEquals(dev.vae4j.plot.LatentScatter.WIDTH, chart.getWidth());
    JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
    assertEquals("[0,2,3,4,5,6,7,8,9]", config.get("classes").toString());
  }

  /** Decodes a PNG, checks its size and that it is 8-bit grayscale, and returns its samples. */
  private static int[] grayPng(Path file, int width, int height) throws Exception {
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(width, image.getWidth(), file + " width");
    assertEquals(height, image.getHeight(), file + " height");
    Raster r = image.getRaster();
    assertEquals(1, r.getNumBands(), "grayscale");
    int[] px = r.getPixels(0, 0, width, height, (int[]) null);
    for (int v : px) assertTrue(v >= 0 && v <= 255);
    return px;
  }

  private static int cells(int n, int size, int scale) {
    return 2 + n * (size * scale + 2);
  }

  @Test
  void sampleWritesAGridOfTheRequestedShape() throws Exception {
    Path png = dir.resolve("samples.png");
    ok("sample", "--run", run.toString(), "--device", "cpu", "--out", png.toString(), "--count", "12", "--rows", "3");
    int[] px = grayPng(png, cells(4, 28, 2), cells(3, 28, 2));
    Path binary = dir.resolve("binary.png");
    ok("sample", "--run", run.toString(), "--device", "cpu", "--out", binary.toString(), "--count", "4", "--rows", "1", "--binary", "--scale", "1");
    for (int v : grayPng(binary, cells(4, 28, 1), cells(1, 28, 1))) {
      assertTrue(v == 0 || v == 255 || v == dev.vae4j.plot.ImageGrid.BACKGROUND, "binary pixels, got " + v);
    }
    assertTrue(java.util.Arrays.stream(px).distinct().count() > 10, "mean images have gray levels");
  }

  @Test
  void reconstructPutsOriginalsAboveReconstructions() throws Exception {
    Path png = dir.resolve("recon.png");
    int labels = LabelledGrid.leftMargin(new String[] {"original", "reconstruction"});
    ok("reconstruct", "--run", run.toString(), "--device", "cpu", "--out", png.toString(), "--indices", "0,1,2", "--cols", "3");
    grayPng(png, labels + cells(3, 28, 2), cells(2, 28, 2));
    ok("reconstruct", "--run", run.toString(), "--device", "cpu", "--out", png.toString(), "--count", "10", "--cols", "5", "--split", "train");
    grayPng(png, labels + cells(5, 28, 2), cells(4, 28, 2));
    // Four images in rows of up to 8 (the default): one row of four, no empty cells.
    ok("reconstruct", "--run", run.toString(), "--device", "cpu", "--out", png.toString(), "--indices", "0,1,2,3");
    grayPng(png, labels + cells(4, 28, 2), cells(2, 28, 2));
    // Eleven: two rows of six over their reconstructions, the one unused cell in the background grey.
    ok("reconstruct", "--run", run.toString(), "--device", "cpu", "--out", png.toString(), "--count", "11");
    int[] px = grayPng(png, labels + cells(6, 28, 2), cells(4, 28, 2));
    int width = labels + cells(6, 28, 2), x = labels + 2 + 5 * 58 + 28, y = 2 + 3 * 58 + 28; // last row, last column
    assertEquals(dev.vae4j.plot.ImageGrid.BACKGROUND, px[y * width + x]);
  }

  @Test
  void encodeWritesOneRowPerImage() throws Exception {
    Path csv = dir.resolve("codes.csv");
    ok("encode", "--run", run.toString(), "--device", "cpu", "--out", csv.toString());
    List<String> lines = Files.readAllLines(csv);
    assertEquals("index,label,mu_0,mu_1,logvar_0,logvar_1", lines.get(0));
    assertEquals(1 + 1663, lines.size(), "header + every bundled test digit");
    String[] row = lines.get(5).split(",");
    assertEquals(6, row.length);
    assertEquals("4", row[0]);
    Float.parseFloat(row[2]);
  }

  @Test
  void aRunTrainedOnCsvReadsItsCsvTheSameWayAndCsvDataTakesTheSameFlags() throws Exception {
    java.util.Random random = new java.util.Random();
    StringBuilder text = new StringBuilder();
    for (int image = 0; image < 40; image++) {
      text.append(image % 3); // label first, then 16 pixels in 0..255
      for (int p = 0; p < 16; p++) text.append(',').append(random.nextInt(256));
      text.append('\n');
    }
    Path data = dir.resolve("labelled-255.csv");
    Files.writeString(data, text);
    Path csvRun = dir.resolve("csv-run");
    ok("train", "--data", data.toString(), "--csv-label", "--csv-255", "--epochs", "1", "--batch-size", "8", "--hidden", "8",
        "--latent", "2", "--device", "cpu", "--out", csvRun.toString());
    Path codes = dir.resolve("csv-codes.csv");
    ok("encode", "--run", csvRun.toString(), "--device", "cpu", "--out", codes.toString());
    List<String> lines = Files.readAllLines(codes);
    assertEquals(1 + 40, lines.size());
    assertEquals("1", lines.get(2).split(",")[1], "the label column came back from the CSV");
    Path scores = dir.resolve("csv-scores.csv");
    ok("score", "--run", csvRun.toString(), "--data", data.toString(), "--csv-label", "--csv-255", "--device", "cpu",
        "--out", scores.toString(), "--k", "2");
    assertEquals(1 + 40, Files.readAllLines(scores).size());
    CliRun plain = run("score", "--run", csvRun.toString(), "--data", data.toString(), "--device", "cpu",
        "--out", dir.resolve("refused.csv").toString());
    assertEquals(1, plain.code(), "read as plain [0, 1] pixels without labels, the file is refused: " + plain.err());
  }

  @Test
  void plotLatentManifoldTraverseAndInterpolate() throws Exception {
    Path scatter = dir.resolve("latent.png");
    ok("plot-latent", "--run", run.toString(), "--device", "cpu", "--out", scatter.toString());
    BufferedImage chart = ImageIO.read(scatter.toFile());
    assertEquals(dev.vae4j.plot.LatentScatter.WIDTH, chart.getWidth());
    assertEquals(dev.vae4j.plot.LatentScatter.HEIGHT, chart.getHeight());

    Path manifold = dir.resolve("manifold.png");
    ok("manifold", "--run", run.toString(), "--device", "cpu", "--out", manifold.toString(), "--side", "5");
    grayPng(manifold, cells(5, 28, 1), cells(5, 28, 1));

    Path traverse = dir.resolve("traverse.png");
    CliRun walked = ok("traverse", "--run", run.toString(), "--device", "cpu", "--out", traverse.toString(), "--index", "3",
        "--steps", "7");
    assertTrue(walked.err().contains("the most active dimensions (variance of the latent means over "), walked.err());
    grayPng(traverse, LabelledGrid.leftMargin(new String[] {"z0"}) + cells(7, 28, 2), LabelledGrid.TOP + cells(2, 28, 2));

    Path line = dir.resolve("line.png");
    ok("interpolate", "--run", run.toString(), "--device", "cpu", "--out", line.toString(), "--from", "0", "--to", "9", "--steps", "6");
    grayPng(line, cells(6, 28, 2), cells(1, 28, 2));
  }

  @Test
  void evalPrintsATableAndJson() throws Exception {
    CliRun table = ok("eval", "--run", run.toString(), "--device", "cpu", "--k", "5");
    assertTrue(table.out().contains("-ELBO") && table.out().contains("IWAE"), table.out());
    CliRun json = ok("eval", "--run", run.toString(), "--device", "cpu", "--k", "20", "--json");
    JsonNode o = new ObjectMapper().readTree(json.out());
    assertEquals(1663, o.get("images").asInt());
    double elbo = o.get("negative_elbo").asDouble(), iwae = o.get("negative_iwae").asDouble();
    assertEquals(elbo, o.get("reconstruction").asDouble() + o.get("kl").asDouble(), 1e-6);
    assertTrue(iwae < elbo && iwae > elbo - 30, "IWAE " + iwae + " vs ELBO " + elbo);
  }

  @Test
  void scoreWritesScoresAndFlags() throws Exception {
    Path csv = dir.resolve("scores.csv");
    ok("score", "--run", run.toString(), "--device", "cpu", "--out", csv.toString(), "--k", "5", "--contamination", "0.1");
    List<String> lines = Files.readAllLines(csv);
    assertEquals("index,label,score,flag", lines.get(0));
    assertEquals(1 + 1663, lines.size());
    long flagged = lines.stream().skip(1).filter(l -> l.endsWith(",1")).count();
    assertEquals(166, flagged);
    ok("score", "--run", run.toString(), "--device", "cpu", "--out", csv.toString(), "--k", "5", "--score", "iwae", "--split", "train");
    lines = Files.readAllLines(csv);
    assertEquals("index,label,score", lines.get(0));
    assertEquals(1 + 8337, lines.size());
    assertTrue(Double.parseDouble(lines.get(1).split(",")[2]) > 0, "-log p(x) of a digit is positive");
  }

  @Test
  void anomalyEvalReportsAucPerHeldOutClass() throws Exception {
    Path png = dir.resolve("roc.png");
    CliRun o = ok("anomaly-eval", "--run", run.toString(), "--device", "cpu", "--normal-classes", "0,2,3,4,5,6,7,8,9",
        "--k", "5", "--out", png.toString(), "--json");
    JsonNode j = new ObjectMapper().readTree(o.out());
    double auc = j.at("/held_out/1/roc_auc").asDouble();
    // Ones are the simplest digits, far *less* surprising to any digit model than the rest.
    assertTrue(auc >= 0 && auc < 0.5, "AUC of class 1 " + auc);
    BufferedImage roc = ImageIO.read(png.toFile());
    assertEquals(dev.vae4j.plot.RocChart.WIDTH, roc.getWidth());
  }

  @Test
  void errorsAreOneLineWithTheRightExitCode() throws Exception {
    CliRun missing = run("eval", "--run", dir.resolve("nope").toString(), "--device", "cpu");
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("no such run folder") && missing.err().lines().count() == 1, missing.err());
    CliRun manifold = run("manifold", "--run", run.toString(), "--device", "cpu", "--out", dir.resolve("m.png").toString(), "--side", "1");
    assertEquals(2, manifold.code());
    assertEquals(2, run("score", "--run", run.toString(), "--out", "x.csv", "--split", "validation").code());
    assertEquals(2, run("score", "--run", run.toString(), "--out", "x.csv", "--threshold", "1", "--contamination", "0.1").code());
    assertEquals(2, run("sample", "--out", "x.png").code());
    Path precious = dir.resolve("precious.png");
    Files.writeString(precious, "keep");
    CliRun bad = run("reconstruct", "--run", run.toString(), "--device", "cpu", "--out", precious.toString(), "--indices", "99999");
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("99999"), bad.err());
    assertEquals("keep", Files.readString(precious));
    assertFalse(Files.exists(Path.of("x.csv")));
  }

  @Test
  void everyScoreNameWritesOneScorePerImage() throws Exception {
    for (String name : List.of("recon-mse", "mahalanobis", "knn", "complexity")) {
      Path csv = dir.resolve("scores-" + name + ".csv");
      CliRun o = ok("score", "--run", run.toString(), "--device", "cpu", "--out", csv.toString(), "--k", "2", "--score", name);
      assertTrue(o.out().startsWith("wrote " + name + " scores of 1663 images"), o.out());
      assertEquals(1 + 1663, Files.readAllLines(csv).size());
    }
    CliRun eval = ok("anomaly-eval", "--run", run.toString(), "--device", "cpu", "--normal-classes", "0,2,3,4,5,6,7,8,9",
        "--score", "mahalanobis", "--out", dir.resolve("roc-mahalanobis.png").toString());
    assertTrue(eval.out().contains("score mahalanobis"), eval.out());
    CliRun bad = run("score", "--run", run.toString(), "--out", dir.resolve("x.csv").toString(), "--score", "ink");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("recon-mse"), bad.err());
  }
}
