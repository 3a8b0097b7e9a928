package dev.vae4j.model.layer;

import dev.vae4j.backend.Activation;

/** A fully connected layer of {@code outputs} features followed by {@code activation}. */
public record LinearSpec(int outputs, Activation activation) implements LayerSpec {
  public LinearSpec {
    if (outputs <= 0) throw new IllegalArgumentException("layer sizes must be > 0, got " + outputs);
    if (activation == null) throw new IllegalArgumentException("activation is required");
  }

  @Override
  public Linear build(String name, Shape input, long offset) {
    if (!input.isFlat()) {
      throw new IllegalArgumentException(name + ": a linear layer takes a flat input, got " + input);
    }
    return new Linear(java.util.List.of(name), input.channels(), outputs, activation, offset);
  }
}
