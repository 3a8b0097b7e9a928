package dev.vae4j.train;

/**
 * One epoch's results, all losses in nats per sample. {@code loss = recon + beta * kl} with the
 * final beta (the objective; with beta 1, the negative ELBO), whatever the KL warm-up used.
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
    boolean best) {}
