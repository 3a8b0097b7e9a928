package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract of {@link OptimizerOps}, every op against a double-precision reference written from
 * its Javadoc: Adam against the reference, over gradient parts, and as seen by the next GEMM;
 * addInto, the backend's and the interface's. A backend's test runs it by implementing this
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
}
