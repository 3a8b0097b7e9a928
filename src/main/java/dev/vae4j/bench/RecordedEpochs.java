package dev.vae4j.bench;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Tensor;

/**
 * Training steps replayed from one recording per epoch, however many steps a caller asks for at a
 * time (internal): what {@link Benchmark.TrainingSteps} (one model) and {@link StackedSteps} (M
 * models in one step) share. A recording (one CUDA graph on the GPU) runs from the step it starts
 * at to the end of the epoch, so a caller taking one step at a time measures the step, not the
 * recording.
 */
abstract class RecordedEpochs implements Benchmark.Passes {
  private final Backend backend;
  private final int stepsPerEpoch;
  private long stepsTaken;
  private Backend.RecordedStep recording;
  private int replaysLeft;

  RecordedEpochs(Backend backend, int stepsPerEpoch) {
    this.backend = backend;
    this.stepsPerEpoch = stepsPerEpoch;
  }

  /** Queues the step of batch {@code position} (0-based) of an epoch, the {@code step}-th (1-based) of the run. */
  abstract void step(int position, long step);

  /** A tensor the steps write, whose download waits for every queued step. */
  abstract Tensor lastWritten();

  /** Full batches in one pass over the data. */
  public int stepsPerEpoch() {
    return stepsPerEpoch;
  }

  /** Wall-clock seconds of {@code steps} steps, waiting for all of them to finish. */
  @Override
  public double timed(int steps) {
    backend.synchronize();
    long start = System.nanoTime();
    run(steps);
    backend.download(lastWritten()); // waits for every queued step
    return (System.nanoTime() - start) / 1e9;
  }

  /** Queues {@code steps} steps; asynchronous backends may still be running them on return. */
  @Override
  public void run(int steps) {
    while (steps > 0) {
      if (replaysLeft == 0) recordRestOfEpoch();
      int chunk = Math.min(steps, replaysLeft);
      for (int i = 0; i < chunk; i++) recording.replay();
      replaysLeft -= chunk;
      stepsTaken += chunk;
      steps -= chunk;
    }
  }

  private void recordRestOfEpoch() {
    closeRecording();
    int position = (int) (stepsTaken % stepsPerEpoch);
    long first = stepsTaken;
    recording = backend.recordStep(k -> step(position + (int) k, first + k + 1));
    replaysLeft = stepsPerEpoch - position;
  }

  /** Frees the current recording, if any (the subclass frees its own buffers). */
  void closeRecording() {
    if (recording != null) recording.close();
    recording = null;
  }
}
