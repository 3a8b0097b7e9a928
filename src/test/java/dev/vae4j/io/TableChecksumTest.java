package dev.vae4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/**
 * The checksum covers the tensor table: the probe swapped the {@code data_offsets} of two
 * tensors of one shape ({@code enc.mu.weight}, {@code enc.logvar.weight}) without touching the
 * recorded SHA-256, and the file loaded as valid. Files sealed the older way still load.
 */
class TableChecksumTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void swappedOffsetsOfTwoTensorsOfOneShapeAreRefused() throws IOException {
    Path file = twoTensors(dir.resolve("m.safetensors"));
    byte[] swapped = HeaderSurgery.swapOffsets(Files.readAllBytes(file), "mu", "logvar");
    Path forged = dir.resolve("forged.safetensors");
    Files.write(forged, swapped);
    FormatException e = assertThrows(FormatException.class, () -> SafeTensors.read(forged));
    assertTrue(e.getMessage().startsWith(forged + ": checksum mismatch"), e.getMessage());
    assertThrows(FormatException.class, () -> SafeTensors.read(swapped, "bytes"));
  }

  @Test
  void aFileSealedTheOlderWayLoadsWithANote() throws IOException {
    long seed = new Random().nextLong();
    float[] a = random(6, seed);
    byte[] old = legacy(Map.of("k", "v"), "a", new long[] {2, 3}, a);
    Path file = dir.resolve("old.safetensors");
    Files.write(file, old);
    SafeTensors.Contents c = SafeTensors.read(file);
    assertEquals(SafeTensors.Seal.DATA_ONLY, c.seal());
    assertArrayEquals(a, c.tensors().get("a").floats(), "seed " + seed);
    assertNotNull(c.note(file.toString()));
    assertTrue(c.note(file.toString()).contains("not its tensor table"), c.note(file.toString()));
    old[old.length - 1] ^= 1; // the older checksum is still checked
    Files.write(file, old);
    assertThrows(FormatException.class, () -> SafeTensors.read(file));
  }

  @Test
  void newFilesAreSealedFully() throws IOException {
    SafeTensors.Contents c = SafeTensors.read(twoTensors(dir.resolve("m.safetensors")));
    assertEquals(SafeTensors.Seal.FULL, c.seal());
    assertNull(c.note("m"));
    assertTrue(c.metadata().containsKey(SafeTensors.CHECKSUM_KEY));
  }

  @Test
  void aHeaderListingItsTensorsInAnotherOrderVerifies() throws IOException {
    // An empty tensor at byte 0 listed after the one that fills bytes 0..8: the fuzzer's finding.
    byte[] file = SafeTensors.encode(Map.of("k", "v"), List.of(new SafeTensors.Tensor("empty", new long[] {0}, new float[0]),
        new SafeTensors.Tensor("full", new long[] {2}, new float[] {1, 2})));
    long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    ObjectNode header = (ObjectNode) JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
    header.set("empty", header.remove("empty")); // now last
    SafeTensors.Contents c = SafeTensors.read(HeaderSurgery.withHeader(file, header), "reordered");
    assertEquals(SafeTensors.Seal.FULL, c.seal());
    assertEquals(List.of("full", "empty"), List.copyOf(c.tensors().keySet()));
  }

  @Test
  void filesWrittenNowStillVerifyByTheOlderRuleForEarlierVersions() throws IOException {
    Path file = twoTensors(dir.resolve("m.safetensors"));
    SafeTensors.Contents c = SafeTensors.read(file);
    byte[] bytes = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    java.security.MessageDigest digest = SafeTensors.sha256(); // what an earlier version's reader computes
    digest.update(bytes, 8 + (int) n, bytes.length - 8 - (int) n);
    c.metadata().forEach((k, v) -> {
      if (!k.equals(SafeTensors.DATA_CHECKSUM_KEY)) digest.update((k + '\0' + v + '\0').getBytes(StandardCharsets.UTF_8));
    });
    assertEquals(c.metadata().get(SafeTensors.DATA_CHECKSUM_KEY), java.util.HexFormat.of().formatHex(digest.digest()));
  }

  @Test
  void aDuplicatedTensorNameIsRefused() throws IOException {
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    byte[] bytes = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    FormatException e = assertThrows(FormatException.class, () -> SafeTensors.read(bytes, "dup"));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  private static Path twoTensors(Path file) throws IOException {
    long seed = new Random().nextLong();
    System.out.println("TableChecksumTest seed " + seed);
    SafeTensors.write(file, Map.of("k", "v"), List.of(new SafeTensors.Tensor("mu", new long[] {2, 3}, random(6, seed)),
        new SafeTensors.Tensor("logvar", new long[] {2, 3}, random(6, seed + 1))));
    return file;
  }

  /** A one-tensor file as vae4j wrote them before the table checksum: {@value SafeTensors#DATA_CHECKSUM_KEY} only. */
  static byte[] legacy(Map<String, String> metadata, String name, long[] shape, float[] values) throws IOException {
    ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) data.putFloat(v);
    java.security.MessageDigest digest = SafeTensors.sha256();
    digest.update(data.array());
    metadata.forEach((k, v) -> digest.update((k + '\0' + v + '\0').getBytes(StandardCharsets.UTF_8)));
    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    metadata.forEach(meta::put);
    meta.put(SafeTensors.DATA_CHECKSUM_KEY, java.util.HexFormat.of().formatHex(digest.digest()));
    ObjectNode entry = header.putObject(name);
    entry.put("dtype", "F32");
    ArrayNode s = entry.putArray("shape");
    for (long d : shape) s.add(d);
    entry.putArray("data_offsets").add(0).add(4L * values.length);
    byte[] json = JSON.writeValueAsBytes(header);
    return ByteBuffer.allocate(8 + json.length + data.capacity()).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json)
        .put(data.array()).array();
  }

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
    return v;
  }
}
