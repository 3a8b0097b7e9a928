package dev.vae4j.model;

import dev.vae4j.backend.Activation;
import java.util.Locale;

/**
 * The activations an MLP's hidden layers take ({@code --activation}, {@code config.json}'s {@code
 * model.activation}, a model file's {@code vae4j.activation}), by their lower-case names; leaky
 * ReLU is {@code leaky-relu} (slope 0.01, which {@code leaky-relu:0.01} also names). Other slopes
 * and GELU are not implemented: they are refused with that said, not as unknown.
 */
public final class HiddenActivations {
  /** The accepted names, for messages. */
  public static final String NAMES = "relu, leaky-relu, elu or tanh";

  private HiddenActivations() {}

  /**
   * The activation {@code name} names.
   *
   * @throws IllegalArgumentException naming the accepted names
   */
  public static Activation parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "relu":
        return Activation.RELU;
      case "leaky-relu":
        return Activation.LEAKY_RELU;
      case "elu":
        return Activation.ELU;
      case "tanh":
        return Activation.TANH;
      default:
        if (n.startsWith("leaky-relu:")) return leaky(name, n.substring("leaky-relu:".length()));
        if (n.equals("gelu")) throw new IllegalArgumentException("'" + name + "' is not implemented yet (use " + NAMES + ")");
        throw new IllegalArgumentException("must be " + NAMES + ", got '" + name + "'");
    }
  }

  /** {@code leaky-relu:SLOPE}: a slope >= 0 and finite, of which only 0.01 is implemented. */
  private static Activation leaky(String name, String slope) {
    double s;
    try {
      s = Double.parseDouble(slope);
    } catch (NumberFormatException e) {
      s = Double.NaN;
    }
    if (!(s >= 0 && Double.isFinite(s))) {
      throw new IllegalArgumentException("leaky-relu's slope must be a finite number >= 0, got '" + name + "'");
    }
    if ((float) s != Activation.LEAKY_SLOPE) {
      throw new IllegalArgumentException("'" + name + "': only leaky-relu's default slope 0.01 is implemented yet");
    }
    return Activation.LEAKY_RELU;
  }

  /** {@code act}'s name, what {@link #parse} reads. */
  public static String name(Activation act) {
    return act.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
