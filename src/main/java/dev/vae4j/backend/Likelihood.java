package dev.vae4j.backend;

import java.util.Locale;

/**
 * The decoder's output distribution p(x|z), parameterized by the decoder's last layer ("logits").
 * Every choice that depends on the likelihood is an exhaustive {@code switch} over this enum (no
 * default branch), so a new constant does not compile until every such place handles it.
 */
public enum Likelihood {
  /**
   * Independent Bernoulli per pixel with p = sigmoid(l). Per-pixel negative log-likelihood in the
   * stable form max(l,0) - l*x + log1p(exp(-|l|)); d/dl = sigmoid(l) - x. Targets x in [0,1].
   */
  BERNOULLI,
  /**
   * Continuous Bernoulli per pixel (Loaiza-Ganem and Cunningham, 2019), a density on [0,1] with
   * parameter lambda = sigmoid(l): p(x) = C(lambda) lambda^x (1-lambda)^(1-x). Per-pixel negative
   * log-likelihood = the Bernoulli one above minus log C, where, in terms of the logit, C = l /
   * tanh(l/2) (= 2 at l = 0), so log C = log(l / tanh(l/2)), and for |l| &lt; {@link
   * #CB_TAYLOR_BELOW} its Taylor series log 2 + l^2/12 - 7 l^4/1440 (PyTorch's {@code
   * ContinuousBernoulli._cont_bern_log_norm} in other words). d/dl = sigmoid(l) - x - (1/l -
   * 1/sinh(l)), the last term l/6 - 7 l^3/360 near 0. Targets x in [0,1].
   */
  CONTINUOUS_BERNOULLI,
  /**
   * Independent Gaussian per pixel with mean l and unit variance. Per-pixel negative log-likelihood
   * 0.5*(x-l)^2 + 0.5*log(2*pi); d/dl = l - x.
   */
  GAUSSIAN,
  /**
   * Independent Gaussian per pixel with a learned mean mu and log-variance lv: the decoder gives two
   * outputs per pixel, all the means of a row, then all the log-variances. The log-variance is
   * clamped to [{@link #LOG_VARIANCE_MIN}, {@link #LOG_VARIANCE_MAX}] (standard deviations from
   * 0.030 to 33): v = clamp(lv). Per-pixel negative log-likelihood 0.5*(log(2*pi) + v + (x-mu)^2
   * exp(-v)); d/dmu = (mu - x) exp(-v); d/dlv = 0.5*(1 - (x-mu)^2 exp(-v)) inside the range
   * (bounds included) and 0 outside it.
   */
  GAUSSIAN_LEARNED;

  /** Below this |logit| the continuous Bernoulli's log normalizer and its derivative use their Taylor series. */
  public static final double CB_TAYLOR_BELOW = 1e-2;
  /** The lowest log-variance {@link #GAUSSIAN_LEARNED} uses (sigma = exp(-3.5) = 0.030, ~8 grey levels of 256). */
  public static final float LOG_VARIANCE_MIN = -7f;
  /** The highest log-variance {@link #GAUSSIAN_LEARNED} uses (sigma = exp(3.5) = 33). */
  public static final float LOG_VARIANCE_MAX = 7f;

  /**
   * How many decoder outputs each modelled value needs: the decoder's last layer has {@code
   * outputsPerValue() * values} outputs, laid out as that many blocks of {@code values} columns
   * (for a likelihood with a mean and a log-variance: all the means, then all the log-variances).
   */
  public int outputsPerValue() {
    return switch (this) {
      case BERNOULLI, CONTINUOUS_BERNOULLI, GAUSSIAN -> 1;
      case GAUSSIAN_LEARNED -> 2;
    };
  }

  /** The name on the command line and in config.json: {@code bernoulli}, {@code continuous-bernoulli}, ... */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The likelihood named {@code name}: its {@link #cliName} or its constant's name, in any case,
   * with '-' or '_' (so "bernoulli" and "gaussian" of older run folders, and model files'
   * "continuous_bernoulli", all read back).
   */
  public static Likelihood parse(String name) {
    String key = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Likelihood l : values()) {
      if (l.name().equals(key)) return l;
    }
    throw new IllegalArgumentException("unknown likelihood '" + name + "': one of " + names());
  }

  /** The {@link #cliName}s, separated by '|'. */
  public static String names() {
    StringBuilder s = new StringBuilder();
    for (Likelihood l : values()) s.append(s.length() == 0 ? "" : "|").append(l.cliName());
    return s.toString();
  }

  /** Whether binary pixels can be drawn from the pixel means (a Bernoulli distribution over {0, 1}). */
  public boolean binary() {
    return switch (this) {
      case BERNOULLI -> true;
      case CONTINUOUS_BERNOULLI, GAUSSIAN, GAUSSIAN_LEARNED -> false;
    };
  }

  /**
   * Nats added per value to turn the per-image negative log-likelihood into one of 8-bit data for
   * bits per dimension: 0 for the Bernoulli, whose probabilities are already masses; ln 256 for the
   * densities (continuous Bernoulli on [0,1], and the Gaussians, whose mass lies almost all there
   * for pixel data), treating the density at x = k/255 as spread over a bin of width 1/256. The data
   * are not dequantized, so for densities this is an approximation, not a bound.
   */
  public double discretizationNatsPerValue() {
    return switch (this) {
      case BERNOULLI -> 0;
      case CONTINUOUS_BERNOULLI, GAUSSIAN, GAUSSIAN_LEARNED -> Math.log(256);
    };
  }

  /**
   * Bits per dimension of a negative log-likelihood of {@code nats} per image of {@code values}
   * values: {@code (nats + values * discretizationNatsPerValue()) / (values * ln 2)}.
   */
  public double bitsPerDimension(double nats, int values) {
    return (nats + values * discretizationNatsPerValue()) / (values * Math.log(2));
  }

  /**
   * The picture of a decoder output: each pixel's value in [0,1] from {@code outputs [rows,
   * outputsPerValue() * values]}. Bernoulli: sigmoid(l), the pixel's probability of being on;
   * continuous Bernoulli: the distribution's mean lambda/(2 lambda - 1) + 1/(2 artanh(1 - 2
   * lambda)) = 1/2 + (coth(l/2) - 2/l)/2 (1/2 at l = 0), not lambda, which overstates contrast;
   * Gaussian: the mean l clamped to [0,1]; learned Gaussian: the mean half, clamped.
   */
  public float[] pixelMeans(float[] outputs, int rows, int values) {
    int width = outputsPerValue() * values;
    if (outputs.length < (long) rows * width) {
      throw new IllegalArgumentException(rows + " rows of " + width + " outputs need " + (long) rows * width
          + " floats, got " + outputs.length);
    }
    float[] out = new float[rows * values];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < values; c++) {
        double l = outputs[r * width + c];
        double mean = switch (this) {
          case BERNOULLI -> 1 / (1 + Math.exp(-l));
          case CONTINUOUS_BERNOULLI -> continuousBernoulliMean(l);
          case GAUSSIAN, GAUSSIAN_LEARNED -> l;
        };
        out[r * values + c] = (float) Math.min(1, Math.max(0, mean));
      }
    }
    return out;
  }

  /** The mean of the continuous Bernoulli with logit l: 1/2 + (coth(l/2) - 2/l)/2, the series 1/2 + l/12 - l^3/720 near 0. */
  static double continuousBernoulliMean(double l) {
    if (Math.abs(l) < CB_TAYLOR_BELOW) return 0.5 + l / 12 - l * l * l / 720;
    return 0.5 + (1 / Math.tanh(l / 2) - 2 / l) / 2;
  }
}
