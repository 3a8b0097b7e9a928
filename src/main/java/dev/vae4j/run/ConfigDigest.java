package dev.vae4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The digest {@code config.json} carries ({@value #KEY}) and the comparison of two run
 * configurations, both over whatever keys the JSON has, so that a section a later version adds
 * is covered without a change here. Both leave out what may change while a run stays the same run
 * ({@link #MAY_DIFFER}: the vae4j version, the device). The digest is the SHA-256 of the JSON
 * without those keys, objects' keys sorted, written compactly: independent of indentation and key
 * order.
 */
public final class ConfigDigest {
  /** The top-level key of the digest in {@code config.json}. */
  public static final String KEY = "digest";

  /**
   * Top-level keys that may differ between {@code config.json} and a checkpoint's copy of the run
   * configuration: the vae4j version and the device a resumed run ran on ({@code --device} may
   * move a run), and the digest itself.
   */
  static final Set<String> MAY_DIFFER = Set.of(KEY, "vae4j_version", "device", "requested_device", "backend");

  /**
   * The one nested key that may differ too: {@code train --resume DIR --epochs N} extends a run,
   * recording N in {@code config.json} (with a fresh digest) while the checkpoints written before
   * still carry the old count.
   */
  static final String EXTENDABLE = "training.epochs";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ConfigDigest() {}

  /** The hex SHA-256 of {@code root} without its {@value #KEY} and the other keys of {@link #MAY_DIFFER}. */
  public static String of(JsonNode root) {
    JsonNode content = root;
    if (root.isObject()) {
      content = root.deepCopy();
      ((ObjectNode) content).remove(MAY_DIFFER);
    }
    try {
      byte[] canonical = JSON.writeValueAsString(sorted(content)).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("a JSON tree always serializes and SHA-256 always exists", e);
    }
  }

  /** Whether {@code root} records a {@value #KEY} that disagrees with its content (null when it records none). */
  public static Boolean edited(JsonNode root) {
    JsonNode recorded = root.get(KEY);
    if (recorded == null || !recorded.isTextual()) return null;
    return !recorded.asText().equalsIgnoreCase(of(root));
  }

  /**
   * The keys (dotted paths, e.g. {@code training.batch_size}) whose values differ between {@code a}
   * and {@code b}, each with both values, ignoring {@link #MAY_DIFFER} at the top level and
   * {@link #EXTENDABLE}.
   */
  public static List<String> differences(JsonNode a, JsonNode b) {
    List<String> out = new ArrayList<>();
    compare("", a, b, out);
    return out;
  }

  private static void compare(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a != null && b != null && a.isObject() && b.isObject()) {
      Set<String> keys = new java.util.TreeSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      b.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        if (path.isEmpty() && MAY_DIFFER.contains(key)) continue;
        String dotted = path.isEmpty() ? key : path + "." + key;
        if (dotted.equals(EXTENDABLE)) continue;
        compare(dotted, a.get(key), b.get(key), out);
      }
    } else if (!sameValue(a, b)) {
      out.add(path + " (" + show(a) + " here, " + show(b) + " in the checkpoint)");
    }
  }

  /** Equal JSON values, numbers by value (1 and 1.0 are one number). */
  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a == null || b == null) return a == b;
    if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
    return Objects.equals(a, b);
  }

  private static String show(JsonNode n) {
    if (n == null) return "absent";
    String s = n.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  /** {@code node} with every object's keys in sorted order. */
  private static Object sorted(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> m = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), sorted(e.getValue()));
      }
      return m;
    }
    if (node.isArray()) {
      List<Object> l = new ArrayList<>();
      node.forEach(n -> l.add(sorted(n)));
      return l;
    }
    return node;
  }
}
