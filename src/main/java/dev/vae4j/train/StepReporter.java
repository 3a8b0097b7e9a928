package dev.vae4j.train;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Tensor;

/**
 * Turns the epoch's running loss sums into {@link StepMetrics} every {@link
 * TrainingListener#stepReportInterval} steps. Reading the sums waits for the device, so it happens
 * only at that interval (never, when the listener asks for none).
 */
final class StepReporter {
  private final Backend backend;
  private final Tensor lossSums;
  private final TrainingListener listener;
  private final int interval;
  private final int epoch, batch, rows;
  private final float klWeight;
  private final double learningRate;
  private int reportedRows;
  private double reportedRecon, reportedKl;
  private long since = System.nanoTime();

  /**
   * {@code lossSums} holds the reconstruction and KL sums of the epoch so far, in that order; an
   * epoch resumed after {@code from} batches starts with theirs, which the first report leaves out.
   */
  StepReporter(Backend backend, Tensor lossSums, TrainingListener listener, int epoch, int from, int batch, int rows,
      float klWeight, double learningRate) {
    this.backend = backend;
    this.lossSums = lossSums;
    this.listener = listener;
    this.interval = listener.stepReportInterval();
    this.epoch = epoch;
    this.batch = batch;
    this.rows = rows;
    this.klWeight = klWeight;
    this.learningRate = learningRate;
    if (from > 0 && interval > 0) {
      float[] sums = backend.download(lossSums);
      reportedRows = Math.min(rows, from * batch);
      reportedRecon = sums[0];
      reportedKl = sums[1];
    }
  }

  /** Step {@code step} (1-based in the epoch, the {@code globalStep}-th update) has finished. */
  void stepFinished(int step, int steps, long globalStep) {
    if (interval <= 0 || (step % interval != 0 && step != steps)) return;
    float[] sums = backend.download(lossSums);
    int done = Math.min(rows, step * batch);
    int samples = done - reportedRows;
    long now = System.nanoTime();
    double recon = (sums[0] - reportedRecon) / samples, kl = (sums[1] - reportedKl) / samples;
    listener.stepReported(new StepMetrics(epoch, step, globalStep, samples, recon + klWeight * kl, recon, kl,
        klWeight, learningRate, samples / ((now - since) / 1e9)));
    reportedRows = done;
    reportedRecon = sums[0];
    reportedKl = sums[1];
    since = now;
  }
}
