package dev.vae4j.backend;

/**
 * The shape check of {@link StackedOps}: {@code models} blocks of {@code block} floats, block i
 * starting {@code i * stride} floats into its tensor, must lie inside the tensor.
 */
public record Stack(int models) {
  public Stack {
    if (models < 1 || models > StackModels.MAX_MODELS) {
      throw new IllegalArgumentException("a stack holds 1 to " + StackModels.MAX_MODELS + " models, got " + models);
    }
  }

  /** {@code t} holds every model's block. */
  public void require(String op, String name, Tensor t, long stride, long block) {
    if (stride < block) {
      throw new IllegalArgumentException(op + " " + name + ": stride " + stride + " < its block of " + block + " floats");
    }
    Lengths.require(op, name, t, (models - 1) * stride + block);
  }

  /** As {@link #require} unless {@code t} is null. */
  public void requireIfPresent(String op, String name, Tensor t, long stride, long block) {
    if (t != null) require(op, name, t, stride, block);
  }

  /** A table of this many models. */
  public void requireTable(String op, StackTable table) {
    if (table.count() != models) throw new IllegalArgumentException(op + ": a table of " + table.count() + " models for " + models);
  }
}
