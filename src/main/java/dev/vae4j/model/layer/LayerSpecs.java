package dev.vae4j.model.layer;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Layer specs as text, how {@code config.json} and model files record a model's layers so that
 * every command rebuilds it: one token per layer, separated by spaces, e.g. {@code conv:32:4:2:1:relu
 * conv:64:4:2:1:relu fc:256:relu} (kind, then output size or channels, then for convolutions kernel,
 * stride and padding, then the activation) and {@code reshape:64x7x7}. A dense layer's leaky ReLU
 * of a slope other than the default 0.01 adds the slope as one more field: {@code
 * fc:256:leaky_relu:0.2}. {@link #parse} reads what {@link #format} writes.
 */
public final class LayerSpecs {
  private LayerSpecs() {}

  /** The tokens of {@code specs}, space-separated. */
  public static String format(List<LayerSpec> specs) {
    StringBuilder s = new StringBuilder();
    for (LayerSpec spec : specs) s.append(s.length() == 0 ? "" : " ").append(token(spec));
    return s.toString();
  }

  private static String token(LayerSpec spec) {
    if (spec instanceof LinearSpec l) return "fc:" + l.outputs() + ":" + name(l.function());
    if (spec instanceof Conv2dSpec c) {
      return "conv:" + c.outChannels() + ":" + c.kernel() + ":" + c.stride() + ":" + c.padding() + ":" + name(c.activation());
    }
    if (spec instanceof ConvTranspose2dSpec c) {
      return "deconv:" + c.outChannels() + ":" + c.kernel() + ":" + c.stride() + ":" + c.padding() + ":"
          + name(c.activation());
    }
    ReshapeSpec r = (ReshapeSpec) spec;
    return "reshape:" + r.target().channels() + "x" + r.target().height() + "x" + r.target().width();
  }

  private static String name(Activation a) {
    return a.name().toLowerCase(Locale.ROOT);
  }

  /** The activation's name, then its slope where it is not the default (older files: none). */
  private static String name(ActivationFunction f) {
    return name(f.kind()) + (f.isDefaultSlope() ? "" : ":" + f.slope());
  }

  /**
   * The specs {@code text} lists.
   *
   * @throws IllegalArgumentException naming the first token that is not a layer
   */
  public static List<LayerSpec> parse(String text) {
    List<LayerSpec> specs = new ArrayList<>();
    for (String token : text.trim().split("\\s+")) {
      if (token.isEmpty()) continue;
      try {
        specs.add(spec(token.split(":")));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("bad layer '" + token + "': " + e.getMessage(), e);
      }
    }
    if (specs.isEmpty()) throw new IllegalArgumentException("no layers in '" + text + "'");
    return specs;
  }

  private static LayerSpec spec(String[] f) {
    switch (f[0]) {
      case "fc":
        if (f.length != 4) arity(f, 3);
        return new LinearSpec(Integer.parseInt(f[1]), function(f, 2));
      case "conv":
        arity(f, 6);
        return new Conv2dSpec(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
            Integer.parseInt(f[4]), activation(f[5]));
      case "deconv":
        arity(f, 6);
        return new ConvTranspose2dSpec(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
            Integer.parseInt(f[4]), activation(f[5]));
      case "reshape":
        arity(f, 2);
        String[] d = f[1].split("x");
        if (d.length != 3) throw new IllegalArgumentException("the shape is not CxHxW");
        return new ReshapeSpec(new Shape(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2])));
      default:
        throw new IllegalArgumentException("unknown kind '" + f[0] + "' (fc, conv, deconv, reshape)");
    }
  }

  private static void arity(String[] fields, int n) {
    if (fields.length != n) throw new IllegalArgumentException("expected " + n + " fields separated by ':'");
  }

  private static Activation activation(String text) {
    return Activation.valueOf(text.toUpperCase(Locale.ROOT));
  }

  /** The activation in field {@code at}, with the slope in the next field if there is one. */
  private static ActivationFunction function(String[] f, int at) {
    Activation kind = activation(f[at]);
    return at + 1 < f.length ? new ActivationFunction(kind, Float.parseFloat(f[at + 1])) : ActivationFunction.of(kind);
  }
}
