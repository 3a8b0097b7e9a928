package dev.vae4j.model;

import dev.vae4j.model.layer.ParameterView;
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
    for (ParameterView view : layout.views()) {
      double bound = 1.0 / Math.sqrt(view.fanIn());
      for (long i = view.offset(), end = view.offset() + view.size(); i < end; i++) {
        params[(int) i] = (float) random.nextDouble(-bound, bound);
      }
    }
    return params;
  }
}
