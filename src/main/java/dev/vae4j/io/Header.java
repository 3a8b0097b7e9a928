package dev.vae4j.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors header, parsed and checked before any tensor is read: the metadata strings, and
 * the tensor table, whose byte ranges must exactly tile the {@code dataSize} bytes after the
 * header, so that every value promised is there (a file cannot make the reader allocate for data
 * it does not hold). A name given twice is refused, not silently resolved to one of them.
 */
record Header(Map<String, String> metadata, List<TableRow> rows) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * First byte, then end byte: an empty tensor sharing its first byte with a non-empty one sorts
   * before it whatever the header's order (a header may list them either way).
   */
  private static final Comparator<TableRow> BY_OFFSET = Comparator.comparingLong(TableRow::begin).thenComparingLong(TableRow::end);

  /** The table sorted by byte range. */
  List<TableRow> byOffset() {
    return rows.stream().sorted(BY_OFFSET).toList();
  }

  /** Values in all tensors. */
  long values() {
    return rows.stream().mapToLong(TableRow::count).sum();
  }

  static Header parse(byte[] bytes, long dataSize, String name) throws FormatException {
    JsonNode header;
    try {
      header = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new FormatException(name + ": header is not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (header == null || !header.isObject()) throw new FormatException(name + ": header is not a JSON object");
    Map<String, String> metadata = new LinkedHashMap<>();
    List<TableRow> rows = new ArrayList<>();
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
      rows.add(row(key, value, dataSize, name));
    }
    long expected = 0;
    for (TableRow r : rows.stream().sorted(BY_OFFSET).toList()) {
      if (r.begin() != expected) {
        throw new FormatException(name + ": tensor data " + (r.begin() < expected ? "overlaps" : "leaves a gap") + " at byte "
            + Math.min(r.begin(), expected));
      }
      expected = r.end();
    }
    if (expected != dataSize) throw new FormatException(name + ": " + (dataSize - expected) + " bytes after the last tensor");
    return new Header(metadata, rows);
  }

  private static TableRow row(String key, JsonNode value, long dataSize, String name) throws FormatException {
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
    return new TableRow(key, dtype, shape, begin, end);
  }
}
