package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every image mode a folder may hold decodes to the 8-bit planes its pixels say. */
class ImageDecoderTest {
  private static final int W = 9, H = 7;

  @TempDir Path dir;

  private static DecodedImage decode(Path file) throws DataException {
    return ImageDecoder.decode(() -> new FileImageInputStream(file.toFile()), file.toString());
  }

  private static ImageDecoder.Header header(Path file) throws DataException {
    return ImageDecoder.header(() -> new FileImageInputStream(file.toFile()), file.toString());
  }

  private static int at(DecodedImage d, int c, int x, int y) {
    return d.pixels()[c * d.height() * d.width() + y * d.width() + x] & 0xff;
  }

  @Test
  void greyPngIsOnePlaneOfItsOwnValues() throws IOException {
    Path file = ImageFixtures.write(ImageFixtures.grey(W, H, 3), "png", dir.resolve("g.png"));
    DecodedImage d = decode(file);
    assertEquals(1, d.channels());
    assertEquals(H, d.height());
    assertEquals(W, d.width());
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) assertEquals(ImageFixtures.greyAt(x, y, 3), at(d, 0, x, y), "no gamma change at " + x + "," + y);
    }
    assertEquals(new ImageDecoder.Header(W, H, true), header(file));
  }

  @Test
  void sixteenBitGreyIsScaledToEightBits() throws IOException {
    Path file = ImageFixtures.write(ImageFixtures.grey16(W, H, 5), "png", dir.resolve("g16.png"));
    DecodedImage d = decode(file);
    assertEquals(1, d.channels());
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        assertEquals(Math.round(ImageFixtures.grey16At(x, y, 5) * 255.0 / 65535), at(d, 0, x, y));
      }
    }
  }

  @Test
  void rgbPngBmpAndSixteenBitRgbAreThreePlanesOfTheirValues() throws IOException {
    for (Path file : new Path[] {
        ImageFixtures.write(ImageFixtures.rgb(W, H, 9), "png", dir.resolve("c.png")),
        ImageFixtures.write(ImageFixtures.rgb(W, H, 9), "bmp", dir.resolve("c.bmp")),
        ImageFixtures.write(ImageFixtures.rgb16(W, H, 9), "png", dir.resolve("c16.png"))}) {
      DecodedImage d = decode(file);
      assertEquals(3, d.channels(), file.toString());
      assertFalse(header(file).grey());
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int rgb = ImageFixtures.rgbAt(x, y, 9);
          assertEquals((rgb >> 16) & 0xff, at(d, 0, x, y), file + " red");
          assertEquals((rgb >> 8) & 0xff, at(d, 1, x, y), file + " green");
          assertEquals(rgb & 0xff, at(d, 2, x, y), file + " blue");
        }
      }
    }
  }

  @Test
  void alphaIsCompositedOnBlack() throws IOException {
    Path file = ImageFixtures.write(ImageFixtures.rgba(W, H, 2), "png", dir.resolve("a.png"));
    DecodedImage d = decode(file);
    assertEquals(3, d.channels());
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int rgb = ImageFixtures.rgbAt(x, y, 2), a = ImageFixtures.alphaAt(x, y);
        assertEquals(((rgb >> 16) & 0xff) * a / 255.0, at(d, 0, x, y), 0.51, "red at " + x + "," + y);
        assertEquals((rgb & 0xff) * a / 255.0, at(d, 2, x, y), 0.51, "blue at " + x + "," + y);
      }
    }
  }

  @Test
  void greyWithAlphaStaysOnePlaneCompositedOnBlack() throws IOException {
    Path file = ImageFixtures.write(ImageFixtures.greyAlpha(W, H, 6), "png", dir.resolve("ga.png"));
    DecodedImage d = decode(file);
    assertEquals(1, d.channels());
    assertTrue(header(file).grey());
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        assertEquals(ImageFixtures.greyAt(x, y, 6) * ImageFixtures.alphaAt(x, y) / 255.0, at(d, 0, x, y), 0.51, x + "," + y);
      }
    }
  }

  @Test
  void palettesInPngAndGifGiveTheirColoursAndGreyPalettesOnePlane() throws IOException {
    for (String format : new String[] {"png", "gif"}) {
      DecodedImage colour = decode(ImageFixtures.write(ImageFixtures.palette(W, H, false), format, dir.resolve("p." + format)));
      assertEquals(3, colour.channels(), format);
      int[] p = ImageFixtures.PALETTE;
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int rgb = p[(x + y) % 4];
          assertEquals((rgb >> 16) & 0xff, at(colour, 0, x, y), format);
          assertEquals((rgb >> 8) & 0xff, at(colour, 1, x, y), format);
          assertEquals(rgb & 0xff, at(colour, 2, x, y), format);
        }
      }
      Path greyFile = ImageFixtures.write(ImageFixtures.palette(W, H, true), format, dir.resolve("pg." + format));
      DecodedImage grey = decode(greyFile);
      assertEquals(1, grey.channels(), format + " with a grey palette");
      assertTrue(header(greyFile).grey(), format);
      assertEquals(ImageFixtures.GREY_PALETTE[2] & 0xff, at(grey, 0, 2, 0), format);
    }
  }

  @Test
  void jpegDecodesCloseToItsPixels() throws IOException {
    java.awt.image.BufferedImage flat = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) flat.setRGB(x, y, 0xc08040);
    DecodedImage d = decode(ImageFixtures.write(flat, "jpeg", dir.resolve("f.jpg")));
    assertEquals(3, d.channels());
    assertEquals(0xc0, at(d, 0, 5, 5), 3);
    assertEquals(0x80, at(d, 1, 5, 5), 3);
    assertEquals(0x40, at(d, 2, 5, 5), 3);
    DecodedImage grey = decode(ImageFixtures.write(ImageFixtures.grey(16, 16, 0), "jpeg", dir.resolve("g.jpg")));
    assertEquals(1, grey.channels());
  }

  /** WebP files made from {@link ImageFixtures#rgbAt} (seed 9) by libwebp 1.2.4's {@code cwebp -lossless [-exact]}. */
  @Test
  void webpDecodesThroughTwelveMonkeysWithAlphaOnBlack() throws Exception {
    for (String name : new String[] {"rgb-lossless.webp", "rgba-lossless.webp"}) {
      Path file = dir.resolve(name);
      Files.copy(Path.of(getClass().getResource("webp/" + name).toURI()), file);
      DecodedImage d = decode(file);
      assertEquals(3, d.channels(), name);
      assertEquals(W, d.width());
      assertEquals(H, d.height());
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int rgb = ImageFixtures.rgbAt(x, y, 9), alpha = name.startsWith("rgba") && x >= 4 ? 0x40 : 0xff;
          assertEquals(((rgb >> 16) & 0xff) * alpha / 255.0, at(d, 0, x, y), 0.51, name + " red at " + x + "," + y);
          assertEquals((rgb & 0xff) * alpha / 255.0, at(d, 2, x, y), 0.51, name + " blue at " + x + "," + y);
        }
      }
    }
  }

  @Test
  void twelveMonkeysReadersAreFoundForJpegAndWebp() {
    assertTrue(ImageIO.getImageReadersBySuffix("webp").hasNext(), "a WebP reader");
    boolean twelveMonkeysJpeg = false;
    for (Iterator<ImageReader> r = ImageIO.getImageReadersByFormatName("jpeg"); r.hasNext(); ) {
      twelveMonkeysJpeg |= r.next().getClass().getName().startsWith("com.twelvemonkeys.");
    }
    assertTrue(twelveMonkeysJpeg, "TwelveMonkeys' JPEG reader");
  }

  @Test
  void aTruncatedPngIsRefusedNamingTheFile() throws IOException {
    Path file = ImageFixtures.write(ImageFixtures.rgb(64, 64, 1), "png", dir.resolve("cut.png"));
    byte[] all = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(all, all.length / 2));
    DataException e = assertThrows(DataException.class, () -> decode(file));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void aTruncatedJpegIsRefusedThoughItsReaderOnlyWarns() throws IOException {
    java.util.Random random = new java.util.Random(1);
    java.awt.image.BufferedImage noise = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) noise.setRGB(x, y, random.nextInt());
    Path file = ImageFixtures.write(noise, "jpeg", dir.resolve("cut.jpg"));
    byte[] all = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(all, all.length / 2));
    DataException e = assertThrows(DataException.class, () -> decode(file));
    assertTrue(e.getMessage().startsWith(file + ": truncated image"), e.getMessage());
  }

  @Test
  void aPngNamedJpgStillDecodes() throws IOException {
    Path file = ImageFixtures.write(ImageFixtures.grey(W, H, 4), "png", dir.resolve("really-a-png.jpg"));
    assertEquals(ImageFixtures.greyAt(3, 2, 4), at(decode(file), 0, 3, 2));
  }

  @Test
  void textNamedPngIsNotAnImage() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.png"), "not a picture\n");
    DataException e = assertThrows(DataException.class, () -> decode(file));
    assertTrue(e.getMessage().startsWith(file + ": not an image"), e.getMessage());
    assertThrows(DataException.class, () -> header(file));
  }
}
