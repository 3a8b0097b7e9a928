package dev.vae4j.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} file: the text after the magic and length, a Python dict literal
 * such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), }} padded with
 * spaces and a newline. Parsed strictly, without evaluating anything: exactly the three keys, each
 * once, with a quoted string, {@code True}/{@code False} and a tuple of non-negative integers as
 * their values, nothing but whitespace after the closing brace.
 *
 * @param dtype the {@code descr}
 * @param fortranOrder whether the data is stored column-major
 * @param shape the array's dimensions ({@code ()} for a scalar)
 */
public record NpyHeader(NpyDtype dtype, boolean fortranOrder, long[] shape) {
  private static final List<String> KEYS = List.of("descr", "fortran_order", "shape");

  /** Parses the header text of the file {@code name} names. */
  public static NpyHeader parse(String text, String name) throws DataException {
    return new Parser(text, name).header();
  }

  /** Elements the shape describes (the product of its dimensions; 1 for a scalar), saturating at Long.MAX_VALUE. */
  public long elements() {
    long n = 1;
    for (long d : shape) {
      if (d != 0 && n > Long.MAX_VALUE / d) return Long.MAX_VALUE;
      n *= d;
    }
    return n;
  }

  /** The shape as NumPy prints it: {@code (60000, 28, 28)}, {@code (5,)}. */
  public String describeShape() {
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) s.append(i == 0 ? "" : ", ").append(shape[i]);
    return s.append(shape.length == 1 ? ",)" : ")").toString();
  }

  /** A recursive-descent reader of the one dict literal; every problem names the file. */
  private static final class Parser {
    private final String text;
    private final String name;
    private int at;

    Parser(String text, String name) {
      this.text = text;
      this.name = name;
    }

    NpyHeader header() throws DataException {
      Map<String, Object> values = new HashMap<>();
      skipSpace();
      expect('{');
      skipSpace();
      while (peek() != '}') {
        String key = string();
        if (!KEYS.contains(key)) throw bad("unexpected key '" + key + "'; a .npy header has descr, fortran_order and shape");
        skipSpace();
        expect(':');
        skipSpace();
        Object value = value(key);
        if (values.put(key, value) != null) throw bad("key '" + key + "' given twice");
        skipSpace();
        if (peek() != ',') break;
        at++;
        skipSpace();
      }
      expect('}');
      skipSpace();
      if (at != text.length()) throw bad("text after the closing brace");
      for (String key : KEYS) {
        if (!values.containsKey(key)) throw bad("no '" + key + "' key");
      }
      if (!(values.get("descr") instanceof String)) throw bad("descr is not a string");
      if (!(values.get("fortran_order") instanceof Boolean)) throw bad("fortran_order is not True or False");
      if (!(values.get("shape") instanceof long[])) throw bad("shape is not a tuple of integers");
      return new NpyHeader(NpyDtype.parse((String) values.get("descr")), (Boolean) values.get("fortran_order"),
          (long[]) values.get("shape"));
    }

    private Object value(String key) throws DataException {
      char c = peek();
      if (c == '\'' || c == '"') return string();
      if (c == '(') return tuple();
      if (text.startsWith("True", at)) {
        at += 4;
        return Boolean.TRUE;
      }
      if (text.startsWith("False", at)) {
        at += 5;
        return Boolean.FALSE;
      }
      if (c == '[' && key.equals("descr")) {
        throw bad("descr is a list of fields (a structured array); only plain arrays of numbers are supported");
      }
      throw bad("unexpected " + found() + " as the value of '" + key + "'");
    }

    /** A tuple of integers; {@code (3)} is not one in Python, so a single element needs its comma. */
    private long[] tuple() throws DataException {
      expect('(');
      List<Long> dims = new ArrayList<>();
      boolean comma = false;
      skipSpace();
      while (peek() != ')') {
        dims.add(integer());
        skipSpace();
        comma = peek() == ',';
        if (!comma) break;
        at++;
        skipSpace();
      }
      expect(')');
      if (dims.size() == 1 && !comma) throw bad("shape (" + dims.get(0) + ") is not a tuple (a one-element tuple is written (n,))");
      long[] shape = new long[dims.size()];
      for (int i = 0; i < shape.length; i++) shape[i] = dims.get(i);
      return shape;
    }

    private long integer() throws DataException {
      int start = at;
      while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') at++;
      if (at == start) throw bad("unexpected " + found() + " in the shape (dimensions are non-negative integers)");
      String digits = text.substring(start, at);
      if (digits.length() > 1 && digits.charAt(0) == '0') throw bad("dimension " + digits + " has a leading zero");
      if (digits.length() > 18) throw bad("dimension " + digits + " is too large");
      return Long.parseLong(digits);
    }

    /** A quoted string without escapes (no key or type string has one). */
    private String string() throws DataException {
      char quote = peek();
      if (quote != '\'' && quote != '"') throw bad("expected a quoted key, found " + found());
      int end = text.indexOf(quote, at + 1);
      if (end < 0) throw bad("unterminated string");
      String s = text.substring(at + 1, end);
      if (s.indexOf('\\') >= 0 || s.indexOf('\n') >= 0) throw bad("unexpected escape or line break in a string");
      at = end + 1;
      return s;
    }

    private void expect(char c) throws DataException {
      if (peek() != c) throw bad("expected '" + c + "', found " + found());
      at++;
    }

    private char peek() {
      return at < text.length() ? text.charAt(at) : 0;
    }

    private void skipSpace() {
      while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) at++;
    }

    /** The character at the current position, for messages. */
    private String found() {
      if (at >= text.length()) return "the end of the header";
      char c = text.charAt(at);
      if (c >= 0x20 && c < 0x7f) return "'" + c + "'";
      return String.format("character U+%04X", (int) c);
    }

    private DataException bad(String problem) {
      return new DataException(name + ": not a valid .npy header (" + problem + " at character " + at + ")");
    }
  }
}
