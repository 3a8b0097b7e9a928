package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.plot.LabelledGrid;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Colour images wider than tall, from a CSV of channel-last rows (8x12x3, label first, 0..255):
 * an MLP and a conv model train, and every command on the run folder works on them, its pictures
 * RGB PNGs whose cells keep the images' 8:12 aspect.
 */
class ColourDataTest {
  private static final int H = 8, W = 12, C = 3, IMAGES = 48;
  @TempDir static Path dir;
  private static Path csv, run;

  @BeforeAll
  static void train() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("ColourDataTest seed " + seed);
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < IMAGES; i++) {
      int label = i % 3; // class 0 reddish, 1 greenish, 2 bluish: one channel bright
      text.append(label);
      for (int p = 0; p < H * W; p++) {
        for (int c = 0; c < C; c++) text.append(',').append(c == label ? 155 + random.nextInt(101) : random.nextInt(100));
      }
      text.append('\n');
    }
    csv = dir.resolve("colour.csv");
    Files.writeString(csv, text);
    run = dir.resolve("run");
    ok("train", "--data", csv.toString(), "--csv-label", "--csv-255", "--image-size", H + "x" + W + "x" + C, "--epochs", "1",
        "--batch-size", "8", "--hidden", "16", "--latent", "2", "--device", "cpu", "--out", run.toString());
  }

  /** Decodes a PNG and checks that it is RGB of the given size. */
  private static BufferedImage rgbPng(Path file, int width, int height) throws Exception {
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(3, image.getRaster().getNumBands(), file + " is RGB");
    assertFalse(image.getColorModel().hasAlpha(), file + " has no alpha");
    if (width > 0) assertEquals(width, image.getWidth(), file + " width");
    if (height > 0) assertEquals(height, image.getHeight(), file + " height");
    return image;
  }

  /** Pixels across {@code n} cells of {@code size} image pixels at {@code scale}, 2-pixel gaps. */
  private static int cells(int n, int size, int scale) {
    return 2 + n * (size * scale + 2);
  }

  private static final int RECONSTRUCTION_LABELS = LabelledGrid.leftMargin(new String[] {"original", "reconstruction"});

  @Test
  void theRunFolderRecordsTheShapeAndItsPicturesAreColour() throws Exception {
    JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
    assertEquals("3x8x12", config.at("/model/input_shape").asText());
    assertEquals("8x12x3", config.get("image_size").asText());
    assertEquals(288, config.at("/model/input_size").asInt());
    rgbPng(run.resolve("samples.png"), cells(8, W, 2), cells(8, H, 2));
    // 16 originals over their reconstructions in rows of 8, the rows labelled.
    rgbPng(run.resolve("reconstructions.png"), RECONSTRUCTION_LABELS + cells(8, W, 2), cells(4, H, 2));
    rgbPng(run.resolve("latent.png"), 0, 0);
  }

  @Test
  void everyCommandWorksOnTheColourRun() throws Exception {
    String r = run.toString();
    Path samples = dir.resolve("samples.png");
    ok("sample", "--run", r, "--device", "cpu", "--out", samples.toString(), "--count", "6", "--rows", "2", "--scale", "3");
    BufferedImage s = rgbPng(samples, cells(3, W, 3), cells(2, H, 3));
    assertTrue(colourful(s), "samples of a colour model are not grey");

    Path recon = dir.resolve("recon.png");
    ok("reconstruct", "--run", r, "--device", "cpu", "--out", recon.toString(), "--indices", "0,1,2");
    BufferedImage re = rgbPng(recon, RECONSTRUCTION_LABELS + cells(3, W, 2), cells(2, H, 2));
    // The first original is reddish: its red band is brighter than its blue one.
    int x = RECONSTRUCTION_LABELS + 2 + W, y = 2 + H;
    int[] pixel = re.getRaster().getPixel(x, y, (int[]) null);
    assertTrue(pixel[0] > pixel[2], "original 0 drawn red, got " + java.util.Arrays.toString(pixel));

    Path manifold = dir.resolve("manifold.png");
    ok("manifold", "--run", r, "--device", "cpu", "--out", manifold.toString(), "--side", "3", "--scale", "2");
    rgbPng(manifold, cells(3, W, 2), cells(3, H, 2));

    Path traverse = dir.resolve("traverse.png");
    ok("traverse", "--run", r, "--device", "cpu", "--out", traverse.toString(), "--dims", "0,1", "--steps", "3");
    BufferedImage t = rgbPng(traverse, 0, 0);
    assertEquals(LabelledGrid.TOP + cells(2, H, 2), t.getHeight());

    Path interpolate = dir.resolve("interpolate.png");
    ok("interpolate", "--run", r, "--device", "cpu", "--out", interpolate.toString(), "--steps", "4");
    rgbPng(interpolate, cells(4, W, 2), cells(1, H, 2));

    Path latent = dir.resolve("latent.png");
    ok("plot-latent", "--run", r, "--device", "cpu", "--out", latent.toString());
    rgbPng(latent, dev.vae4j.plot.LatentScatter.WIDTH, dev.vae4j.plot.LatentScatter.HEIGHT);

    Path codes = dir.resolve("codes.csv");
    ok("encode", "--run", r, "--device", "cpu", "--out", codes.toString());
    List<String> lines = Files.readAllLines(codes);
    assertEquals("index,label,mu_0,mu_1,logvar_0,logvar_1", lines.get(0), "a CSV names no classes");
    assertEquals(1 + IMAGES, lines.size());

    CliRun eval = ok("eval", "--run", r, "--device", "cpu", "--k", "2");
    assertFalse(eval.out().isBlank());

    // --data of the same CSV without --image-size: its rows take the model's shape.
    Path scores = dir.resolve("scores.csv");
    ok("score", "--run", r, "--data", csv.toString(), "--csv-label", "--csv-255", "--device", "cpu", "--out", scores.toString(),
        "--k", "2");
    assertEquals(1 + IMAGES, Files.readAllLines(scores).size());
    assertEquals("index,label,score", Files.readAllLines(scores).get(0));
  }

  private static boolean colourful(BufferedImage image) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int[] p = image.getRaster().getPixel(x, y, (int[]) null);
        if (p[0] != p[1] || p[1] != p[2]) return true;
      }
    }
    return false;
  }

  /** A conv model takes the same 3-channel images. */
  @Test
  void aConvModelTrainsOnColourAndSamplesInColour() throws Exception {
    Path conv = dir.resolve("conv");
    ok("train", "--data", csv.toString(), "--csv-label", "--csv-255", "--image-size", H + "x" + W + "x" + C, "--conv", "4,8",
        "--hidden", "16", "--latent", "2", "--epochs", "1", "--batch-size", "8", "--device", "cpu", "--out", conv.toString());
    JsonNode config = new ObjectMapper().readTree(conv.resolve("config.json").toFile());
    assertEquals("3x8x12", config.at("/model/input_shape").asText());
    assertTrue(config.at("/model/encoder").asText().startsWith("conv:4:"), config.toString());
    rgbPng(conv.resolve("samples.png"), cells(8, W, 2), cells(8, H, 2));
    Path samples = dir.resolve("conv-samples.png");
    ok("sample", "--run", conv.toString(), "--device", "cpu", "--out", samples.toString(), "--count", "2", "--rows", "1");
    rgbPng(samples, cells(2, W, 2), cells(1, H, 2));
  }

  /** Rows that are not square grey images, without --image-size: one clear line, exit 1, no run folder. */
  @Test
  void colourRowsWithoutTheirShapeAreRefusedNamingTheOption() {
    Path out = dir.resolve("refused");
    CliRun refused = run("train", "--data", csv.toString(), "--csv-label", "--csv-255", "--epochs", "1", "--device", "cpu",
        "--out", out.toString());
    assertEquals(1, refused.code(), refused.err());
    assertTrue(refused.err().contains("rows of 288 pixel values are not square grey images; give their shape with --image-size"),
        refused.err());
    assertTrue(refused.err().contains("channel-last"), refused.err());
    assertFalse(Files.exists(out));
  }
}
