package dev.vae4j.backend;

/** A buffer of int32 row indices owned by a {@link Backend}, used by {@link Backend#gatherRows}. */
public interface IndexTensor {
  /** Number of int elements. */
  int length();
}
