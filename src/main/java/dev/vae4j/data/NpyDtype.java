package dev.vae4j.data;

import java.nio.ByteOrder;

/**
 * A {@code .npy} header's {@code descr}: NumPy's array-protocol type string, byte order ({@code <}
 * little, {@code >} big, {@code |} or {@code =} for one-byte types), kind ({@code u} unsigned, {@code i}
 * signed, {@code f} float, {@code U} unicode text, ...) and item size in bytes, as in {@code <f4}.
 * Only the kinds the readers take are parsed; any other text is kept as it is for the message that
 * refuses it.
 *
 * @param descr the text as the header has it
 * @param kind the kind character, or 0 where the text is not a simple type string
 * @param itemSize bytes per element ({@code <U5}: 20, four per character)
 * @param order the byte order of multi-byte elements
 */
public record NpyDtype(String descr, char kind, int itemSize, ByteOrder order) {
  /** The dtype {@code descr} names; a type string this class does not take has kind 0. */
  public static NpyDtype parse(String descr) {
    NpyDtype unknown = new NpyDtype(descr, (char) 0, 0, ByteOrder.LITTLE_ENDIAN);
    if (descr.length() < 3 || descr.length() > 12) return unknown;
    char orderChar = descr.charAt(0), kind = descr.charAt(1);
    int count;
    try {
      count = Integer.parseInt(descr.substring(2));
    } catch (NumberFormatException e) {
      return unknown;
    }
    if ("<>|=".indexOf(orderChar) < 0 || count <= 0) return unknown;
    // '=' is the writer's native order; NumPy itself writes '<' or '>' for multi-byte types.
    ByteOrder order = orderChar == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    switch (kind) {
      case 'u':
      case 'i':
        return count == 1 || count == 2 || count == 4 || count == 8 ? new NpyDtype(descr, kind, count, order) : unknown;
      case 'f':
        return count == 4 || count == 8 ? new NpyDtype(descr, kind, count, order) : unknown;
      case 'U':
        return count <= 1 << 16 ? new NpyDtype(descr, kind, 4 * count, order) : unknown;
      default:
        return unknown;
    }
  }

  /** Whether this is an integer type (signed or unsigned, any size). */
  public boolean isInteger() {
    return kind == 'u' || kind == 'i';
  }

  /** NumPy's name for the type ({@code uint8}, {@code float32}, {@code <U5}), or the descr itself. */
  public String numpyName() {
    switch (kind) {
      case 'u':
        return "uint" + 8 * itemSize + endianness();
      case 'i':
        return "int" + 8 * itemSize + endianness();
      case 'f':
        return "float" + 8 * itemSize + endianness();
      default:
        return "'" + descr + "'";
    }
  }

  private String endianness() {
    return itemSize > 1 && order == ByteOrder.BIG_ENDIAN ? " (big-endian)" : "";
  }
}
