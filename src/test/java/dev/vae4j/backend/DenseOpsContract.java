package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract of {@link DenseOps}, every op against a double-precision reference written from its
 * Javadoc: GEMM in every transpose, bias + activation and its backward, dense layers forward and
 * backward on misaligned weights. A backend's test runs it by implementing this interface (as
 * {@link BackendContractTest} does for all families), which supplies the backend and the seeded
 * randomness.
 */
public interface DenseOpsContract extends OpsContract {

  @ParameterizedTest
  @CsvSource({"false,false", "true,false", "false,true", "true,true"})
  default void gemm(boolean transA, boolean transB) {
    int m = 37, n = 29, k = 53;
    float[] a = gaussian(m * k, 1), b = gaussian(k * n, 1), c0 = gaussian(m * n, 1);
    float alpha = 0.75f, beta = -0.5f;
    Tensor c = upload(c0);
    backend().gemm(transA, transB, m, n, k, alpha, upload(a), upload(b), beta, c);
    float[] out = backend().download(c);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          double av = transA ? a[p * m + i] : a[i * k + p];
          double bv = transB ? b[j * k + p] : b[p * n + j];
          s += av * bv;
        }
        assertClose(alpha * s + beta * c0[i * n + j], out[i * n + j], 1e-5, 1e-4, "C[" + i + "," + j + "]");
      }
    }
    Tensor poisoned = poisoned(m * n); // beta == 0 must ignore C's old contents
    backend().gemm(transA, transB, m, n, k, 1f, upload(a), upload(b), 0f, poisoned);
    for (float v : backend().download(poisoned)) assertTrue(Float.isFinite(v), "beta=0 must not read C");
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  default void biasActivation(Activation act) {
    int rows = 19, cols = 1031;
    float[] x = gaussian(rows * cols, 3), bias = gaussian(cols, 1);
    Tensor t = upload(x);
    backend().biasActivation(t, upload(bias), rows, cols, act);
    float[] out = backend().download(t);
    for (int i = 0; i < x.length; i++) {
      double v = (double) x[i] + bias[i % cols];
      double expected = switch (act) {
        case IDENTITY -> v;
        case RELU -> Math.max(v, 0);
        case SIGMOID -> 1 / (1 + Math.exp(-v));
        case ELU, TANH, LEAKY_RELU, GELU -> ReferenceActivations.forward(reference(act), v);
      };
      assertClose(expected, out[i], 1e-6, 1e-7, act + " element " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Activation.class, names = {"IDENTITY", "RELU", "ELU", "TANH", "LEAKY_RELU", "GELU"})
  default void activationBackward(Activation act) {
    int rows = 131, cols = 403;
    float[] grad = gaussian(rows * cols, 1), pre = gaussian(rows * cols, 2);
    float[] out = outputs(act, pre);
    boolean exact = act == Activation.IDENTITY || act == Activation.RELU;
    for (boolean withBiasGrad : new boolean[] {true, false}) {
      Tensor g = upload(grad), biasGrad = withBiasGrad ? poisoned(cols) : null;
      backend().activationBackward(g, upload(out), biasGrad, rows, cols, act);
      float[] dg = backend().download(g);
      double[] colSums = new double[cols];
      for (int i = 0; i < grad.length; i++) {
        double expected = grad[i] * derivative(act, pre[i]);
        assertClose(expected, dg[i], exact ? 0 : 1e-6, exact ? 0 : 1e-6, act + " grad " + i);
        colSums[i % cols] += expected;
      }
      if (!withBiasGrad) continue;
      float[] db = backend().download(biasGrad);
      for (int c = 0; c < cols; c++) assertClose(colSums[c], db[c], 1e-5, 1e-5, "bias grad " + c);
    }
  }

  /**
   * {@code leaky-relu:SLOPE} at slopes other than the default, through every op that takes an
   * {@link ActivationFunction}: the slope, not 0.01, scales the negative side forward and backward.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(floats = {0.2f, 0.5f, 0.999f, 1e-4f})
  default void leakyReluOfAnySlope(float slope) {
    ActivationFunction act = ActivationFunction.leakyRelu(slope);
    String name = "leaky-relu:" + (double) slope;
    int rows = 23, in = 17, out = 45;
    float[] x = gaussian(rows * in, 1), w = gaussian(out * in, 0.3), bias = gaussian(out, 1);
    Tensor y = poisoned(rows * out);
    backend().linearForward(upload(x), uploadMisaligned(w), uploadMisaligned(bias), y, rows, in, out, act);
    float[] yo = backend().download(y);
    float[] pre = new float[rows * out];
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double v = bias[o];
        for (int i = 0; i < in; i++) v += (double) x[r * in + i] * w[o * in + i];
        pre[r * out + o] = (float) v;
        assertClose(ReferenceActivations.forward(name, v), yo[r * out + o], 1e-5, 1e-5, name + " y " + r + "," + o);
      }
    }
    Tensor t = upload(pre);
    backend().biasActivation(t, null, rows, out, act);
    float[] activated = backend().download(t);
    for (int i = 0; i < pre.length; i++) {
      assertClose(ReferenceActivations.forward(name, pre[i]), activated[i], 1e-7, 1e-7, name + " biasActivation " + i);
    }
    float[] dy = gaussian(rows * out, 1);
    for (boolean withBiasGrad : new boolean[] {true, false}) {
      Tensor g = upload(dy), db = withBiasGrad ? poisoned(out) : null;
      backend().activationBackward(g, upload(activated), db, rows, out, act);
      float[] dg = backend().download(g);
      double[] sums = new double[out];
      for (int i = 0; i < dy.length; i++) {
        double expected = dy[i] * ReferenceActivations.derivative(name, pre[i]);
        assertClose(expected, dg[i], 1e-7, 1e-6, name + " grad " + i);
        sums[i % out] += expected;
      }
      if (withBiasGrad) {
        float[] dbo = backend().download(db);
        for (int c = 0; c < out; c++) assertClose(sums[c], dbo[c], 1e-5, 1e-5, name + " bias grad " + c);
      }
    }
    Tensor dyt = upload(dy), dw = poisoned(out * in), db = poisoned(out), dx = poisoned(rows * in);
    backend().linearBackward(upload(x), uploadMisaligned(w), upload(activated), dyt, dw, db, dx, rows, in, out, act);
    float[] dpre = backend().download(dyt), dwo = backend().download(dw);
    for (int i = 0; i < dy.length; i++) {
      assertClose(dy[i] * ReferenceActivations.derivative(name, pre[i]), dpre[i], 1e-7, 1e-6, name + " dpre " + i);
    }
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        double sum = 0;
        for (int r = 0; r < rows; r++) sum += dy[r * out + o] * ReferenceActivations.derivative(name, pre[r * out + o]) * x[r * in + i];
        assertClose(sum, dwo[o * in + i], 1e-5, 1e-5, name + " dW " + o + "," + i);
      }
    }
  }

  /**
   * A dense layer that keeps its pre-activation (as a GELU layer does for its backward): {@code pre}
   * is {@code x w^T + bias}, {@code y} the activation of it, the same as without {@code pre}.
   */
  @ParameterizedTest
  @EnumSource(Activation.class)
  default void linearForwardKeepsThePreActivation(Activation act) {
    int rows = 21, in = 33, out = 47;
    float[] x = gaussian(rows * in, 1), w = gaussian(out * in, 0.3), bias = gaussian(out, 1);
    Tensor y = poisoned(rows * out), pre = poisoned(rows * out), plain = poisoned(rows * out);
    Tensor xt = upload(x), wt = uploadMisaligned(w), bt = uploadMisaligned(bias);
    backend().linearForward(xt, wt, bt, y, pre, rows, in, out, ActivationFunction.of(act));
    backend().linearForward(xt, wt, bt, plain, rows, in, out, act);
    float[] yo = backend().download(y), po = backend().download(pre), plainOut = backend().download(plain);
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double v = bias[o];
        for (int i = 0; i < in; i++) v += (double) x[r * in + i] * w[o * in + i];
        int k = r * out + o;
        assertClose(v, po[k], 1e-5, 1e-5, act + " pre[" + r + "," + o + "]");
        double expected = switch (act) {
          case IDENTITY -> v;
          case SIGMOID -> 1 / (1 + Math.exp(-v));
          default -> ReferenceActivations.forward(reference(act), v);
        };
        assertClose(expected, yo[k], 1e-5, 1e-5, act + " y[" + r + "," + o + "]");
        assertClose(plainOut[k], yo[k], 1e-6, 1e-6, act + " y without pre[" + r + "," + o + "]");
      }
    }
  }

  /**
   * The backend's float GELU and leaky ReLU of slope 0.2, forward and backward, against PyTorch's
   * float64 {@code nn.GELU()} and {@code nn.LeakyReLU(0.2)} (src/test/python/activation_fixture.py's
   * committed fixture): about one float rounding apart. GELU's backward reads the pre-activation the
   * forward kept, leaky ReLU's the output.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"gelu", "leaky-relu:0.2"})
  default void activationsMatchPyTorch(String name) throws java.io.IOException {
    ActivationFunction act = name.equals("gelu") ? ActivationFunction.of(Activation.GELU) : ActivationFunction.leakyRelu(0.2f);
    com.fasterxml.jackson.databind.JsonNode fixture;
    try (java.io.InputStream in = DenseOpsContract.class.getResourceAsStream("activation_fixture.json")) {
      fixture = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
    }
    com.fasterxml.jackson.databind.JsonNode expected = null;
    for (com.fasterxml.jackson.databind.JsonNode c : fixture.get("cases")) {
      if (c.get("activation").asText().equals(name)) expected = c;
    }
    int n = fixture.get("input").size();
    float[] x = new float[n], ones = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) fixture.get("input").get(i).asDouble();
      ones[i] = 1f;
    }
    Tensor y = upload(x), pre = poisoned(n), grad = upload(ones);
    backend().biasActivation(y, null, pre, 1, n, act);
    backend().activationBackward(grad, act.kind().backwardFromPreActivation() ? pre : y, null, 1, n, act);
    float[] yo = backend().download(y), po = backend().download(pre), go = backend().download(grad);
    for (int i = 0; i < n; i++) {
      // The inputs are doubles (e.g. -3.1): allow for their rounding to float, times the slope of
      // the activation (its derivative) and of its derivative (GELU's: phi(x) (2 - x^2)).
      double exact = fixture.get("input").get(i).asDouble(), dx = Math.abs(exact - x[i]);
      double phi = Math.exp(-0.5 * exact * exact) / Math.sqrt(2 * Math.PI);
      double gradient = expected.get("gradient").get(i).asDouble(), slope = Math.abs(gradient);
      boolean gelu = name.equals("gelu");
      double curvature = gelu ? Math.abs(phi * (2 - exact * exact)) : 0;
      // GELU's derivative Phi(x) + x phi(x) cancels for negative x (at -0.7: 0.242 - 0.219), so its
      // float rounding is relative to the terms, |Phi| + |x| phi <= |gradient| + 2 |x| phi, not to
      // the result: 8 ulps of them (CUDA's normcdff alone may be 5 ulps off; on an H200 it was 2.8e-8
      // from 0.0234, above 3e-7 relative).
      double cancellation = gelu ? 8 * 0x1p-24 * (slope + 2 * Math.abs(exact) * phi) : 0;
      assertEquals(x[i], po[i], "pre " + i);
      assertClose(expected.get("output").get(i).asDouble(), yo[i], 3e-7, 1e-12 + 1.01 * slope * dx, name + "(" + x[i] + ")");
      assertClose(gradient, go[i], 3e-7, 1e-12 + 1.01 * curvature * dx + cancellation, name + "'(" + x[i] + ")");
    }
  }

  /** The {@link ReferenceActivations} name of {@code act}. */
  private static String reference(Activation act) {
    return act.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'); // leaky-relu: slope 0.01
  }

  /**
   * What a backward receives: {@code act(pre)} rounded to float (identity: {@code pre}), or {@code
   * pre} itself for an activation whose backward takes the pre-activation (GELU).
   */
  private static float[] outputs(Activation act, float[] pre) {
    float[] out = new float[pre.length];
    for (int i = 0; i < pre.length; i++) {
      out[i] = act == Activation.IDENTITY || act.backwardFromPreActivation() ? pre[i]
          : (float) ReferenceActivations.forward(reference(act), pre[i]);
    }
    return out;
  }

  /** d act / d pre at {@code pre}, in double (identity: 1). */
  private static double derivative(Activation act, double pre) {
    return act == Activation.IDENTITY ? 1 : ReferenceActivations.derivative(reference(act), pre);
  }

  @ParameterizedTest
  @CsvSource({"IDENTITY,true", "RELU,true", "SIGMOID,true", "IDENTITY,false", "RELU,false", "ELU,true", "TANH,true",
      "TANH,false", "LEAKY_RELU,true", "GELU,true", "GELU,false"})
  default void linearForward(Activation act, boolean withBias) {
    int rows = 37, in = 53, out = 29;
    float[] x = gaussian(rows * in, 1), w = gaussian(out * in, 0.3), bias = gaussian(out, 1);
    Tensor y = poisoned(rows * out);
    backend().linearForward(upload(x), uploadMisaligned(w), withBias ? uploadMisaligned(bias) : null, y, rows, in, out,
        act);
    float[] yo = backend().download(y);
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double v = withBias ? bias[o] : 0;
        for (int i = 0; i < in; i++) v += (double) x[r * in + i] * w[o * in + i];
        double expected = switch (act) {
          case IDENTITY -> v;
          case RELU -> Math.max(v, 0);
          case SIGMOID -> 1 / (1 + Math.exp(-v));
          case ELU, TANH, LEAKY_RELU, GELU -> ReferenceActivations.forward(reference(act), v);
        };
        assertClose(expected, yo[r * out + o], 1e-5, 1e-5, act + " y[" + r + "," + o + "]");
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"IDENTITY,true,true", "RELU,true,true", "RELU,false,true", "IDENTITY,true,false", "RELU,false,false",
      "ELU,true,true", "TANH,true,false", "ELU,false,false", "TANH,false,true",
      "LEAKY_RELU,true,true", "LEAKY_RELU,false,false", "GELU,true,true", "GELU,false,false", "GELU,true,false"})
  default void linearBackward(Activation act, boolean withBiasGrad, boolean withDx) {
    int rows = 41, in = 23, out = 31;
    float[] x = gaussian(rows * in, 1), w = gaussian(out * in, 0.3);
    float[] preActivation = gaussian(rows * out, 1), dy = gaussian(rows * out, 1);
    float[] y = outputs(act, preActivation);
    boolean exact = act == Activation.IDENTITY || act == Activation.RELU;
    Tensor dyt = upload(dy), weightGrad = backend().slice(poisoned(out * in + 5), 5, (long) out * in);
    Tensor biasGrad = withBiasGrad ? backend().slice(poisoned(out + 7), 7, out) : null;
    Tensor dx = withDx ? poisoned(rows * in) : null;
    backend().linearBackward(upload(x), uploadMisaligned(w), upload(y), dyt, weightGrad, biasGrad, dx, rows, in, out,
        act);
    double[] pre = new double[dy.length]; // d(pre-activation)
    for (int i = 0; i < dy.length; i++) pre[i] = dy[i] * derivative(act, preActivation[i]);
    float[] dyo = backend().download(dyt), dwo = backend().download(weightGrad);
    for (int i = 0; i < dy.length; i++) {
      assertClose(pre[i], dyo[i], exact ? 0 : 1e-6, exact ? 0 : 1e-6, act + " d(pre-activation) " + i);
    }
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        double s = 0;
        for (int r = 0; r < rows; r++) s += pre[r * out + o] * x[r * in + i];
        assertClose(s, dwo[o * in + i], 1e-5, 1e-5, "dW[" + o + "," + i + "]");
      }
    }
    if (withBiasGrad) {
      float[] dbo = backend().download(biasGrad);
      for (int o = 0; o < out; o++) {
        double s = 0;
        for (int r = 0; r < rows; r++) s += pre[r * out + o];
        assertClose(s, dbo[o], 1e-5, 1e-5, "db[" + o + "]");
      }
    }
    if (withDx) {
      float[] dxo = backend().download(dx);
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < in; i++) {
          double s = 0;
          for (int o = 0; o < out; o++) s += pre[r * out + o] * w[o * in + i];
          assertClose(s, dxo[r * in + i], 1e-5, 1e-5, "dx[" + r + "," + i + "]");
        }
      }
    }
  }

  /** A short operand is refused before anything runs, naming the op, the operand and both lengths. */
  @Test
  default void gemmRejectsAShortOperand() {
    Tensor a = poisoned(6), b = poisoned(12), c = poisoned(7);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> backend().gemm(false, false, 2, 4, 3, 1f, a, b, 0f, c));
    assertEquals("gemm C: needs 8 floats, tensor has 7", e.getMessage());
  }
}
