package dev.vae4j.train;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One epoch's results, all losses in nats per sample. {@code loss = recon + beta * kl} with the
 * final beta (the objective; with beta 1, the negative ELBO), whatever the KL warm-up used. {@code
 * learningRate} is the epoch's rate under {@code --lr-schedule} (before any warm-up), null when the
 * run trains at one rate throughout (checkpoints and metrics.jsonl then leave it out, as before).
 * {@code gradNorm} is the mean over the epoch's steps of the gradient's global L2 norm before
 * clipping, null when the run does not clip ({@code --clip-grad-norm}; left out the same way).
 * {@code trainIwae} is the mean over the epoch's rows of the loss on the importance-weighted bound
 * the run trains on, {@code -(log mean_k w_k)} with K draws (an upper bound on -log p(x), tighter
 * than the ELBO's {@code trainLoss}), null when it trains on the ELBO ({@code --iwae-k}; left out).
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
    @JsonInclude(JsonInclude.Include.NON_NULL) Double learningRate,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double gradNorm,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double trainIwae) {

  /** An epoch's results trained on the ELBO. */
  public EpochMetrics(int epoch, double trainLoss, double trainRecon, double trainKl, double valLoss, double valRecon,
      double valKl, double seconds, double samplesPerSecond, float klWeight, boolean best, Double learningRate,
      Double gradNorm) {
    this(epoch, trainLoss, trainRecon, trainKl, valLoss, valRecon, valKl, seconds, samplesPerSecond, klWeight, best,
        learningRate, gradNorm, null);
  }

  /** An epoch's results at the run's one learning rate. */
  public EpochMetrics(int epoch, double trainLoss, double trainRecon, double trainKl, double valLoss, double valRecon,
      double valKl, double seconds, double samplesPerSecond, float klWeight, boolean best) {
    this(epoch, trainLoss, trainRecon, trainKl, valLoss, valRecon, valKl, seconds, samplesPerSecond, klWeight, best, null);
  }

  /** An epoch's results without gradient clipping. */
  public EpochMetrics(int epoch, double trainLoss, double trainRecon, double trainKl, double valLoss, double valRecon,
      double valKl, double seconds, double samplesPerSecond, float klWeight, boolean best, Double learningRate) {
    this(epoch, trainLoss, trainRecon, trainKl, valLoss, valRecon, valKl, seconds, samplesPerSecond, klWeight, best,
        learningRate, null);
  }
}
