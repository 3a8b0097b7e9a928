package dev.vae4j.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SHA-256 a safetensors file written by vae4j records as {@value SafeTensors#CHECKSUM_KEY}:
 * over the tensor table (for each tensor by name: name, dtype, each dimension, first and end
 * byte), then the data bytes, then every other metadata entry by key (key, value). Names and
 * keys are sorted because JSON objects are unordered: a header whose entries another tool wrote
 * in another order says the same and verifies the same.
 * Strings go in as their UTF-8 length (4 bytes, big-endian) and bytes, numbers as 8 big-endian
 * bytes, so no two different headers feed the digest the same bytes. A file whose byte ranges were
 * swapped between two tensors of one shape keeps its data bytes but not this checksum.
 */
final class TableChecksum {
  private static final byte[] DOMAIN = "vae4j safetensors table, data and metadata".getBytes(StandardCharsets.UTF_8);

  private final MessageDigest digest = SafeTensors.sha256();
  private final ByteBuffer number = ByteBuffer.allocate(Long.BYTES);

  /** Starts the digest with {@code rows}, the tensor table. */
  TableChecksum(List<TableRow> rows) {
    string(new String(DOMAIN, StandardCharsets.UTF_8));
    number(rows.size());
    for (TableRow r : rows.stream().sorted(Comparator.comparing(TableRow::name)).toList()) {
      string(r.name());
      string(r.dtype());
      number(r.shape().length);
      for (long d : r.shape()) number(d);
      number(r.begin());
      number(r.end());
    }
  }

  /** Adds the next data bytes (all of them, in file order, between the table and {@link #finish}). */
  void data(ByteBuffer bytes) {
    digest.update(bytes);
  }

  /** Adds {@code metadata} (without the checksum entry itself) and returns the hex digest. */
  String finish(Map<String, String> metadata) {
    number(metadata.size());
    new TreeMap<>(metadata).forEach((key, value) -> {
      string(key);
      string(value);
    });
    return HexFormat.of().formatHex(digest.digest());
  }

  private void string(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    number(utf8.length);
    digest.update(utf8);
  }

  private void number(long n) {
    digest.update(number.clear().putLong(n).flip());
  }
}
