package dev.vae4j.model;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Tensor;

/**
 * Adam state for a flat parameter buffer: the gradient buffer the backward pass writes, both
 * moments, and the 1-based step count. One {@link #step} is one fused backend update.
 */
public final class AdamOptimizer {
  private final Backend backend;
  private final Tensor grads;
  private final Tensor firstMoment;
  private final Tensor secondMoment;
  private long step;

  public AdamOptimizer(Backend backend, long size) {
    this.backend = backend;
    this.grads = backend.allocate(size);
    this.firstMoment = backend.allocate(size);
    this.secondMoment = backend.allocate(size);
  }

  /** The buffer the backward pass fills with gradients. */
  public Tensor grads() {
    return grads;
  }

  public Tensor firstMoment() {
    return firstMoment;
  }

  public Tensor secondMoment() {
    return secondMoment;
  }

  /**
   * How many of the moments (first and second together, {@code 2 size} of them) are subnormal now:
   * {@code bench --breakdown}'s look at what x86 processors compute with through microcode
   * assists. Downloads both buffers.
   */
  public long subnormalMoments() {
    long count = 0;
    for (Tensor t : new Tensor[] {firstMoment, secondMoment}) {
      for (float x : backend.download(t)) {
        if (x != 0 && Math.abs(x) < Float.MIN_NORMAL) count++;
      }
    }
    return count;
  }

  /** Updates taken so far. */
  public long steps() {
    return step;
  }

  /**
   * Sets the update count: after updates issued directly through {@link
   * dev.vae4j.backend.Backend#adamUpdate} (a recorded step), or when resuming.
   */
  public void setSteps(long steps) {
    if (steps < 0) throw new IllegalArgumentException("negative step count " + steps);
    this.step = steps;
  }

  /** Frees the gradient and moment buffers. */
  public void release() {
    backend.release(grads);
    backend.release(firstMoment);
    backend.release(secondMoment);
  }

  /** Applies the gradients in {@link #grads()} to {@code params}. */
  public void step(Tensor params, AdamParams hyper) {
    step++;
    backend.adamUpdate(params, grads, firstMoment, secondMoment, hyper, step);
  }
}
