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
 * library and PyTorch read it. Writes F32; reads F32 and F64. The reader trusts nothing: it reads
 * only regular files, checks the header length before allocating, that the tensors exactly tile
 * the data, and that their values fit in the heap left before allocating them. Every file written
 * carries {@value #CHECKSUM_KEY}, a SHA-256 over the tensor table (names, dtypes, shapes, byte
 * ranges), the data bytes and the other metadata ({@link TableChecksum}); a file that has one is
 * verified on read. Files vae4j wrote before it carry only {@value #DATA_CHECKSUM_KEY} (the data
 * and the metadata), still verified that way; files written now carry that one too, for earlier
 * versions to verify. Files from other writers have neither and are read as they are.
 */
public final class SafeTensors {
  /** Largest header accepted (the reference implementation's limit is 100 MB). */
  public static final long MAX_HEADER_BYTES = 100_000_000;

  /** Metadata key of the hex SHA-256 of the tensor table, the data and the other metadata ({@link TableChecksum}). */
  public static final String CHECKSUM_KEY = "vae4j.sha256";

  /**
   * Metadata key of the checksum of files written before {@value #CHECKSUM_KEY}: the hex SHA-256
   * of the data bytes followed by every other metadata entry as UTF-8 {@code key NUL value NUL}, in
   * header order. It does not cover the tensor table: swapped byte ranges of two tensors of one
   * shape pass it.
   */
  public static final String DATA_CHECKSUM_KEY = "vae4j.data_sha256";

  /** How far a file read was verified. */
  public enum Seal {
    /** No vae4j checksum (another writer's file). */
    NONE,
    /** The data-only checksum of older vae4j files: the tensor table is not covered. */
    DATA_ONLY,
    /** The checksum over the tensor table, the data and the metadata. */
    FULL
  }

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
   * @param seal which checksum the file carried and matched
   */
  public record Contents(Map<String, String> metadata, Map<String, Entry> tensors, Seal seal) {
    /** Whether the file carried a vae4j checksum and it matched. */
    public boolean verified() {
      return seal != Seal.NONE;
    }

    /** A note for the user when the file was verified the older, weaker way, else null. */
    public String note(String file) {
      return seal != Seal.DATA_ONLY ? null : file + " carries the older checksum (" + DATA_CHECKSUM_KEY
          + "), which covers its data but not its tensor table; writing it again (e.g. by resuming) seals it fully";
    }

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
    List<TableRow> rows = new ArrayList<>();
    long offset = 0;
    for (Tensor t : tensors) {
      long end = offset + 4L * t.data().length;
      rows.add(new TableRow(t.name(), "F32", t.shape(), offset, end));
      offset = end;
    }
    Map<String, String> sealed = new LinkedHashMap<>(metadata);
    sealed.remove(CHECKSUM_KEY);
    sealed.remove(DATA_CHECKSUM_KEY);
    TableChecksum checksum = new TableChecksum(rows);
    MessageDigest dataOnly = sha256();
    ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (Tensor t : tensors) {
      for (float f : t.data()) {
        if (chunk.remaining() < Float.BYTES) {
          checksum.data(chunk.flip().duplicate());
          dataOnly.update(chunk);
          chunk.clear();
        }
        chunk.putFloat(f);
      }
    }
    checksum.data(chunk.flip().duplicate());
    dataOnly.update(chunk);
    sealed.put(CHECKSUM_KEY, checksum.finish(sealed));
    // The older checksum too, over everything else including the new one, so that earlier vae4j
    // versions still verify (and resume from) what this one writes.
    sealed.put(DATA_CHECKSUM_KEY, finish(dataOnly, sealed));

    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    sealed.forEach(meta::put);
    for (TableRow r : rows) {
      ObjectNode entry = header.putObject(r.name());
      entry.put("dtype", r.dtype());
      var shape = entry.putArray("shape");
      for (long d : r.shape()) shape.add(d);
      entry.putArray("data_offsets").add(r.begin()).add(r.end());
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

  /**
   * Reads and validates a file. Only a regular file is opened (a FIFO would block the open, a
   * folder would fail late and vaguely); the header is read and checked first, and the tensors,
   * whose byte ranges must exactly tile the data present, are read only when their values fit in
   * the heap left.
   */
  public static Contents read(Path file) throws IOException {
    RegularFiles.require(file, "safetensors file");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read((buf, at) -> ch.read(buf, at), ch.size(), file.toString());
    }
  }

  /** Reads and validates the bytes of a file; {@code name} names it in errors. */
  public static Contents read(byte[] bytes, String name) throws FormatException {
    try {
      return read((buf, at) -> {
        if (at >= bytes.length) return -1;
        int n = (int) Math.min(buf.remaining(), bytes.length - at);
        buf.put(bytes, (int) at, n);
        return n;
      }, bytes.length, name);
    } catch (FormatException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("reading an array cannot fail", e);
    }
  }

  /** Positioned reads from a file or an array. */
  @FunctionalInterface
  private interface Source {
    /** Reads into {@code buf} from byte {@code at}; the count read, or -1 at the end. */
    int read(ByteBuffer buf, long at) throws IOException;

    default void readFully(ByteBuffer buf, long at, String name) throws IOException {
      long start = at - buf.position();
      while (buf.hasRemaining()) {
        if (read(buf, start + buf.position()) < 0) throw new FormatException(name + ": truncated");
      }
    }
  }

  private static Contents read(Source source, long size, String name) throws IOException {
    if (size < 8) throw new FormatException(name + ": " + size + " bytes is too short for a safetensors file");
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    source.readFully(len, 0, name);
    long headerLength = len.getLong(0);
    checkHeaderLength(headerLength, size, name);
    ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
    source.readFully(headerBytes, 8, name);
    long dataStart = 8 + headerLength, dataSize = size - dataStart;
    Header header = Header.parse(headerBytes.array(), dataSize, name);
    long valueBytes = 8L * header.values(); // held as doubles
    if (!HeapBudget.fits(valueBytes)) {
      throw new FormatException(name + ": its " + header.values() + " tensor values need " + HeapBudget.shortfall(valueBytes));
    }
    Map<String, String> metadata = header.metadata();
    String full = metadata.get(CHECKSUM_KEY), dataOnly = metadata.get(DATA_CHECKSUM_KEY);
    Map<String, String> covered = new LinkedHashMap<>(metadata);
    covered.remove(CHECKSUM_KEY);
    covered.remove(DATA_CHECKSUM_KEY);
    TableChecksum tableChecksum = new TableChecksum(header.rows());
    MessageDigest dataChecksum = sha256();
    Map<String, Entry> tensors = new LinkedHashMap<>();
    for (TableRow row : header.rows()) tensors.put(row.name(), null); // keeps the file's order
    ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (TableRow row : header.byOffset()) { // the ranges tile the data: this reads it front to back
      int width = row.width(), filled = 0;
      double[] values = new double[Math.toIntExact(row.count())];
      for (long at = row.begin(); at < row.end(); ) {
        chunk.clear().limit((int) Math.min(chunk.capacity(), row.end() - at));
        source.readFully(chunk, dataStart + at, name);
        chunk.flip();
        if (full != null) tableChecksum.data(chunk.duplicate());
        else if (dataOnly != null) dataChecksum.update(chunk.duplicate());
        while (chunk.hasRemaining()) values[filled++] = width == 4 ? chunk.getFloat() : chunk.getDouble();
        at += chunk.limit();
      }
      tensors.put(row.name(), new Entry(row.name(), row.shape(), values, row.dtype()));
    }
    Seal seal = Seal.NONE;
    if (full != null) {
      String actual = tableChecksum.finish(covered);
      if (!actual.equalsIgnoreCase(full)) {
        throw new FormatException(name + ": checksum mismatch: the SHA-256 of its tensor table, data and metadata is "
            + actual + ", the header records " + full);
      }
      seal = Seal.FULL;
    } else if (dataOnly != null) {
      String actual = finish(dataChecksum, metadata);
      if (!actual.equalsIgnoreCase(dataOnly)) {
        throw new FormatException(name + ": checksum mismatch: the data's SHA-256 is " + actual + ", the header records " + dataOnly);
      }
      seal = Seal.DATA_ONLY;
    }
    return new Contents(metadata, tensors, seal);
  }

  /** The older checksum's digest: the data (already in {@code digest}), then every other metadata entry. */
  private static String finish(MessageDigest digest, Map<String, String> metadata) {
    metadata.forEach((key, value) -> {
      if (key.equals(DATA_CHECKSUM_KEY)) return;
      digest.update((key + '\0' + value + '\0').getBytes(StandardCharsets.UTF_8));
    });
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void checkHeaderLength(long headerLength, long fileSize, String name) throws FormatException {
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
      throw new FormatException(name + ": header length " + Long.toUnsignedString(headerLength) + " is outside 2.." + MAX_HEADER_BYTES);
    }
    if (headerLength > fileSize - 8) {
      throw new FormatException(name + ": header length " + headerLength + " is longer than the file (" + fileSize + " bytes)");
    }
  }

  static MessageDigest sha256() {
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
}
