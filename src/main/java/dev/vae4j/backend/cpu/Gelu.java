package dev.vae4j.backend.cpu;

/**
 * GELU in its exact form, {@code x Phi(x)}, and its derivative {@code Phi(x) + x phi(x)}, in float
 * from double arithmetic on {@code StrictMath.exp} only, so that every JVM and both kernel kinds
 * give the same bits (a resumed run continues bit for bit). Java has no erf; {@link #normalCdf}
 * takes erfc from Numerical Recipes' Chebyshev fit ({@code erfcc}), of relative error below 1.2e-7
 * everywhere, about one float ulp: so Phi is accurate relative to itself in the far negative tail,
 * where {@code 1 - erf} would cancel.
 */
final class Gelu {
  private static final double SQRT_HALF = Math.sqrt(0.5);
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

  private Gelu() {}

  static float forward(float x) {
    return (float) (x * normalCdf(x));
  }

  /** d GELU / dx at the pre-activation {@code x}. */
  static float derivative(float x) {
    return (float) (normalCdf(x) + x * INV_SQRT_2PI * StrictMath.exp(-0.5 * x * x));
  }

  /** Phi(x) = erfc(-x / sqrt 2) / 2. */
  static double normalCdf(double x) {
    return 0.5 * erfc(-x * SQRT_HALF);
  }

  private static double erfc(double z) {
    double a = Math.abs(z), t = 1 / (1 + 0.5 * a);
    double poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
        + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    double e = t * StrictMath.exp(-a * a + poly);
    return z >= 0 ? e : 2 - e;
  }
}
