package dev.vae4j.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.model.layer.Shape;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Central finite differences confirm every analytic gradient of the double reference. */
class ReferenceVaeGradientTest {

  @ParameterizedTest
  @EnumSource(Likelihood.class)
  void analyticGradientMatchesFiniteDifferences(Likelihood likelihood) {
    check(likelihood, ActivationFunction.RELU);
  }

  /** The smooth hidden activations of {@code --activation} (leaky ReLU's kink is skipped as ReLU's). */
  @ParameterizedTest
  @CsvSource({"BERNOULLI,elu", "BERNOULLI,tanh", "GAUSSIAN_LEARNED,elu", "GAUSSIAN,tanh", "BERNOULLI,leaky-relu",
      "GAUSSIAN,leaky-relu:0.3", "BERNOULLI,gelu", "GAUSSIAN_LEARNED,gelu"})
  void analyticGradientMatchesFiniteDifferencesWithAnotherActivation(Likelihood likelihood, String activation) {
    check(likelihood, HiddenActivations.parse(activation));
  }

  private static void check(Likelihood likelihood, ActivationFunction activation) {
    long seed = Long.getLong("vae4j.seed", new Random().nextLong()); // -Dvae4j.seed=S replays a failure
    Random random = new Random(seed);
    VaeConfig config = VaeConfig.mlp(Shape.flat(7), new int[] {5, 4}, 3, likelihood, activation);
    ReferenceVae vae = new ReferenceVae(config);
    double[] p = new double[(int) vae.layout.size()];
    for (int i = 0; i < p.length; i++) p[i] = random.nextGaussian() * 0.5;
    double[][] x = new double[4][7];
    double[][] eps = new double[4][3];
    for (double[] row : x) for (int c = 0; c < row.length; c++) row[c] = random.nextDouble();
    for (double[] row : eps) for (int c = 0; c < row.length; c++) row[c] = random.nextGaussian();
    double beta = 0.7;

    double[] analytic = vae.gradient(p, x, eps, beta);
    double h = 1e-6;
    int straddled = 0;
    for (int i = 0; i < p.length; i++) {
      double numeric = difference(vae, p, i, h, x, eps, beta);
      double err = Math.abs(numeric - analytic[i]);
      if (err > 1e-6 + 1e-5 * Math.abs(numeric)) {
        // A ReLU kink within h of a pre-activation bends the quotient, which then depends on the
        // step: on a smooth loss a quarter of the step changes it by rounding only (~1e-8 here).
        // Such a parameter says nothing about the gradient: skip it, rarely.
        double finer = difference(vae, p, i, h / 4, x, eps, beta);
        boolean kink = Math.abs(finer - numeric) > 1e-7 + 1e-7 * Math.abs(numeric);
        assertTrue(kink && ++straddled <= 2,
            "parameter " + i + ": analytic " + analytic[i] + " vs numeric " + numeric + " (h/4: " + finer + "; seed "
                + seed + ", " + activation + ")");
      }
    }
  }

  private static double difference(ReferenceVae vae, double[] p, int i, double h, double[][] x, double[][] eps,
      double beta) {
    double saved = p[i];
    p[i] = saved + h;
    double up = vae.forward(p, x, eps, beta).loss;
    p[i] = saved - h;
    double down = vae.forward(p, x, eps, beta).loss;
    p[i] = saved;
    return (up - down) / (2 * h);
  }
}
