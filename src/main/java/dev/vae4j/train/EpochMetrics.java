package dev.vae4j.train;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One epoch's results, all losses in nats per sample. {@code loss = recon + beta * kl} with the
 * final beta (the objective; with beta 1, the negative ELBO), whatever the KL warm-up used. {@code
 * learningRate} is the epoch's rate under {@code --lr-schedule} (before any warm-up), null when the
 * run trains at one rate throughout (checkpoints and metrics.jsonl then leave it out, as before).
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
    @JsonInclude(JsonInclude.Include.NON_NULL) Double learningRate) {

  /** An epoch's results at the run's one learning rate. */
  public EpochMetrics(int epoch, double trainLoss, double trainRecon, double trainKl, double valLoss, double valRecon,
      double valKl, double seconds, double samplesPerSecond, float klWeight, boolean best) {
    this(epoch, trainLoss, trainRecon, trainKl, valLoss, valRecon, valKl, seconds, samplesPerSecond, klWeight, best, null);
  }
}
