package dev.vae4j.backend;

/**
 * Double-precision references of the hidden-layer activations of issue 19 (forward and derivative
 * with respect to the pre-activation), by command-line name: relu, leaky-relu[:SLOPE], elu, gelu
 * (exact erf form, PyTorch's default nn.GELU()), tanh. Checked against PyTorch in
 * ReferenceActivationsTest so that the backend contracts can trust them.
 */
public final class ReferenceActivations {
  private ReferenceActivations() {}

  public static double forward(String name, double x) {
    return switch (base(name)) {
      case "relu" -> x > 0 ? x : 0;
      case "leaky-relu" -> x > 0 ? x : slope(name) * x;
      case "elu" -> x > 0 ? x : Math.expm1(x);
      case "gelu" -> x * normalCdf(x);
      case "tanh" -> Math.tanh(x);
      default -> throw new IllegalArgumentException(name);
    };
  }

  public static double derivative(String name, double x) {
    return switch (base(name)) {
      case "relu" -> x > 0 ? 1 : 0;
      case "leaky-relu" -> x > 0 ? 1 : slope(name);
      case "elu" -> x > 0 ? 1 : Math.exp(x);
      case "gelu" -> normalCdf(x) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
      case "tanh" -> 1 - Math.tanh(x) * Math.tanh(x);
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static String base(String name) {
    int colon = name.indexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }

  /** PyTorch's default negative slope 0.01 unless the name carries one. */
  private static double slope(String name) {
    int colon = name.indexOf(':');
    return colon < 0 ? 0.01 : Double.parseDouble(name.substring(colon + 1));
  }

  static double normalCdf(double x) {
    return 0.5 * erfc(-x / Math.sqrt(2));
  }

  /**
   * erfc to about 1e-15 absolute: Taylor series of erf near 0 (little cancellation for |x| < 2), Laplace's
   * continued fraction beyond, where it converges fast; Java has no erf of its own.
   */
  static double erfc(double x) {
    if (Math.abs(x) < 2) {
      double term = x;
      double sum = x;
      for (int n = 1; n < 60; n++) {
        term *= -x * x / n;
        sum += term / (2 * n + 1);
      }
      return 1 - 2 / Math.sqrt(Math.PI) * sum;
    }
    double z = Math.abs(x);
    double fraction = z;
    for (int k = 80; k >= 1; k--) {
      fraction = z + (k / 2.0) / fraction;
    }
    double tail = Math.exp(-z * z) / Math.sqrt(Math.PI) / fraction;
    return x > 0 ? tail : 2 - tail;
  }
}
