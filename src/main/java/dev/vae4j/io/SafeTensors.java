package dev.vae4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (8-byte little-endian header length N, N bytes of JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data), as the Hugging Face
 * library and PyTorch read it. Writes F32; reads F32 and F64. The reader trusts nothing: it checks
 * the header length before allocating, and that the tensors exactly tile the data. Every file
 * written carries a SHA-256 of its data bytes and other metadata in the metadata ({@value
 * #CHECKSUM_KEY}); a file that has one is verified on read (files from other writers have none
 * and are read as they are).
 */
public final class SafeTensors {
  /** Largest header accepted (the reference implementation's limit is 100 MB). */
  public static final long MAX_HEADER_BYTES = 100_000_000;

  /**
   * Metadata key of the hex SHA-256 of the data bytes (everything after the header) followed by
   * every other metadata entry as UTF-8 {@code key NUL value NUL}, in header order.
   */
  public static final String CHECKSUM_KEY = "vae4j.data_sha256";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafeTensors() {}

  /** One tensor: its name, shape (empty for a scalar) and values in row-major order. */
  public record Entry(String name, long[] shape, double[] values, String dtype) {
    /** The values as float32. */
    public float[] floats() {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
      return f;
    }
  }

  /** A float32 tensor to write. */
  public record Tensor(String name, long[] shape, float[] data) {
    public Tensor {
      if (elements(shape) != data.length) {
        throw new IllegalArgumentException(name + ": shape holds " + elements(shape) + " values, data has " + data.length);
      }
    }
  }

  /**
   * A whole file: the {@code __metadata__} strings and the tensors in file order.
   *
   * @param verified whether the file carried a data checksum and it matched
   */
  public record Contents(Map<String, String> metadata, Map<String, Entry> tensors, boolean verified) {
    /** The tensor named {@code name}, or a {@link FormatException} naming what is missing. */
    public Entry require(String name, String file) throws FormatException {
      Entry e = tensors.get(name);
      if (e == null) throw new FormatException(file + ": missing tensor '" + name + "'");
      return e;
    }
  }

  /** Writes {@code tensors} (F32, in the order given) with {@code metadata} and the data checksum, atomically. */
  public static void write(Path file, Map<String, String> metadata, List<Tensor> tensors) throws IOException {
    AtomicFiles.write(file, encode(metadata, tensors));
  }

  /** The bytes of a safetensors file. */
  public static byte[] encode(Map<String, String> metadata, List<Tensor> tensors) throws JsonProcessingException {
    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    metadata.forEach(meta::put);
    meta.put(CHECKSUM_KEY, checksum(tensors, metadata));
    long offset = 0;
    for (Tensor t : tensors) {
      ObjectNode entry = header.putObject(t.name());
      entry.put("dtype", "F32");
      var shape = entry.putArray("shape");
      for (long d : t.shape()) shape.add(d);
      long end = offset + 4L * t.data().length;
      entry.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8; // spaces pad the header to 8 bytes, as the reference does
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded).put(json);
    for (int i = json.length; i < padded; i++) out.put((byte) ' ');
    int pos = 8 + padded;
    for (Tensor t : tensors) {
      out.position(pos);
      out.asFloatBuffer().put(t.data());
      pos += 4 * t.data().length;
    }
    return out.array();
  }

  /** The {@value #CHECKSUM_KEY} of a file holding {@code tensors} (as {@link #encode} lays them out) and {@code metadata}. */
  private static String checksum(List<Tensor> tensors, Map<String, String> metadata) {
    MessageDigest digest = sha256();
    ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (Tensor t : tensors) {
      for (float f : t.data()) {
        if (chunk.remaining() < Float.BYTES) {
          digest.update(chunk.flip());
          chunk.clear();
        }
        chunk.putFloat(f);
      }
    }
    digest.update(chunk.flip());
    return finish(digest, metadata);
  }

  private static String finish(MessageDigest digest, Map<String, String> metadata) {
    metadata.forEach((key, value) -> {
      if (key.equals(CHECKSUM_KEY)) return;
      digest.update((key + '\0' + value + '\0').getBytes(StandardCharsets.UTF_8));
    });
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Reads and validates a file. */
  public static Contents read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      String name = file.toString();
      if (size < 8) throw new FormatException(name + ": " + size + " bytes is too short for a safetensors file");
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, len, 0, name);
      long headerLength = len.getLong(0);
      checkHeaderLength(headerLength, size, name);
      if (size - 8 > Integer.MAX_VALUE) throw new FormatException(name + ": larger than 2 GiB");
      ByteBuffer all = ByteBuffer.allocate((int) (size - 8)).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, all, 8, name);
      return decode(all.array(), (int) headerLength, name);
    }
  }

  /** Reads and validates the bytes of a file; {@code name} names it in errors. */
  public static Contents read(byte[] bytes, String name) throws FormatException {
    if (bytes.length < 8) throw new FormatException(name + ": " + bytes.length + " bytes is too short for a safetensors file");
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    checkHeaderLength(headerLength, bytes.length, name);
    byte[] rest = java.util.Arrays.copyOfRange(bytes, 8, bytes.length);
    return decode(rest, (int) headerLength, name);
  }

  private static void checkHeaderLength(long headerLength, long fileSize, String name) throws FormatException {
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
      throw new FormatException(name + ": header length " + Long.toUnsignedString(headerLength) + " is outside 2.." + MAX_HEADER_BYTES);
    }
    if (headerLength > fileSize - 8) {
      throw new FormatException(name + ": header length " + headerLength + " is longer than the file (" + fileSize + " bytes)");
    }
  }

  private static Contents decode(byte[] rest, int headerLength, String name) throws FormatException {
    JsonNode header;
    try {
      header = JSON.readTree(new String(rest, 0, headerLength, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new FormatException(name + ": header is not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (header == null || !header.isObject()) throw new FormatException(name + ": header is not a JSON object");
    long dataSize = rest.length - headerLength;
    ByteBuffer data = ByteBuffer.wrap(rest, headerLength, (int) dataSize).slice().order(ByteOrder.LITTLE_ENDIAN);
    Map<String, String> metadata = new LinkedHashMap<>();
    List<long[]> ranges = new ArrayList<>();
    Map<String, Entry> tensors = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      if (key.equals("__metadata__")) {
        if (!value.isObject()) throw new FormatException(name + ": __metadata__ is not an object");
        for (Iterator<Map.Entry<String, JsonNode>> m = value.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> e = m.next();
          if (!e.getValue().isTextual()) throw new FormatException(name + ": metadata '" + e.getKey() + "' is not a string");
          metadata.put(e.getKey(), e.getValue().asText());
        }
        continue;
      }
      tensors.put(key, entry(key, value, data, dataSize, ranges, name));
    }
    ranges.sort((a, b) -> Long.compare(a[0], b[0]));
    long expected = 0;
    for (long[] r : ranges) {
      if (r[0] != expected) {
        throw new FormatException(name + ": tensor data " + (r[0] < expected ? "overlaps" : "leaves a gap") + " at byte " + Math.min(r[0], expected));
      }
      expected = r[1];
    }
    if (expected != dataSize) throw new FormatException(name + ": " + (dataSize - expected) + " bytes after the last tensor");
    String checksum = metadata.get(CHECKSUM_KEY);
    if (checksum != null) {
      MessageDigest digest = sha256();
      digest.update(rest, headerLength, (int) dataSize);
      String actual = finish(digest, metadata);
      if (!actual.equalsIgnoreCase(checksum)) {
        throw new FormatException(name + ": checksum mismatch: the data's SHA-256 is " + actual + ", the header records " + checksum);
      }
    }
    return new Contents(metadata, tensors, checksum != null);
  }

  private static Entry entry(String key, JsonNode value, ByteBuffer data, long dataSize, List<long[]> ranges, String name)
      throws FormatException {
    if (!value.isObject()) throw new FormatException(name + ": entry '" + key + "' is not an object");
    String dtype = value.path("dtype").asText("");
    int width = switch (dtype) {
      case "F32" -> 4;
      case "F64" -> 8;
      default -> throw new FormatException(name + ": tensor '" + key + "' has unsupported dtype '" + dtype + "' (F32 or F64)");
    };
    JsonNode shapeNode = value.path("shape"), offsets = value.path("data_offsets");
    if (!shapeNode.isArray()) throw new FormatException(name + ": tensor '" + key + "' has no shape array");
    long[] shape = new long[shapeNode.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToLong() || d.asLong() < 0) throw new FormatException(name + ": tensor '" + key + "' has a bad dimension " + d);
      shape[i] = d.asLong();
      if (shape[i] > Integer.MAX_VALUE || count * shape[i] > Integer.MAX_VALUE) {
        throw new FormatException(name + ": tensor '" + key + "' shape is too large");
      }
      count *= shape[i];
    }
    if (!offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
      throw new FormatException(name + ": tensor '" + key + "' needs data_offsets [begin, end]");
    }
    long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
    if (begin < 0 || end < begin || end > dataSize) {
      throw new FormatException(name + ": tensor '" + key + "' data_offsets [" + begin + ", " + end + "] fall outside the " + dataSize + " data bytes");
    }
    if (end - begin != count * width) {
      throw new FormatException(name + ": tensor '" + key + "' has " + (end - begin) + " bytes but shape and dtype need " + count * width);
    }
    ranges.add(new long[] {begin, end});
    double[] values = new double[(int) count];
    for (int i = 0; i < count; i++) {
      int at = (int) begin + i * width;
      values[i] = width == 4 ? data.getFloat(at) : data.getDouble(at);
    }
    return new Entry(key, shape, values, dtype);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position, String name) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, position + buf.position());
      if (n < 0) throw new FormatException(name + ": truncated");
    }
  }
}
