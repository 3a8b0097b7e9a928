package dev.vae4j.backend;

/** {@code count} elements from {@code offset}: the part of a tensor an upload or download touches. */
public record Span(long offset, int count) {
  /**
   * The span lies inside {@code length} elements of {@code op}'s {@code operand}.
   *
   * @throws IndexOutOfBoundsException when it does not
   */
  public void check(String op, String operand, long length) {
    if (offset < 0 || count < 0 || offset + count > length) {
      throw new IndexOutOfBoundsException(
          op + " " + operand + ": [" + offset + ", " + (offset + count) + ") of " + length + " elements");
    }
  }
}
