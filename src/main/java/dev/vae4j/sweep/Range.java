package dev.vae4j.sweep;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A range a random search draws one option's values from: {@code A..B} (uniform), {@code
 * log:A..B} (log-uniform, for learning rates), {@code int:A..B} (whole numbers, both ends
 * included) or {@code logint:A..B} (whole numbers, log-uniform, for layer and latent sizes).
 */
public record Range(String kind, double low, double high) {
  public Range {
    if (!(low < high)) throw new IllegalArgumentException("the low end must be below the high end, got " + low + ".." + high);
    if (kind.startsWith("log") && low <= 0) throw new IllegalArgumentException("a log range must be above 0, got " + low + ".." + high);
    if (kind.endsWith("int") && (low != Math.rint(low) || high != Math.rint(high))) {
      throw new IllegalArgumentException("an int range takes whole numbers, got " + low + ".." + high);
    }
  }

  /** Parses the part after {@code NAME=}. */
  public static Range parse(String text) {
    int colon = text.indexOf(':');
    String kind = colon < 0 ? "uniform" : text.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!kind.equals("uniform") && !kind.equals("log") && !kind.equals("int") && !kind.equals("logint")) {
      throw new IllegalArgumentException("unknown range kind '" + kind + "' (uniform, log, int or logint)");
    }
    String bounds = text.substring(colon + 1);
    int dots = bounds.indexOf("..");
    if (dots < 0) throw new IllegalArgumentException("a range is [log:|int:|logint:]LOW..HIGH, got '" + text + "'");
    try {
      return new Range(kind, Double.parseDouble(bounds.substring(0, dots)), Double.parseDouble(bounds.substring(dots + 2)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the ends of a range must be numbers, got '" + bounds + "'");
    }
  }

  /** One value, as the option is given it: whole numbers for int ranges, else 3 significant digits. */
  public String draw(SplittableRandom random) {
    double u = random.nextDouble();
    switch (kind) {
      case "int":
        return Long.toString((long) low + random.nextLong((long) high - (long) low + 1));
      case "logint":
        return Long.toString(Math.min((long) high, (long) Math.floor(Math.exp(Math.log(low) + u * (Math.log(high + 1) - Math.log(low))))));
      case "log":
        return threeDigits(Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))));
      default:
        return threeDigits(low + u * (high - low));
    }
  }

  /** Whether the charts should draw this option on a log axis. */
  public boolean logarithmic() {
    return kind.startsWith("log");
  }

  private static String threeDigits(double v) {
    return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toString();
  }

  private static String exact(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toString();
  }

  @Override
  public String toString() {
    String bounds = exact(low) + ".." + exact(high);
    return kind.equals("uniform") ? bounds : kind + ":" + bounds;
  }
}
