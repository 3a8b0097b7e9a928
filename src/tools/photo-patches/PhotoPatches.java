import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Cuts the CC0 / public-domain photographs Debian's python3-skimage ships into small JPEG patches,
 * one class folder per photograph: the fixture src/test/resources/dev/vae4j/data/photo-patches.
 * Run: java PhotoPatches.java /usr/lib/python3/dist-packages/skimage/data OUT
 */
public class PhotoPatches {
  static final String[] PHOTOS = {"astronaut.png", "chelsea.png", "coffee.png"};
  static final int PER_PHOTO = 40, HALVED_SIDE = 24;

  public static void main(String[] args) throws Exception {
    Path from = Path.of(args[0]), out = Path.of(args[1]);
    Random random = new Random(15);
    for (String photo : PHOTOS) {
      BufferedImage full = ImageIO.read(from.resolve(photo).toFile());
      Path dir = Files.createDirectories(out.resolve(photo.replace(".png", "")));
      for (int i = 0; i < PER_PHOTO; i++) {
        // A 48x48 square anywhere in the photograph, halved by 2x2 averaging to 24x24.
        int side = 2 * HALVED_SIDE, x0 = random.nextInt(full.getWidth() - side), y0 = random.nextInt(full.getHeight() - side);
        BufferedImage patch = new BufferedImage(HALVED_SIDE, HALVED_SIDE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HALVED_SIDE; y++) {
          for (int x = 0; x < HALVED_SIDE; x++) {
            int r = 0, g = 0, b = 0;
            for (int k = 0; k < 4; k++) {
              int rgb = full.getRGB(x0 + 2 * x + k % 2, y0 + 2 * y + k / 2);
              r += (rgb >> 16) & 0xff;
              g += (rgb >> 8) & 0xff;
              b += rgb & 0xff;
            }
            patch.setRGB(x, y, (r / 4) << 16 | (g / 4) << 8 | b / 4);
          }
        }
        writeJpeg(patch, dir.resolve(String.format("%02d.jpg", i)).toFile());
      }
    }
  }

  static void writeJpeg(BufferedImage image, File file) throws Exception {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
