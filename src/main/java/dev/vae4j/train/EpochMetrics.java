package dev.vae4j.train;

/**
 * One epoch's results, all losses in nats per sample. {@code loss = recon + beta * kl} with the
 * final beta (the objective; with beta 1, the negative ELBO), whatever the KL warm-up used.
 * {@code gradNorm} is the mean over the epoch's steps of the gradient's global L2 norm before
 * clipping, null when the run does not clip ({@code --clip-grad-norm}).
 */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double trainRecon,
    double trainKl,
    double valLoss,
    double valRecon,
    double valKl,
    double seconds,
    double samplesPerSecond,
    float klWeight,
    boolean best,
    Double gradNorm) {

  /** One epoch's results without gradient clipping. */
  public EpochMetrics(int epoch, double trainLoss, double trainRecon, double trainKl, double valLoss, double valRecon,
      double valKl, double seconds, double samplesPerSecond, float klWeight, boolean best) {
    this(epoch, trainLoss, trainRecon, trainKl, valLoss, valRecon, valKl, seconds, samplesPerSecond, klWeight, best,
        null);
  }
}
