package dev.vae4j.train;

/**
 * Training losses over the steps since the previous report (see {@link
 * TrainingListener#stepReportInterval}), in nats per sample, as the optimizer saw them: {@code
 * loss = recon + klWeight * kl} with the KL weight in force.
 *
 * @param epoch the epoch (1-based)
 * @param step the last step covered, 1-based within the epoch
 * @param globalStep optimizer updates made so far in the run
 * @param samples training images covered by this report
 * @param loss mean objective per sample over those images
 * @param recon mean reconstruction NLL per sample
 * @param kl mean KL per sample
 * @param klWeight the KL weight (beta, after warm-up) in force
 * @param learningRate Adam's step size
 * @param samplesPerSecond training throughput over the covered steps
 */
public record StepMetrics(
    int epoch,
    int step,
    long globalStep,
    int samples,
    double loss,
    double recon,
    double kl,
    float klWeight,
    double learningRate,
    double samplesPerSecond) {}
