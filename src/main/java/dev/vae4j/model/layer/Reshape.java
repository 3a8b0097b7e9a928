package dev.vae4j.model.layer;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Tensor;
import java.util.List;

/**
 * A {@link ReshapeSpec} in a network: no parameters; its output is a copy of its input (each layer
 * has a buffer of its own, and a copy of one activation per step costs next to nothing), its input
 * gradient a copy of its output gradient.
 */
public record Reshape(String name, Shape inputShape, Shape outputShape, long offset) implements Layer {
  @Override
  public long parameterCount() {
    return 0;
  }

  @Override
  public List<ParameterView> views() {
    return List.of();
  }

  @Override
  public Tensor[] bind(Backend backend, Tensor buffer) {
    return new Tensor[0];
  }

  @Override
  public void forward(Backend backend, Tensor[] params, Tensor x, Tensor y, int rows) {
    copyRows(backend, x, y, rows);
  }

  @Override
  public void backward(Backend backend, Tensor[] params, Tensor[] grads, Tensor x, Tensor y, Tensor dy, Tensor dx,
      int rows) {
    if (dx != null) copyRows(backend, dy, dx, rows);
  }

  private void copyRows(Backend backend, Tensor from, Tensor to, int rows) {
    long n = (long) rows * outputShape.size();
    backend.copy(backend.slice(from, 0, n), backend.slice(to, 0, n));
  }

  @Override
  public List<GemmShape> forwardGemms(String role, int rows) {
    return List.of();
  }

  @Override
  public List<GemmShape> backwardGemms(String role, int rows, boolean inputGradient) {
    return List.of();
  }
}
