package dev.vae4j.backend;

/**
 * An {@link Activation} with its parameter: {@link Activation#LEAKY_RELU}'s negative slope, in
 * (0, 1) (positive, so that the output's sign is the input's and the backward can take the branch
 * from the output; below 1, so that it stays a leaky ReLU); 0 for every other kind, which has none.
 * What a dense layer carries to {@link DenseOps}.
 */
public record ActivationFunction(Activation kind, float slope) {
  public static final ActivationFunction IDENTITY = of(Activation.IDENTITY);
  public static final ActivationFunction RELU = of(Activation.RELU);

  public ActivationFunction {
    if (kind == null) throw new IllegalArgumentException("activation is required");
    if (kind == Activation.LEAKY_RELU ? !(slope > 0f && slope < 1f) : slope != 0f) {
      throw new IllegalArgumentException(kind == Activation.LEAKY_RELU
          ? "leaky-relu's slope must be in (0, 1), got " + slope
          : kind + " takes no slope, got " + slope);
    }
  }

  /** {@code kind} with its default parameter (leaky ReLU: {@link Activation#LEAKY_SLOPE}). */
  public static ActivationFunction of(Activation kind) {
    return new ActivationFunction(kind, kind == Activation.LEAKY_RELU ? Activation.LEAKY_SLOPE : 0f);
  }

  /** Leaky ReLU of negative slope {@code slope}, in (0, 1). */
  public static ActivationFunction leakyRelu(float slope) {
    return new ActivationFunction(Activation.LEAKY_RELU, slope);
  }

  /** Whether the parameter is {@code kind}'s default, what files leave unsaid. */
  public boolean isDefaultSlope() {
    return equals(of(kind));
  }
}
