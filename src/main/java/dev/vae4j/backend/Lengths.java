package dev.vae4j.backend;

/** The one length check behind the shape records; builds its message only when it fails. */
final class Lengths {
  private Lengths() {}

  /** {@code t} has at least {@code needed} floats for {@code op}'s {@code operand}. */
  static void require(String op, String operand, Tensor t, long needed) {
    if (t.length() < needed) {
      throw new IllegalArgumentException(
          op + " " + operand + ": needs " + needed + " floats, tensor has " + t.length());
    }
  }

  /** As {@link #require}, skipping a null tensor (an optional operand). */
  static void requireIfPresent(String op, String operand, Tensor t, long needed) {
    if (t != null) require(op, operand, t, needed);
  }
}
