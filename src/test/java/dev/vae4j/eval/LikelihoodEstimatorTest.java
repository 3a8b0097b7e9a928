package dev.vae4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Philox;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.data.Datasets;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Linear;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import dev.vae4j.train.TrainingListener;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The IWAE estimator on a small model briefly trained on the bundled digits, against a double reference. */
class LikelihoodEstimatorTest {
  private static CpuBackend backend;
  private static Vae model;
  private static Dataset test;
  private final long seed = System.nanoTime();

  @BeforeAll
  static void train() throws Exception {
    backend = new CpuBackend();
    DatasetSplit digits = Datasets.bundledDigits();
    model = Vae.create(VaeConfig.mlp(784, new int[] {48}, 4, Likelihood.BERNOULLI), backend, 3);
    Trainer.fit(model, digits, new TrainOptions(2, 64, 2e-3, 0, false, 1f, 0, 3, 0, false, 0), new TrainingListener() {});
    test = digits.test().subset(java.util.stream.IntStream.range(0, 40).map(i -> i * 41).toArray(), "test subset");
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @Test
  void matchesADoublePrecisionReference() {
    int k = 1500; // two noise blocks per image
    Dataset few = test.subset(new int[] {0, 7, 19}, "three");
    Estimates e = LikelihoodEstimator.estimate(model, few.pixels(), few.count(), k, seed, 1024);
    float[] params = model.parameters();
    ParameterLayout layout = model.layout();
    for (int i = 0; i < few.count(); i++) {
      double[] x = new double[784];
      for (int p = 0; p < 784; p++) x[p] = few.pixels()[i * 784 + p];
      double[] stats = dense(params, layout.heads(), dense(params, (Linear) layout.encoder().get(0), x, true), false);
      double[] logW = new double[k];
      double recon = 0, kl = 0;
      for (int j = 0; j < 4; j++) kl += -0.5 * (1 + stats[4 + j] - stats[j] * stats[j] - Math.exp(stats[4 + j]));
      for (int d = 0; d < k; d++) {
        float[] eps = new float[4];
        Philox.fillNormals(seed, ((long) i << 32) | (d / 1024), (d % 1024) * 4L, (d % 1024) * 4L + 4, (at, v) -> eps[(int) (at % 4)] = v);
        double[] z = new double[4];
        double latentTerms = 0;
        for (int j = 0; j < 4; j++) {
          z[j] = stats[j] + Math.exp(0.5 * stats[4 + j]) * eps[j];
          // log N(z; 0, 1) - log N(z; mu, sigma^2), written out in full.
          latentTerms += -0.5 * Math.log(2 * Math.PI) - 0.5 * z[j] * z[j]
              - (-0.5 * Math.log(2 * Math.PI) - 0.5 * stats[4 + j] - 0.5 * eps[j] * (double) eps[j]);
        }
        List<Linear> dec = layout.decoder().stream().map(l -> (Linear) l).toList();
        double[] logits = dense(params, dec.get(1), dense(params, dec.get(0), z, true), false);
        double nll = 0;
        for (int p = 0; p < 784; p++) {
          double l = logits[p];
          nll += Math.max(l, 0) - l * x[p] + Math.log1p(Math.exp(-Math.abs(l)));
        }
        recon += nll / k;
        logW[d] = -nll + latentTerms;
      }
      double iwae = LogMeanExp.of(logW);
      assertEquals(recon, e.reconstruction()[i], 1e-4 * recon, "seed " + seed);
      assertEquals(kl, e.kl()[i], 1e-4 * Math.max(1, kl), "seed " + seed);
      assertEquals(iwae, e.logLikelihood()[i], 1e-4 * Math.abs(iwae), "seed " + seed);
    }
  }

  @Test
  void iwaeIsAtLeastTheElboOnEveryImageAndGrowsWithK() {
    double[] means = new double[4];
    int[] ks = {1, 10, 100, 1000};
    Estimates last = null;
    for (int t = 0; t < ks.length; t++) {
      last = LikelihoodEstimator.estimate(model, test, ks[t], seed);
      means[t] = -last.summary().negativeLogLikelihood();
    }
    for (int i = 0; i < last.count(); i++) {
      double elbo = -last.negativeElbo(i);
      assertTrue(last.logLikelihood()[i] >= elbo, "image " + i + ": IWAE " + last.logLikelihood()[i] + " < ELBO " + elbo + ", seed " + seed);
    }
    for (int t = 1; t < ks.length; t++) {
      assertTrue(means[t] > means[t - 1], "mean IWAE with k=" + ks[t] + " is not above k=" + ks[t - 1] + ": " + java.util.Arrays.toString(means) + ", seed " + seed);
    }
  }

  @Test
  void oneDrawIsAnUnbiasedElbo() {
    Estimates one = LikelihoodEstimator.estimate(model, test, 1, seed);
    Estimates many = LikelihoodEstimator.estimate(model, test, 400, seed);
    double gap = 0;
    for (int i = 0; i < one.count(); i++) gap += (one.logLikelihood()[i] + many.negativeElbo(i)) / one.count();
    assertEquals(0, gap, 3.0, "with k = 1 the IWAE estimate is a one-draw ELBO, seed " + seed);
  }

  @Test
  void figuresDoNotDependOnTheChunkSize() {
    Estimates small = LikelihoodEstimator.estimate(model, test.pixels(), test.count(), 300, seed, 1024);
    Estimates large = LikelihoodEstimator.estimate(model, test.pixels(), test.count(), 300, seed, 16384);
    for (int i = 0; i < small.count(); i++) {
      assertEquals(small.logLikelihood()[i], large.logLikelihood()[i], 1e-4 * Math.abs(small.logLikelihood()[i]));
      assertEquals(small.reconstruction()[i], large.reconstruction()[i], 1e-4 * small.reconstruction()[i]);
    }
  }

  @Test
  void latentProjectionUsesPcaAboveTwoDimensions() {
    LatentProjection p = LatentProjection.of(Encodings.of(model, test), test.labels());
    assertEquals(test.count(), p.count());
    assertTrue(p.xAxis().startsWith("PC1 ("), p.xAxis());
    double mean = 0;
    for (double x : p.x()) mean += x / p.count();
    assertEquals(0, mean, 1e-6, "PCA coordinates are centred");
  }

  /** {@code act(W x + b)} in double for one layer of the flat parameters. */
  private static double[] dense(float[] params, Linear l, double[] x, boolean relu) {
    double[] y = new double[l.out()];
    for (int o = 0; o < l.out(); o++) {
      double s = params[(int) l.biasOffset() + o];
      for (int i = 0; i < l.in(); i++) s += params[(int) l.weightOffset() + o * l.in() + i] * x[i];
      y[o] = relu ? Math.max(0, s) : s;
    }
    return y;
  }
}
