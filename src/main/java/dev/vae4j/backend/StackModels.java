package dev.vae4j.backend;

import java.util.Arrays;

/**
 * What differs between the models of a stack trained together ({@link StackedOps}): each model's
 * noise seed (its own Philox stream, as it would draw alone), KL weight beta and Adam
 * hyper-parameters. Model i is element i of each array.
 */
public record StackModels(long[] seeds, float[] betas, AdamParams[] adam) {
  /** The most models one stack holds (the CUDA Adam kernel keeps each model's step sizes in shared memory). */
  public static final int MAX_MODELS = 64;

  public StackModels {
    int n = seeds.length;
    if (n < 1 || n > MAX_MODELS) throw new IllegalArgumentException("a stack holds 1 to " + MAX_MODELS + " models, got " + n);
    if (betas.length != n || adam.length != n) {
      throw new IllegalArgumentException("a stack of " + n + " models needs " + n + " betas and Adam settings, got "
          + betas.length + " and " + adam.length);
    }
    seeds = seeds.clone();
    betas = betas.clone();
    adam = adam.clone();
    for (AdamParams a : adam) if (a == null) throw new IllegalArgumentException("null Adam settings in " + Arrays.toString(adam));
  }

  /** How many models. */
  public int count() {
    return seeds.length;
  }
}
