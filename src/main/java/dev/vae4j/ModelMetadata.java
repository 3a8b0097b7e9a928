package dev.vae4j;

import dev.vae4j.model.VaeConfig;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.io.FormatException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The model configuration as safetensors metadata strings, so a model file describes itself. */
final class ModelMetadata {
  private static final String FORMAT = "vae4j.format";
  private static final String FORMAT_VERSION = "1";

  private ModelMetadata() {}

  static Map<String, String> describe(VaeConfig c) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(FORMAT, FORMAT_VERSION);
    m.put("vae4j.input_size", Integer.toString(c.inputSize()));
    StringBuilder hidden = new StringBuilder();
    for (int h : c.hidden()) hidden.append(hidden.length() == 0 ? "" : ",").append(h);
    m.put("vae4j.hidden", hidden.toString());
    m.put("vae4j.latent", Integer.toString(c.latent()));
    m.put("vae4j.likelihood", c.likelihood().name().toLowerCase(Locale.ROOT));
    return m;
  }

  static VaeConfig config(Map<String, String> m, String file) throws FormatException {
    if (!FORMAT_VERSION.equals(m.get(FORMAT))) {
      throw new FormatException(file + ": not a vae4j model file (metadata " + FORMAT + " is " + m.get(FORMAT) + ", expected " + FORMAT_VERSION + ")");
    }
    try {
      String[] parts = require(m, "vae4j.hidden", file).split(",");
      int[] hidden = new int[parts.length];
      for (int i = 0; i < parts.length; i++) hidden[i] = Integer.parseInt(parts[i].trim());
      return VaeConfig.mlp(
          Integer.parseInt(require(m, "vae4j.input_size", file)),
          hidden,
          Integer.parseInt(require(m, "vae4j.latent", file)),
          Likelihood.parse(require(m, "vae4j.likelihood", file)));
    } catch (IllegalArgumentException e) {
      throw new FormatException(file + ": bad model configuration in metadata (" + e.getMessage() + ")", e);
    }
  }

  private static String require(Map<String, String> m, String key, String file) throws FormatException {
    String v = m.get(key);
    if (v == null) throw new FormatException(file + ": metadata lacks " + key);
    return v;
  }
}
