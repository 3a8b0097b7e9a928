package dev.vae4j.model;

import dev.vae4j.backend.Activation;
import java.util.Locale;

/**
 * The activations an MLP's hidden layers take ({@code --activation}, {@code config.json}'s {@code
 * model.activation}, a model file's {@code vae4j.activation}), by their lower-case names.
 * Leaky ReLU and GELU are not implemented: their names are refused with that said, not as unknown.
 */
public final class HiddenActivations {
  /** The accepted names, for messages. */
  public static final String NAMES = "relu, elu or tanh";

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
      case "elu":
        return Activation.ELU;
      case "tanh":
        return Activation.TANH;
      default:
        if (n.equals("gelu") || n.startsWith("leaky-relu")) {
          throw new IllegalArgumentException("'" + name + "' is not implemented yet (use " + NAMES + ")");
        }
        throw new IllegalArgumentException("must be " + NAMES + ", got '" + name + "'");
    }
  }

  /** {@code act}'s name, what {@link #parse} reads. */
  public static String name(Activation act) {
    return act.name().toLowerCase(Locale.ROOT);
  }
}
