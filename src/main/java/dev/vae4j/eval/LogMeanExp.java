package dev.vae4j.eval;

/**
 * {@code log(mean(exp(v)))} computed stably in double precision: the largest value is taken out
 * before exponentiating, so values of any magnitude (log-weights of -10,000 nats are common) give
 * a finite, accurate result instead of {@code log(0)}.
 */
public final class LogMeanExp {
  private LogMeanExp() {}

  /** {@code log(mean(exp(v[from..from+count))))}; {@code count > 0}. */
  public static double of(double[] v, int from, int count) {
    if (count <= 0) throw new IllegalArgumentException("log-mean-exp of no values");
    double max = Double.NEGATIVE_INFINITY;
    for (int i = from; i < from + count; i++) max = Math.max(max, v[i]);
    if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) return max;
    double sum = 0;
    for (int i = from; i < from + count; i++) sum += Math.exp(v[i] - max);
    return max + Math.log(sum / count);
  }

  /** {@code log(mean(exp(v)))} over all of {@code v}. */
  public static double of(double... v) {
    return of(v, 0, v.length);
  }

  /**
   * A running log-mean-exp over values that arrive one at a time, holding only the largest value
   * so far and the sum of {@code exp(value - largest)}, rescaled whenever a new largest arrives.
   */
  public static final class Accumulator {
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    private long count;

    public void add(double value) {
      count++;
      if (value == Double.NEGATIVE_INFINITY) return; // a zero weight adds nothing to the sum
      if (value <= max) {
        sum += Math.exp(value - max);
      } else if (value > max) {
        sum = sum * Math.exp(max - value) + 1; // exp(-inf) = 0 on the first value
        max = value;
      } else {
        max = Double.NaN; // NaN poisons the result, as it should
      }
    }

    public long count() {
      return count;
    }

    /** The log-mean-exp of the values added so far. */
    public double value() {
      if (count == 0) throw new IllegalStateException("log-mean-exp of no values");
      if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) return max;
      return max + Math.log(sum / count);
    }
  }
}
