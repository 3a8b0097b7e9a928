package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract of {@link OptimizerOps}, every op against a double-precision reference written from
 * its Javadoc: Adam against the reference, over gradient parts, and as seen by the next GEMM;
 * addInto, the backend's and the interface's; {@link OptimizerOps#update}'s rules (SGD with and
 * without momentum, RMSprop, Adam/AdamW with L1) against {@link ReferenceOptimizer}, over gradient
 * parts and on slices, and its plain Adam as {@code adamUpdate} bit for bit; the clipping pair
 * (gradientSquaredNorm, clipGradients) below and above its maximum. A backend's test runs it by implementing this
 * interface (as {@link BackendContractTest} does for all families), which supplies the backend and
 * the seeded randomness.
 */
public interface OptimizerOpsContract extends OpsContract {

  @Test
  default void addInto() {
    float[] a = gaussian(40_009, 1), b = gaussian(40_009, 1);
    Tensor dst = upload(b);
    backend().addInto(upload(a), dst);
    float[] out = backend().download(dst);
    for (int i = 0; i < a.length; i++) assertEquals(a[i] + b[i], out[i], "dst " + i); // one rounding, exact
  }

  /** The interface's own addInto (one rank-1 GEMM), which backends that never split batches keep. */
  @Test
  default void defaultAddIntoThroughGemm() {
    Backend plain = (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, (proxy, method, args) -> method.getName().equals("addInto")
            ? java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args)
            : method.invoke(backend(), args));
    float[] a = gaussian(1003, 1), b = gaussian(1003, 1);
    Tensor dst = upload(b);
    plain.addInto(upload(a), dst);
    float[] out = backend().download(dst);
    for (int i = 0; i < a.length; i++) assertClose((double) a[i] + b[i], out[i], 1e-6, 1e-6, "dst " + i);
  }

  /** A GEMM after Adam reads the new weights, however the backend keeps copies of them. */
  @Test
  default void gemmReadsWeightsUpdatedByAdam() {
    int m = 33, n = 40, k = 27;
    float[] x = gaussian(m * k, 1), w = gaussian(n * k, 1);
    Tensor xt = upload(x), wt = upload(w), y = poisoned(m * n);
    backend().gemm(false, true, m, n, k, 1f, xt, wt, 0f, y); // may make a copy of w for the GEMM library
    Tensor slice = backend().slice(wt, 7, n * k - 7); // Adam on part of w, as a batch part does
    backend().adamUpdate(slice, upload(gaussian(n * k - 7, 1)), upload(new float[n * k - 7]),
        upload(new float[n * k - 7]), AdamParams.pytorchDefaults(0.1), 1);
    backend().gemm(false, true, m, n, k, 1f, xt, wt, 0f, y);
    float[] updated = backend().download(wt), out = backend().download(y);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) s += (double) x[i * k + p] * updated[j * k + p];
        assertClose(s, out[i * n + j], 1e-5, 1e-4, "y[" + i + "," + j + "]");
      }
    }
  }

  /** Adam over the sum of a batch's gradient parts is Adam over their float sum, in part order. */
  @ParameterizedTest
  @CsvSource({"1", "2", "3"})
  default void adamOverGradientParts(int count) {
    int n = 50_001;
    float[] p = gaussian(n, 1), m = gaussian(n, 0.01), v = uniform(n);
    float[][] g = new float[count][];
    Tensor[] parts = new Tensor[count];
    for (int q = 0; q < count; q++) {
      g[q] = gaussian(n, 0.1);
      parts[q] = upload(g[q]);
    }
    float[] sum = g[0].clone();
    for (int q = 1; q < count; q++) for (int i = 0; i < n; i++) sum[i] += g[q][i];
    AdamParams h = AdamParams.pytorchDefaults(1e-2);
    Tensor byParts = upload(p), m1 = upload(m), v1 = upload(v);
    backend().adamUpdate(byParts, parts, m1, v1, h, 3);
    Tensor bySum = upload(p), m2 = upload(m), v2 = upload(v);
    backend().adamUpdate(bySum, upload(sum), m2, v2, h, 3);
    assertEquals(java.util.Arrays.toString(backend().download(bySum)), java.util.Arrays.toString(backend().download(byParts)),
        "parameters");
    assertEquals(java.util.Arrays.toString(backend().download(m2)), java.util.Arrays.toString(backend().download(m1)), "m");
  }

  @ParameterizedTest
  @CsvSource({"0,false", "0.01,false", "0.01,true"})
  default void adamMatchesReference(double weightDecay, boolean decoupled) {
    int n = 100_003; // large enough to be split across threads
    float[] p = gaussian(n, 1), m = gaussian(n, 0.01), v = uniform(n), g = gaussian(n, 0.1);
    for (int i = 0; i < n; i++) v[i] *= 1e-4f;
    AdamParams h = new AdamParams(1e-3, 0.9, 0.999, 1e-8, weightDecay, decoupled);
    int step = 1 + random().nextInt(50);
    Tensor pt = upload(p), mt = upload(m), vt = upload(v);
    backend().adamUpdate(pt, upload(g), mt, vt, h, step);
    float[] po = backend().download(pt), mo = backend().download(mt), vo = backend().download(vt);
    for (int i = 0; i < n; i++) {
      double pi = p[i], gi = g[i];
      if (!decoupled) gi += weightDecay * pi;
      else pi *= 1 - 1e-3 * weightDecay;
      double mi = 0.9 * m[i] + 0.1 * gi, vi = 0.999 * v[i] + 0.001 * gi * gi;
      double mhat = mi / (1 - Math.pow(0.9, step)), vhat = vi / (1 - Math.pow(0.999, step));
      double expected = pi - 1e-3 * mhat / (Math.sqrt(vhat) + 1e-8);
      // m's terms (and g's L2 term) may nearly cancel: float rounding is relative to the terms.
      double terms = Math.abs(0.9 * m[i]) + 0.1 * (Math.abs(g[i]) + Math.abs(weightDecay * p[i]));
      assertClose(mi, mo[i], 0, 1e-6 * terms, "m " + i);
      assertClose(vi, vo[i], 1e-5, 1e-12, "v " + i);
      assertClose(expected, po[i], 2e-7, 1e-7, "p " + i); // float rounding of p
    }
  }

  /** The hyper-parameters of {@code rule} (adam, adamw, sgd, sgd:MOMENTUM, rmsprop) as the trainer makes them. */
  private static OptimizerParams rule(String rule, double lr, double weightDecay) {
    if (rule.startsWith("sgd")) return new SgdParams(lr, rule.contains(":") ? Double.parseDouble(rule.substring(4)) : 0, weightDecay);
    if (rule.equals("rmsprop")) return RmspropParams.pytorchDefaults(lr, weightDecay);
    return new AdamParams(lr, 0.9, 0.999, 1e-8, weightDecay, rule.equals("adamw"));
  }

  /** Every rule, over 1-3 gradient parts, with and without weight decay and L1, at the first step and a later one. */
  @ParameterizedTest
  @CsvSource({"sgd,0,0,1,1", "sgd,0.01,0.001,2,4", "sgd:0.9,0,0,1,1", "sgd:0.9,0.01,0.001,2,1", "sgd:0.9,0.01,0.001,3,7",
      "rmsprop,0,0,1,1", "rmsprop,0.01,0.001,2,5", "adam,0,0.001,1,3", "adam,0.01,0.001,2,1", "adamw,0.01,0.001,3,9"})
  default void updateMatchesReference(String name, double weightDecay, double l1, int count, long step) {
    int n = 100_003; // large enough to be split across threads
    float[] p = gaussian(n, 1), m = gaussian(n, 0.01), v = uniform(n);
    for (int i = 0; i < n; i++) v[i] *= 1e-4f;
    for (int i = 0; i < n; i += 97) p[i] = 0; // sign(0) = 0: no L1 term
    float[][] g = new float[count][];
    Tensor[] parts = new Tensor[count];
    float[] sum = new float[n];
    for (int q = 0; q < count; q++) {
      g[q] = gaussian(n, 0.1);
      parts[q] = upload(g[q]);
      for (int i = 0; i < n; i++) sum[i] = q == 0 ? g[q][i] : sum[i] + g[q][i]; // the op's float sum, in part order
    }
    double lr = name.startsWith("sgd") ? 0.1 : 1e-3;
    OptimizerParams h = rule(name, lr, weightDecay);
    Tensor pt = upload(p), mt = upload(m), vt = upload(v);
    backend().update(pt, parts, mt, vt, h, l1, step);
    float[] po = backend().download(pt), mo = backend().download(mt), vo = backend().download(vt);
    double[] pe = ReferenceOptimizer.widen(p), me = ReferenceOptimizer.widen(m), ve = ReferenceOptimizer.widen(v);
    ReferenceOptimizer.step(h, l1, step, pe, ReferenceOptimizer.widen(sum), me, ve);
    boolean usesM = !name.equals("rmsprop") && !name.equals("sgd"), usesV = !name.startsWith("sgd");
    for (int i = 0; i < n; i++) {
      // The gradient's terms may nearly cancel: float rounding is relative to the terms.
      double terms = Math.abs(sum[i]) + l1 + Math.abs(weightDecay * p[i]) + Math.abs(m[i]);
      String at = name + " " + i;
      if (usesM) assertClose(me[i], mo[i], 0, 1e-6 * terms, "m " + at);
      else assertEquals(m[i], mo[i], "m untouched " + at);
      if (usesV) assertClose(ve[i], vo[i], 1e-5, 1e-12, "v " + at);
      else assertEquals(v[i], vo[i], "v untouched " + at);
      double change = Math.abs(pe[i] - p[i]);
      assertClose(pe[i], po[i], 2e-7, 1e-7 + 2e-5 * change + lr * 1e-6 * terms, "p " + at);
    }
  }

  /** Plain Adam through {@code update} is {@code adamUpdate}, bit for bit. */
  @Test
  default void updateOfPlainAdamIsAdamUpdate() {
    int n = 20_011;
    float[] p = gaussian(n, 1), m = gaussian(n, 0.01), v = uniform(n), g1 = gaussian(n, 0.1), g2 = gaussian(n, 0.1);
    AdamParams h = new AdamParams(1e-3, 0.9, 0.999, 1e-8, 0.01, false);
    Tensor pa = upload(p), ma = upload(m), va = upload(v), pb = upload(p), mb = upload(m), vb = upload(v);
    backend().adamUpdate(pa, new Tensor[] {upload(g1), upload(g2)}, ma, va, h, 4);
    backend().update(pb, new Tensor[] {upload(g1), upload(g2)}, mb, vb, h, 0, 4);
    assertEquals(java.util.Arrays.toString(backend().download(pa)), java.util.Arrays.toString(backend().download(pb)));
    assertEquals(java.util.Arrays.toString(backend().download(ma)), java.util.Arrays.toString(backend().download(mb)));
    assertEquals(java.util.Arrays.toString(backend().download(va)), java.util.Arrays.toString(backend().download(vb)));
  }

  /** Slices at differing offsets (as tests make; training's share one) give the same bits as whole tensors. */
  @ParameterizedTest
  @CsvSource({"sgd:0.9", "rmsprop", "adamw"})
  default void updateOnMisalignedSlices(String name) {
    int n = 5_003;
    float[] p = gaussian(n, 1), m = gaussian(n, 0.01), v = uniform(n), g = gaussian(n, 0.1);
    OptimizerParams h = rule(name, 1e-2, 0.01);
    Tensor pa = upload(p), ma = upload(m), va = upload(v);
    backend().update(pa, new Tensor[] {upload(g)}, ma, va, h, 1e-3, 2);
    Tensor pb = uploadMisaligned(p), mb = uploadMisaligned(m), vb = uploadMisaligned(v);
    backend().update(pb, new Tensor[] {uploadMisaligned(g)}, mb, vb, h, 1e-3, 2);
    assertEquals(java.util.Arrays.toString(backend().download(pa)), java.util.Arrays.toString(backend().download(pb)));
    assertEquals(java.util.Arrays.toString(backend().download(ma)), java.util.Arrays.toString(backend().download(mb)));
    assertEquals(java.util.Arrays.toString(backend().download(va)), java.util.Arrays.toString(backend().download(vb)));
  }

  /**
   * gradientSquaredNorm sums the parts into the first (the same float sum, in part order, that
   * update makes) and writes the squared norm of that sum, against a double reference.
   */
  @ParameterizedTest
  @CsvSource({"1", "2", "3"})
  default void gradientSquaredNormOverParts(int count) {
    int n = 70_001; // more than one CPU chunk, not a multiple of a block
    float[][] g = new float[count][];
    Tensor[] parts = new Tensor[count];
    for (int q = 0; q < count; q++) {
      g[q] = gaussian(n, 0.1);
      parts[q] = upload(g[q]);
    }
    float[] sum = g[0].clone();
    for (int q = 1; q < count; q++) for (int i = 0; i < n; i++) sum[i] += g[q][i];
    double expected = 0;
    for (float x : sum) expected += (double) x * x;
    Tensor out = poisoned(1);
    backend().gradientSquaredNorm(parts, out);
    assertClose(expected, backend().download(out)[0], 1e-6, 0, "squared norm");
    float[] summed = backend().download(parts[0]);
    for (int i = 0; i < n; i++) assertEquals(sum[i], summed[i], "parts[0] " + i); // the same float sum
  }

  /**
   * clipGradients scales by max / (norm + 1e-6) only when that is below 1, and adds the norm and a
   * count of 1 to the norm sums; a max above the norm leaves the gradient's bits as they were.
   */
  @ParameterizedTest
  @CsvSource({"0.5", "10", "1000"})
  default void clipGradientsBelowAndAboveMax(double max) {
    int n = 30_011;
    float[] g = gaussian(n, 0.1); // norm about 17
    double sq = 0;
    for (float x : g) sq += (double) x * x;
    Tensor grads = upload(g), squared = upload(new float[] {(float) sq}), sums = upload(new float[] {2f, 3f});
    backend().clipGradients(grads, squared, max, sums);
    double norm = Math.sqrt((float) sq), scale = max / (norm + 1e-6);
    float[] out = backend().download(grads);
    for (int i = 0; i < n; i++) {
      if (scale < 1) {
        assertClose(g[i] * scale, out[i], 1e-6, 1e-12, "clipped " + i);
      } else {
        assertEquals(g[i], out[i], "unclipped " + i);
      }
    }
    float[] s = backend().download(sums);
    assertClose(2 + norm, s[0], 1e-6, 0, "norm sum");
    assertEquals(4f, s[1], "step count");
  }
}
