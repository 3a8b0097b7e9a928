package dev.vae4j.model;

import dev.vae4j.backend.DropoutMask;

/**
 * Inverted dropout for one part of one training step: drop probability {@code p} in [0, 1), the
 * key (seed, step) of its masks ({@link DropoutMask}), and the batch row the part starts at, so
 * that a row's mask is the same however the batch is split.
 */
public record Dropout(float p, long seed, long step, int firstRow) {
  public Dropout {
    DropoutMask.threshold(p); // checks the range
    if (firstRow < 0) throw new IllegalArgumentException("first row must be >= 0, got " + firstRow);
  }
}
