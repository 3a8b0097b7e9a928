package dev.vae4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed safetensors file is refused with one line naming the file and the problem. */
class SafeTensorsRejectionTest {
  @TempDir Path dir;

  private Path good() throws IOException {
    Path file = dir.resolve("m.safetensors");
    SafeTensors.write(file, Map.of("k", "v"), List.of(
        new SafeTensors.Tensor("a", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
        new SafeTensors.Tensor("b", new long[] {2}, new float[] {7, 8})));
    return file;
  }

  private static String reject(Path file) {
    FormatException e = assertThrows(FormatException.class, () -> SafeTensors.read(file));
    assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  /** A file with this JSON header (padded) and {@code data} bytes. */
  private Path withHeader(String json, int dataBytes) throws IOException {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path file = dir.resolve("crafted.safetensors");
    Files.write(file, b.array());
    return file;
  }

  @Test
  void roundTripIsVerified() throws IOException {
    long seed = new Random().nextLong();
    float[] values = new float[50];
    Random random = new Random(seed);
    for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
    Path file = dir.resolve("r.safetensors");
    SafeTensors.write(file, Map.of("x", "y"), List.of(new SafeTensors.Tensor("t", new long[] {5, 10}, values)));
    SafeTensors.Contents c = SafeTensors.read(file);
    assertTrue(c.verified());
    assertEquals("y", c.metadata().get("x"));
    assertArrayEquals(values, c.tensors().get("t").floats(), "seed " + seed);
  }

  @Test
  void truncatedFiles() throws IOException {
    byte[] bytes = Files.readAllBytes(good());
    Path file = dir.resolve("cut.safetensors");
    for (int length : new int[] {0, 5, 12, bytes.length - 1}) {
      Files.write(file, Arrays.copyOf(bytes, length));
      reject(file);
    }
  }

  @Test
  void headerLongerThanTheFileOrTheLimitIsRefusedBeforeAllocating() throws IOException {
    Path file = dir.resolve("long.safetensors");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
    Files.write(file, b.array());
    assertTrue(reject(file).contains("longer than the file"));
    b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
    Files.write(file, b.array());
    assertTrue(reject(file).contains("outside 2..100000000"));
    b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1);
    Files.write(file, b.array());
    assertTrue(reject(file).contains("outside"));
  }

  @Test
  void checksumMismatchInDataOrMetadata() throws IOException {
    Path file = good();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 2] ^= 0x10;
    Files.write(file, bytes);
    assertTrue(reject(file).contains("checksum mismatch"));

    file = good();
    String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).replace("\"k\":\"v\"", "\"k\":\"w\"");
    Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(reject(file).contains("checksum mismatch"));
  }

  @Test
  void malformedHeaders() throws IOException {
    assertTrue(reject(withHeader("{not json", 0)).contains("not valid JSON"));
    assertTrue(reject(withHeader("[1,2]", 0)).contains("not a JSON object"));
    assertTrue(reject(withHeader("{\"a\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1)).contains("unsupported dtype 'I8'"));
    assertTrue(reject(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4)).contains("shape and dtype need 8"));
    assertTrue(reject(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8)).contains("after the last tensor"));
    assertTrue(reject(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", 8)).contains("overlaps"));
    assertTrue(reject(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}", 4)).contains("fall outside"));
    assertTrue(reject(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4)).contains("bad dimension"));
    assertTrue(reject(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", 4))
        .contains("too large"));
    assertTrue(reject(withHeader("{\"__metadata__\":{\"x\":1}}", 0)).contains("is not a string"));
  }

  @Test
  void missingTensorIsNamed() throws IOException {
    Path file = good();
    SafeTensors.Contents c = SafeTensors.read(file);
    FormatException e = assertThrows(FormatException.class, () -> c.require("enc.fc.weight", file.toString()));
    assertEquals(file + ": missing tensor 'enc.fc.weight'", e.getMessage());
  }
}
