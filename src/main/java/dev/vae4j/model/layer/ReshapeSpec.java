package dev.vae4j.model.layer;

/**
 * Views rows as {@code target} (PyTorch's {@code view} / {@code Unflatten}): flat rows of a dense
 * layer as images for a transposed convolution, in (C, H, W) order. Rows are stored the same way
 * in either shape, so it changes no value; it takes any input of {@code target.size()} values.
 */
public record ReshapeSpec(Shape target) implements LayerSpec {
  public ReshapeSpec {
    if (target == null) throw new IllegalArgumentException("a reshape needs its target shape");
  }

  @Override
  public Reshape build(String name, Shape input, long offset) {
    if (input.size() != target.size()) {
      throw new IllegalArgumentException(name + " cannot reshape rows of " + input + " (" + input.size()
          + " values) to " + target + " (" + target.size() + ")");
    }
    return new Reshape(name, input, target, offset);
  }
}
