package dev.vae4j.model;

import dev.vae4j.backend.ReferenceActivations;
import dev.vae4j.backend.ReferenceOps;
import dev.vae4j.model.layer.Layer;
import dev.vae4j.model.layer.Linear;
import java.util.List;

/**
 * A plain double-precision VAE with the same parameter layout as {@link VaeNetwork}, written for
 * clarity rather than speed: the reference every backend's float32 training step is checked
 * against. Its own gradients are checked by finite differences.
 */
final class ReferenceVae {
  final VaeConfig config;
  final ParameterLayout layout;

  ReferenceVae(VaeConfig config) {
    this.config = config;
    this.layout = new ParameterLayout(config);
  }

  /** Everything one forward pass computes. */
  static final class Pass {
    double[][] stats; // [rows][2L]
    double[][] z;
    double[][] logits;
    double[] recon;
    double[] kl;
    double loss; // mean over rows of recon + beta * kl
  }

  Pass forward(double[] p, double[][] x, double[][] eps, double beta) {
    int rows = x.length, latent = config.latent();
    Pass out = new Pass();
    double[][] h = x;
    for (Linear l : linears(layout.encoder())) h = activate(linear(p, l, h));
    out.stats = linear(p, layout.heads(), h);
    out.z = new double[rows][latent];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < latent; j++) {
        out.z[r][j] = out.stats[r][j] + Math.exp(0.5 * out.stats[r][latent + j]) * eps[r][j];
      }
    }
    h = out.z;
    List<Linear> dec = linears(layout.decoder());
    for (int i = 0; i < dec.size(); i++) {
      h = linear(p, dec.get(i), h);
      if (i < dec.size() - 1) h = activate(h);
    }
    out.logits = h;
    out.recon = new double[rows];
    out.kl = new double[rows];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < x[r].length; c++) out.recon[r] += nll(out.logits[r], c, x[r][c]);
      for (int j = 0; j < latent; j++) {
        double mu = out.stats[r][j], lv = out.stats[r][latent + j];
        out.kl[r] += -0.5 * (1 + lv - mu * mu - Math.exp(lv));
      }
      out.loss += (out.recon[r] + beta * out.kl[r]) / rows;
    }
    return out;
  }

  /** The NLL of value c of a row from that row's decoder outputs (value c's outputs at c, c + values, ...). */
  double nll(double[] outputs, int c, double x) {
    int values = config.inputSize(), k = config.likelihood().outputsPerValue();
    double[] o = new double[k];
    for (int j = 0; j < k; j++) o[j] = outputs[j * values + c];
    return ReferenceOps.referenceNll(config.likelihood(), o, x);
  }

  /** Gradient of the mean loss with respect to every parameter, by hand-derived backprop. */
  double[] gradient(double[] p, double[][] x, double[][] eps, double beta) {
    int rows = x.length, latent = config.latent();
    double[] g = new double[p.length];
    // Forward, keeping every layer's input and output.
    List<Linear> enc = linears(layout.encoder()), dec = linears(layout.decoder());
    double[][][] encIn = new double[enc.size()][][], encOut = new double[enc.size()][][];
    double[][][] encPre = new double[enc.size()][][];
    double[][] h = x;
    for (int i = 0; i < enc.size(); i++) {
      encIn[i] = h;
      encPre[i] = linear(p, enc.get(i), h);
      h = encOut[i] = activate(encPre[i]);
    }
    double[][] stats = linear(p, layout.heads(), h);
    double[][] z = new double[rows][latent];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < latent; j++) z[r][j] = stats[r][j] + Math.exp(0.5 * stats[r][latent + j]) * eps[r][j];
    }
    double[][][] decIn = new double[dec.size()][][], decPre = new double[dec.size()][][];
    h = z;
    for (int i = 0; i < dec.size(); i++) {
      decIn[i] = h;
      h = decPre[i] = linear(p, dec.get(i), h);
      if (i < dec.size() - 1) h = activate(h);
    }
    // Backward.
    double[][] dy = new double[rows][];
    for (int r = 0; r < rows; r++) {
      int values = x[r].length;
      dy[r] = new double[h[r].length];
      for (int c = 0; c < values; c++) {
        double l = h[r][c], xi = x[r][c];
        switch (config.likelihood()) {
          case BERNOULLI -> dy[r][c] = (1 / (1 + Math.exp(-l)) - xi) / rows;
          case CONTINUOUS_BERNOULLI -> {
            double dLogNorm = Math.abs(l) < 1e-4 ? l / 6 : 1 / l - 1 / Math.sinh(l);
            dy[r][c] = (1 / (1 + Math.exp(-l)) - xi - dLogNorm) / rows;
          }
          case GAUSSIAN -> dy[r][c] = (l - xi) / rows;
          case GAUSSIAN_LEARNED -> {
            double lv = h[r][values + c], v = Math.min(7, Math.max(-7, lv));
            double diff = l - xi, precision = Math.exp(-v);
            dy[r][c] = diff * precision / rows;
            dy[r][values + c] = lv < -7 || lv > 7 ? 0 : 0.5 * (1 - diff * diff * precision) / rows;
          }
        }
      }
    }
    for (int i = dec.size() - 1; i >= 0; i--) {
      if (i < dec.size() - 1) dy = activationBackward(dy, decPre[i]);
      dy = linearBackward(p, g, dec.get(i), decIn[i], dy);
    }
    double[][] dstats = new double[rows][2 * latent];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < latent; j++) {
        double mu = stats[r][j], lv = stats[r][latent + j];
        dstats[r][j] = dy[r][j] + beta * mu / rows;
        dstats[r][latent + j] = dy[r][j] * eps[r][j] * 0.5 * Math.exp(0.5 * lv) + beta * 0.5 * (Math.exp(lv) - 1) / rows;
      }
    }
    dy = linearBackward(p, g, layout.heads(), encOut[enc.size() - 1], dstats);
    for (int i = enc.size() - 1; i >= 0; i--) {
      dy = activationBackward(dy, encPre[i]);
      dy = linearBackward(p, g, enc.get(i), encIn[i], dy);
    }
    return g;
  }

  private static double[][] linear(double[] p, Linear l, double[][] x) {
    double[][] y = new double[x.length][l.out()];
    for (int r = 0; r < x.length; r++) {
      for (int o = 0; o < l.out(); o++) {
        double s = p[(int) l.biasOffset() + o];
        int w = (int) l.weightOffset() + o * l.in();
        for (int i = 0; i < l.in(); i++) s += x[r][i] * p[w + i];
        y[r][o] = s;
      }
    }
    return y;
  }

  /** Accumulates dW, db into g; returns dx. */
  private static double[][] linearBackward(double[] p, double[] g, Linear l, double[][] x, double[][] dy) {
    double[][] dx = new double[x.length][l.in()];
    for (int r = 0; r < x.length; r++) {
      for (int o = 0; o < l.out(); o++) {
        double d = dy[r][o];
        g[(int) l.biasOffset() + o] += d;
        int w = (int) l.weightOffset() + o * l.in();
        for (int i = 0; i < l.in(); i++) {
          g[w + i] += d * x[r][i];
          dx[r][i] += d * p[w + i];
        }
      }
    }
    return dx;
  }

  /** The hidden layers' activation ({@link VaeConfig#hiddenActivation}) by its reference name. */
  private String activationName() {
    return HiddenActivations.name(config.hiddenActivation());
  }

  private double[][] activate(double[][] a) {
    double[][] y = new double[a.length][];
    for (int r = 0; r < a.length; r++) {
      y[r] = new double[a[r].length];
      for (int c = 0; c < y[r].length; c++) y[r][c] = ReferenceActivations.forward(activationName(), a[r][c]);
    }
    return y;
  }

  /** {@code dy * act'(pre)}, from the pre-activations. */
  private double[][] activationBackward(double[][] dy, double[][] pre) {
    double[][] d = new double[dy.length][];
    for (int r = 0; r < dy.length; r++) {
      d[r] = dy[r].clone();
      for (int c = 0; c < d[r].length; c++) d[r][c] *= ReferenceActivations.derivative(activationName(), pre[r][c]);
    }
    return d;
  }

  /** The reference models MLPs: every layer a {@link Linear}. */
  static List<Linear> linears(List<Layer> layers) {
    return layers.stream().map(l -> (Linear) l).toList();
  }
}
