package dev.vae4j.model.layer;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import java.util.List;

/**
 * A fully connected layer of {@code outputs} features followed by {@code function}; it takes any
 * input shape, flattened.
 */
public record LinearSpec(int outputs, ActivationFunction function) implements LayerSpec {
  public LinearSpec {
    if (outputs <= 0) throw new IllegalArgumentException("layer sizes must be > 0, got " + outputs);
    if (function == null) throw new IllegalArgumentException("activation is required");
  }

  /** {@code activation} with its default parameter. */
  public LinearSpec(int outputs, Activation activation) {
    this(outputs, activation == null ? null : ActivationFunction.of(activation));
  }

  /** The activation's kind. */
  public Activation activation() {
    return function.kind();
  }

  @Override
  public Linear build(String name, Shape input, long offset) {
    return new Linear(List.of(name), input.size(), outputs, function, offset);
  }
}
