package dev.vae4j.model;

import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.io.FormatException;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.LayerSpecs;
import dev.vae4j.model.layer.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/** The model configuration as safetensors metadata strings, so a model file describes itself. */
public final class ModelMetadata {
  private static final String FORMAT = "vae4j.format";
  private static final String FORMAT_VERSION = "1";

  private ModelMetadata() {}

  public static Map<String, String> describe(VaeConfig c) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(FORMAT, FORMAT_VERSION);
    m.put("vae4j.input_size", Integer.toString(c.inputSize()));
    m.put("vae4j.input_shape", c.input().channels() + "x" + c.input().height() + "x" + c.input().width());
    StringBuilder hidden = new StringBuilder();
    for (int h : c.hidden()) hidden.append(hidden.length() == 0 ? "" : ",").append(h);
    m.put("vae4j.hidden", hidden.toString());
    m.put("vae4j.latent", Integer.toString(c.latent()));
    m.put("vae4j.likelihood", c.likelihood().cliName());
    if (!c.isMlp()) { // the layers themselves; an MLP's sizes above say it all, as in older files
      m.put("vae4j.encoder", LayerSpecs.format(c.encoder()));
      m.put("vae4j.decoder", LayerSpecs.format(c.decoder()));
    }
    // As config.json: only a non-ReLU MLP says its activation, so ReLU models keep their bytes.
    if (!c.hiddenActivation().equals(ActivationFunction.RELU)) m.put("vae4j.activation", HiddenActivations.name(c.hiddenActivation()));
    return m;
  }

  public static VaeConfig config(Map<String, String> m, String file) throws FormatException {
    if (!FORMAT_VERSION.equals(m.get(FORMAT))) {
      throw new FormatException(file + ": not a vae4j model file (metadata " + FORMAT + " is " + m.get(FORMAT) + ", expected " + FORMAT_VERSION + ")");
    }
    try {
      int inputSize = Integer.parseInt(require(m, "vae4j.input_size", file));
      Shape input =
          m.containsKey("vae4j.input_shape") ? inputShape(m.get("vae4j.input_shape"), inputSize) : Shape.flat(inputSize);
      if (m.containsKey("vae4j.encoder")) {
        return new VaeConfig(input, LayerSpecs.parse(m.get("vae4j.encoder")),
            Integer.parseInt(require(m, "vae4j.latent", file)), LayerSpecs.parse(require(m, "vae4j.decoder", file)),
            Likelihood.parse(require(m, "vae4j.likelihood", file)));
      }
      String[] parts = require(m, "vae4j.hidden", file).split(",");
      int[] hidden = new int[parts.length];
      for (int i = 0; i < parts.length; i++) hidden[i] = Integer.parseInt(parts[i].trim());
      return VaeConfig.mlp(
          input,
          hidden,
          Integer.parseInt(require(m, "vae4j.latent", file)),
          Likelihood.parse(require(m, "vae4j.likelihood", file)),
          m.containsKey("vae4j.activation") ? HiddenActivations.parse(m.get("vae4j.activation")) : ActivationFunction.RELU);
    } catch (IllegalArgumentException e) {
      throw new FormatException(file + ": bad model configuration in metadata (" + e.getMessage() + ")", e);
    }
  }

  /** {@code CxHxW}, which must hold {@code inputSize} values. */
  private static Shape inputShape(String text, int inputSize) {
    String[] dims = text.split("x");
    if (dims.length != 3) throw new IllegalArgumentException("vae4j.input_shape '" + text + "' is not CxHxW");
    Shape shape = new Shape(Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]));
    if (shape.size() != inputSize) {
      throw new IllegalArgumentException("vae4j.input_shape " + shape + " does not hold vae4j.input_size " + inputSize + " values");
    }
    return shape;
  }

  private static String require(Map<String, String> m, String key, String file) throws FormatException {
    String v = m.get(key);
    if (v == null) throw new FormatException(file + ": metadata lacks " + key);
    return v;
  }
}
