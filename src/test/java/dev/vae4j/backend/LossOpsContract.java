package dev.vae4j.backend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract of {@link LossOps}, every op against a double-precision reference written from its
 * Javadoc: every likelihood's loss and fused gradient (against the reference and against finite
 * differences), forward only and in place, and the on-device sum. A backend's test runs it by
 * implementing this interface (as {@link BackendContractTest} does for all families), which
 * supplies the backend and the seeded randomness.
 */
public interface LossOpsContract extends OpsContract {

  @ParameterizedTest
  @EnumSource(Likelihood.class)
  default void reconstructionLoss(Likelihood likelihood) {
    int rows = 17, cols = 787, width = likelihood.outputsPerValue() * cols;
    float[] logits = gaussian(rows * width, 6), x = uniform(rows * cols);
    logits[0] = 80f; // far tails must stay finite and exact
    logits[1] = -80f;
    logits[2] = 0f; // the continuous Bernoulli's Taylor branch, and both sides of it
    logits[3] = 1e-3f;
    logits[4] = -5e-3f;
    logits[5] = 0.0101f;
    logits[6] = -0.0099f;
    if (likelihood == Likelihood.GAUSSIAN_LEARNED) {
      logits[cols] = Likelihood.LOG_VARIANCE_MAX; // the clamp's bounds pass the gradient
      logits[cols + 1] = Likelihood.LOG_VARIANCE_MIN;
      logits[cols + 2] = -30f;
      logits[cols + 3] = 30f;
    }
    Tensor loss = poisoned(rows), dl = poisoned(rows * width);
    float scale = 1f / rows;
    backend().reconstructionLoss(likelihood, upload(logits), upload(x), rows, cols, loss, dl, scale);
    float[] lo = backend().download(loss), g = backend().download(dl);
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c, o = r * width + c;
        double l = logits[o], xi = x[i];
        switch (likelihood) {
          case BERNOULLI -> {
            sum += Math.max(l, 0) - l * xi + Math.log1p(Math.exp(-Math.abs(l)));
            assertClose(scale * (1 / (1 + Math.exp(-l)) - xi), g[o], 1e-5, 1e-8, "dlogits " + o);
          }
          case CONTINUOUS_BERNOULLI -> {
            sum += ReferenceOps.continuousBernoulliNll(l, xi);
            double dLogNorm = Math.abs(l) < 1e-4 ? l / 6 : 1 / l - 1 / Math.sinh(l);
            assertClose(scale * (1 / (1 + Math.exp(-l)) - xi - dLogNorm), g[o], 1e-5, 1e-8, "dlogits " + o);
          }
          case GAUSSIAN -> {
            sum += 0.5 * (xi - l) * (xi - l) + 0.5 * Math.log(2 * Math.PI);
            assertClose(scale * (l - xi), g[o], 1e-5, 1e-8, "dlogits " + o);
          }
          case GAUSSIAN_LEARNED -> {
            double lv = logits[o + cols];
            sum += ReferenceOps.learnedGaussianNll(l, lv, xi);
            double v = Math.min(7, Math.max(-7, lv)), diff = l - xi;
            assertClose(scale * diff * Math.exp(-v), g[o], 1e-5, 1e-8, "dmean " + o);
            double dlv = lv < -7 || lv > 7 ? 0 : scale * 0.5 * (1 - diff * diff * Math.exp(-v));
            assertClose(dlv, g[o + cols], 1e-5, 1e-8, "dlogvar " + (o + cols));
          }
        }
      }
      assertClose(sum, lo[r], 1e-5, 1e-4, "loss row " + r);
    }
    // Forward only, in place over the logits, leaves the losses as they were.
    Tensor lt = upload(logits), loss2 = poisoned(rows);
    backend().reconstructionLoss(likelihood, lt, upload(x), rows, cols, loss2, null, 0f);
    float[] lo2 = backend().download(loss2);
    for (int r = 0; r < rows; r++) assertClose(lo[r], lo2[r], 1e-6, 1e-5, "forward-only loss " + r);
    // With the gradient in place over the logits, the same losses and gradients.
    Tensor lt3 = upload(logits), loss3 = poisoned(rows);
    backend().reconstructionLoss(likelihood, lt3, upload(x), rows, cols, loss3, lt3, scale);
    float[] lo3 = backend().download(loss3), g3 = backend().download(lt3);
    for (int r = 0; r < rows; r++) assertClose(lo[r], lo3[r], 1e-6, 1e-5, "in-place loss " + r);
    for (int i = 0; i < g.length; i++) assertClose(g[i], g3[i], 1e-6, 1e-9, "in-place gradient " + i);
  }

  /** The fused gradients against central differences of the double reference loss. */
  @ParameterizedTest
  @EnumSource(Likelihood.class)
  default void reconstructionLossGradientMatchesFiniteDifferences(Likelihood likelihood) {
    int rows = 3, cols = 101, k = likelihood.outputsPerValue(), width = k * cols;
    float[] logits = gaussian(rows * width, 3), x = uniform(rows * cols);
    logits[0] = 0f;
    logits[1] = 2e-3f;
    logits[2] = -0.02f;
    Tensor loss = poisoned(rows), dl = poisoned(rows * width);
    backend().reconstructionLoss(likelihood, upload(logits), upload(x), rows, cols, loss, dl, 1f);
    float[] g = backend().download(dl);
    System.out.println("finite differences of " + likelihood + " on " + backend().name() + ", seed " + seed());
    double h = 1e-5;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double[] o = new double[k];
        for (int j = 0; j < k; j++) o[j] = logits[r * width + j * cols + c];
        for (int j = 0; j < k; j++) {
          if (likelihood == Likelihood.GAUSSIAN_LEARNED && j == 1 && Math.abs(Math.abs(o[1]) - 7) < 2 * h) continue;
          double[] up = o.clone(), down = o.clone();
          up[j] += h;
          down[j] -= h;
          double xi = x[r * cols + c];
          double fd = (ReferenceOps.referenceNll(likelihood, up, xi) - ReferenceOps.referenceNll(likelihood, down, xi)) / (2 * h);
          assertClose(fd, g[r * width + j * cols + c], 1e-4, 1e-6, likelihood + " d/d output " + j + " of value " + c
              + " in row " + r + " (outputs " + java.util.Arrays.toString(o) + ")");
        }
      }
    }
  }

  @Test
  default void accumulateSum() {
    float[] values = gaussian(1001, 10);
    Tensor acc = upload(new float[] {1.5f, -2f, 0f});
    backend().accumulateSum(upload(values), 1000, acc, 1);
    double sum = -2;
    for (int i = 0; i < 1000; i++) sum += values[i];
    float[] out = backend().download(acc);
    assertClose(1.5, out[0], 0, 0, "untouched slot");
    assertClose(sum, out[1], 1e-6, 1e-3, "sum");
  }

  /**
   * Each row times its own scale, values past the rows untouched; one float multiplication each, so
   * the double reference rounded once to float is exact (and a scale of 1 keeps the bits).
   */
  @Test
  default void scaleRows() {
    int rows = 37, cols = 131, extra = 5;
    float[] values = gaussian(rows * cols + extra, 3), scales = uniform(rows);
    for (int r = 0; r < rows; r++) scales[r] = scales[r] * 4 + 0.25f;
    scales[0] = 1f;
    scales[1] = 0f;
    Tensor v = uploadMisaligned(values);
    backend().scaleRows(v, rows, cols, uploadMisaligned(scales));
    float[] out = backend().download(v);
    for (int i = 0; i < values.length; i++) {
      double expected = i < rows * cols ? (float) ((double) values[i] * scales[i / cols]) : values[i];
      assertClose(expected, out[i], 0, 0, "scaleRows value " + i);
    }
    backend().scaleRows(v, 0, cols, upload(new float[0])); // no rows: nothing to do
    assertClose(out[0], backend().download(v)[0], 0, 0, "scaleRows of no rows");
  }
}
