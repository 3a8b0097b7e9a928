package dev.vae4j.model;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import java.util.Locale;

/**
 * The activations an MLP's hidden layers take ({@code --activation}, {@code config.json}'s {@code
 * model.activation}, a model file's {@code vae4j.activation}), by their lower-case names; leaky
 * ReLU is {@code leaky-relu} (slope 0.01) or {@code leaky-relu:SLOPE} for a slope in (0, 1); GELU
 * {@code gelu}, the exact erf form.
 */
public final class HiddenActivations {
  /** The accepted names, for messages. */
  public static final String NAMES = "relu, leaky-relu[:SLOPE] (SLOPE in (0, 1)), elu, gelu or tanh";

  private HiddenActivations() {}

  /**
   * The activation {@code name} names.
   *
   * @throws IllegalArgumentException naming the accepted names
   */
  public static ActivationFunction parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "relu":
        return ActivationFunction.RELU;
      case "leaky-relu":
        return ActivationFunction.of(Activation.LEAKY_RELU);
      case "elu":
        return ActivationFunction.of(Activation.ELU);
      case "tanh":
        return ActivationFunction.of(Activation.TANH);
      case "gelu":
        return ActivationFunction.of(Activation.GELU);
      default:
        if (n.startsWith("leaky-relu:")) return leaky(name, n.substring("leaky-relu:".length()));
        throw new IllegalArgumentException("must be " + NAMES + ", got '" + name + "'");
    }
  }

  /**
   * {@code leaky-relu:SLOPE}: a slope in (0, 1) as a float (what the backends compute with, so
   * that a slope that rounds to 0 or 1 is refused too).
   */
  private static ActivationFunction leaky(String name, String slope) {
    float s;
    try {
      s = Float.parseFloat(slope);
    } catch (NumberFormatException e) {
      s = Float.NaN;
    }
    if (!(s > 0f && s < 1f)) {
      throw new IllegalArgumentException("leaky-relu's slope must be a number in (0, 1), got '" + name + "'");
    }
    return ActivationFunction.leakyRelu(s);
  }

  /**
   * {@code act}'s name, what {@link #parse} reads: the slope only where it is not the default,
   * so that a default leaky ReLU keeps the name files had before slopes.
   */
  public static String name(ActivationFunction act) {
    String kind = act.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
    return act.isDefaultSlope() ? kind : kind + ":" + act.slope();
  }
}
