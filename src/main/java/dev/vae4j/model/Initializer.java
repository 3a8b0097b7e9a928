package dev.vae4j.model;

import java.util.SplittableRandom;

/**
 * Initial parameters as PyTorch's {@code nn.Linear} draws them: weights from Kaiming-uniform with
 * a = sqrt(5), which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and biases from the same bound.
 * Deterministic for a seed.
 */
public final class Initializer {
  private Initializer() {}

  /** A fresh flat parameter array for {@code layout}, drawn from {@code seed}. */
  public static float[] pytorchLinear(ParameterLayout layout, long seed) {
    float[] params = new float[Math.toIntExact(layout.size())];
    SplittableRandom random = new SplittableRandom(seed);
    for (ParameterLayout.View view : layout.views()) {
      int fanIn = view.shape().length == 2 ? view.shape()[1] : fanInOfBias(layout, view);
      double bound = 1.0 / Math.sqrt(fanIn);
      for (long i = view.offset(), end = view.offset() + view.size(); i < end; i++) {
        params[(int) i] = (float) random.nextDouble(-bound, bound);
      }
    }
    return params;
  }

  /** A bias's fan-in is that of the weight of the same layer (the view named alike). */
  private static int fanInOfBias(ParameterLayout layout, ParameterLayout.View bias) {
    String weightName = bias.name().substring(0, bias.name().length() - "bias".length()) + "weight";
    for (ParameterLayout.View v : layout.views()) {
      if (v.name().equals(weightName)) return v.shape()[1];
    }
    throw new IllegalStateException("no weight for bias " + bias.name());
  }
}
