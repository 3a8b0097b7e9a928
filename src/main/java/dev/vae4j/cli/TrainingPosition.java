package dev.vae4j.cli;

import dev.vae4j.train.TrainingState;

/** Where a training state stands, in the words of the epoch table: epochs and batches counted from 1. */
final class TrainingPosition {
  private TrainingPosition() {}

  static String of(TrainingState state) {
    if (state.batch() == 0) return "after epoch " + state.epoch() + ", step " + state.adamSteps();
    return "in epoch " + (state.epoch() + 1) + " after batch " + state.batch() + ", step " + state.adamSteps();
  }
}
