package dev.vae4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardWriterTest {
  @TempDir Path dir;

  @Test
  void maskedCrcMatchesTheTfRecordDefinition() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    long crc = 0xE3069283L; // CRC-32C's published check value for "123456789"
    long masked = (((crc >>> 15) | (crc << 17)) + 0xa282ead8L) & 0xffffffffL;
    assertEquals(masked, TensorBoardWriter.maskedCrc32c(check, 0, check.length) & 0xffffffffL);
  }

  @Test
  void recordFramesLengthAndData() {
    byte[] data = {1, 2, 3};
    byte[] r = TensorBoardWriter.record(data);
    assertEquals(8 + 4 + 3 + 4, r.length);
    assertEquals(3, r[0]);
    for (int i = 1; i < 8; i++) assertEquals(0, r[i], "length is uint64 little-endian");
    assertArrayEquals(data, java.util.Arrays.copyOfRange(r, 12, 15));
  }

  @Test
  void scalarsAndImagesReadBack() throws IOException {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    double loss = 100 + random.nextDouble() * 50;
    BufferedImage picture = new BufferedImage(7, 5, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 5; y++) for (int x = 0; x < 7; x++) picture.getRaster().setSample(x, y, 0, random.nextInt(256));
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(picture, "png", png);
    double before = System.currentTimeMillis() / 1000.0;

    Path file;
    try (TensorBoardWriter writer = TensorBoardWriter.create(dir.resolve("tb"))) {
      file = writer.file();
      writer.scalar("step/loss", 42, loss);
      writer.image("samples", 3, 5, 7, 1, png.toByteArray());
    }

    assertTrue(file.getFileName().toString().startsWith(TensorBoardWriter.FILE_PREFIX), file.toString());
    List<EventFileReader.Event> events = EventFileReader.read(file);
    assertEquals(3, events.size());
    assertEquals(TensorBoardWriter.FILE_VERSION, events.get(0).fileVersion());
    assertTrue(events.get(0).values().isEmpty());

    EventFileReader.Event scalar = events.get(1);
    assertEquals(42, scalar.step());
    assertTrue(scalar.wallTime() >= before - 1 && scalar.wallTime() <= before + 60, "wall time " + scalar.wallTime());
    assertEquals(1, scalar.values().size());
    assertEquals("step/loss", scalar.values().get(0).tag());
    assertEquals((float) loss, scalar.values().get(0).simpleValue(), "seed " + seed);
    assertNull(scalar.values().get(0).image());

    EventFileReader.Image image = events.get(2).values().get(0).image();
    assertEquals("samples", events.get(2).values().get(0).tag());
    assertEquals(3, events.get(2).step());
    assertEquals(5, image.height());
    assertEquals(7, image.width());
    assertEquals(1, image.colorspace());
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.encoded()));
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 7; x++) {
        assertEquals(picture.getRaster().getSample(x, y, 0), decoded.getRaster().getSample(x, y, 0), "seed " + seed);
      }
    }
  }

  @Test
  void twoWritersInOneSecondGetTwoFiles() throws IOException {
    try (TensorBoardWriter a = TensorBoardWriter.create(dir); TensorBoardWriter b = TensorBoardWriter.create(dir)) {
      assertNotEquals(a.file(), b.file());
    }
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count());
    }
  }
}
