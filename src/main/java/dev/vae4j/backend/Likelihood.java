package dev.vae4j.backend;

/** The decoder's output distribution p(x|z), parameterized by the decoder's last layer ("logits"). */
public enum Likelihood {
  /**
   * Independent Bernoulli per pixel with p = sigmoid(l). Per-pixel negative log-likelihood in the
   * stable form max(l,0) - l*x + log1p(exp(-|l|)); d/dl = sigmoid(l) - x. Targets x in [0,1].
   */
  BERNOULLI,
  /**
   * Independent Gaussian per pixel with mean l and unit variance. Per-pixel negative log-likelihood
   * 0.5*(x-l)^2 + 0.5*log(2*pi); d/dl = l - x.
   */
  GAUSSIAN;

  /**
   * How many decoder outputs each modelled value needs: the decoder's last layer has {@code
   * outputsPerValue() * values} outputs, laid out as that many blocks of {@code values} columns
   * (for a likelihood with a mean and a log-variance: all the means, then all the log-variances).
   */
  public int outputsPerValue() {
    return switch (this) {
      case BERNOULLI, GAUSSIAN -> 1;
    };
  }
}
