package dev.vae4j.backend;

/**
 * Double-precision convolutions, written from {@link ConvOps}' Javadoc: the reference of {@link
 * ConvOpsContract} and of the conv layers' gradient checks. Both kinds are one relation between the
 * smaller image {@code s} (a convolution's output, a transposed convolution's input) and the larger
 * one {@code l}: {@code s[n, cs, i, j] ~ w[cs, cl, a, b] * l[n, cl, S*i + a - P, S*j + b - P]},
 * where the weight's layout ({@code [out, in, k, k]} for {@code Conv2d}, {@code [in, out, k, k]}
 * for {@code ConvTranspose2d}) is in both cases {@code [small channels, large channels, k, k]}.
 * Each result comes with the sum of the absolute values of its terms, which bounds its float32
 * rounding error.
 */
public final class ReferenceConv {
  private ReferenceConv() {}

  /** Values and, per value, the sum of its terms' magnitudes. */
  public record Result(double[] values, double[] magnitudes) {}

  /** {@link ConvOps#convForward} in double. {@code bias} may be null. */
  public static Result forward(ConvShape s, float[] x, float[] w, float[] bias, Activation act) {
    Geometry g = new Geometry(s);
    double[] y = new double[Math.toIntExact(s.batch() * s.outputSize())], mag = new double[y.length];
    g.forEachTerm((small, large, weight) -> {
      int in = s.transposed() ? small : large, out = s.transposed() ? large : small;
      double term = (double) x[in] * w[weight];
      y[out] += term;
      mag[out] += Math.abs(term);
    });
    int plane = s.outHeight() * s.outWidth();
    for (int i = 0; i < y.length; i++) {
      double b = bias == null ? 0 : bias[i / plane % s.outChannels()];
      y[i] += b;
      mag[i] += Math.abs(b);
      if (act == Activation.RELU) y[i] = Math.max(y[i], 0);
    }
    return new Result(y, mag);
  }

  /** {@link ConvOps#convBackwardData} in double. */
  public static Result backwardData(ConvShape s, float[] dy, float[] w) {
    Geometry g = new Geometry(s);
    double[] dx = new double[Math.toIntExact(s.batch() * s.inputSize())], mag = new double[dx.length];
    g.forEachTerm((small, large, weight) -> {
      int in = s.transposed() ? small : large, out = s.transposed() ? large : small;
      double term = (double) dy[out] * w[weight];
      dx[in] += term;
      mag[in] += Math.abs(term);
    });
    return new Result(dx, mag);
  }

  /** {@link ConvOps#convBackwardWeights}' weight gradient in double. */
  public static Result weightGradient(ConvShape s, float[] x, float[] dy) {
    Geometry g = new Geometry(s);
    double[] dw = new double[Math.toIntExact(s.weightSize())], mag = new double[dw.length];
    g.forEachTerm((small, large, weight) -> {
      int in = s.transposed() ? small : large, out = s.transposed() ? large : small;
      double term = (double) x[in] * dy[out];
      dw[weight] += term;
      mag[weight] += Math.abs(term);
    });
    return new Result(dw, mag);
  }

  /** {@link ConvOps#convBackwardWeights}' bias gradient in double: per output channel, the sum of dy. */
  public static Result biasGradient(ConvShape s, float[] dy) {
    double[] db = new double[s.outChannels()], mag = new double[db.length];
    int plane = s.outHeight() * s.outWidth();
    for (int i = 0; i < s.batch() * s.outputSize(); i++) {
      db[i / plane % s.outChannels()] += dy[i];
      mag[i / plane % s.outChannels()] += Math.abs(dy[i]);
    }
    return new Result(db, mag);
  }

  /** One term of the relation: flat indices into the small image, the large image and the weight. */
  private interface Term {
    void accept(int small, int large, int weight);
  }

  /** The small and large images of a shape, and the walk over every term that pairs them. */
  private static final class Geometry {
    final int batch, smallC, smallH, smallW, largeC, largeH, largeW, k, stride, pad;

    Geometry(ConvShape s) {
      batch = s.batch();
      k = s.kernel();
      stride = s.stride();
      pad = s.padding();
      if (s.transposed()) {
        smallC = s.inChannels();
        smallH = s.inHeight();
        smallW = s.inWidth();
        largeC = s.outChannels();
        largeH = s.outHeight();
        largeW = s.outWidth();
      } else {
        smallC = s.outChannels();
        smallH = s.outHeight();
        smallW = s.outWidth();
        largeC = s.inChannels();
        largeH = s.inHeight();
        largeW = s.inWidth();
      }
    }

    void forEachTerm(Term term) {
      for (int n = 0; n < batch; n++) {
        for (int cs = 0; cs < smallC; cs++) {
          for (int i = 0; i < smallH; i++) {
            for (int j = 0; j < smallW; j++) {
              int small = ((n * smallC + cs) * smallH + i) * smallW + j;
              for (int cl = 0; cl < largeC; cl++) {
                for (int a = 0; a < k; a++) {
                  int li = stride * i + a - pad;
                  if (li < 0 || li >= largeH) continue;
                  for (int b = 0; b < k; b++) {
                    int lj = stride * j + b - pad;
                    if (lj < 0 || lj >= largeW) continue;
                    term.accept(small, ((n * largeC + cl) * largeH + li) * largeW + lj, ((cs * largeC + cl) * k + a) * k + b);
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
