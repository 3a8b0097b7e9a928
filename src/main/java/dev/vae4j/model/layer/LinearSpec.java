package dev.vae4j.model.layer;

import dev.vae4j.backend.Activation;
import java.util.List;

/**
 * A fully connected layer of {@code outputs} features followed by {@code activation}; it takes any
 * input shape, flattened.
 */
public record LinearSpec(int outputs, Activation activation) implements LayerSpec {
  public LinearSpec {
    if (outputs <= 0) throw new IllegalArgumentException("layer sizes must be > 0, got " + outputs);
    if (activation == null) throw new IllegalArgumentException("activation is required");
  }

  @Override
  public Linear build(String name, Shape input, long offset) {
    return new Linear(List.of(name), input.size(), outputs, activation, offset);
  }
}
