package dev.vae4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.io.SafeTensors;
import dev.vae4j.model.layer.ParameterView;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three training steps of a 784-64-8 VAE against PyTorch's float64 computation from the same
 * float32 weights, batch and noise (src/test/resources/vae_golden.safetensors; see
 * shared/fixtures/README.md). Tolerances: float32 against float64 loses about 5e-7 relative on
 * gradients and 1e-7 absolute on parameters (PyTorch's own float32 run); the bars, 1e-5 relative
 * on every gradient and 1e-6 absolute on every parameter after each Adam step, leave a 20x margin.
 * Subclasses run it on other backends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class GoldenFixtureTest {
  private static final String[] NAMES = {
    "enc.fc.weight", "enc.fc.bias", "enc.mu.weight", "enc.mu.bias", "enc.logvar.weight",
    "enc.logvar.bias", "dec.fc.weight", "dec.fc.bias", "dec.out.weight", "dec.out.bias"
  };
  private static final int BATCH = 16, LATENT = 8;

  private Backend backend;
  private SafeTensors.Contents golden;

  protected Backend createBackend() {
    return new CpuBackend();
  }

  /**
   * The bars, per kind of value: {@code latent} absolute on mu and logvar and relative (norm of the
   * difference over the norm) on z and the logits; {@code loss} relative on each row's
   * reconstruction term and on the batch loss, {@code kl} relative (plus 1e-6 absolute) on each
   * row's KL term; {@code gradients} relative per tensor; {@code parameters} absolute after each
   * Adam step.
   */
  protected record Tolerances(double latent, double loss, double kl, double gradients, double parameters) {}

  /** FP32's bars (see the class comment); a subclass whose backend rounds more says its own. */
  protected Tolerances tolerances() {
    return new Tolerances(1e-5, 1e-6, 1e-5, 1e-5, 1e-6);
  }

  @BeforeAll
  void open() throws IOException {
    backend = createBackend();
    golden = fixture();
  }

  /** The PyTorch golden fixture (src/test/resources/vae_golden.safetensors). */
  public static SafeTensors.Contents fixture() throws IOException {
    try (InputStream in = GoldenFixtureTest.class.getResourceAsStream("/vae_golden.safetensors")) {
      return SafeTensors.read(in.readAllBytes(), "vae_golden.safetensors");
    }
  }

  /** The fixture's initial parameters ({@code param.<name>}) laid out in one flat buffer as {@code layout} says. */
  public static float[] initialParameters(SafeTensors.Contents golden, ParameterLayout layout) throws IOException {
    float[] initial = new float[(int) layout.size()];
    for (ParameterView v : layout.views()) {
      float[] values = golden.require("param." + v.name(), "fixture").floats();
      assertEquals(v.size(), values.length, v.name());
      System.arraycopy(values, 0, initial, (int) v.offset(), values.length);
    }
    return initial;
  }

  @AfterAll
  void close() {
    backend.close();
  }

  @Test
  void threeTrainingStepsMatchPyTorch() throws IOException {
    VaeConfig config = VaeConfig.mlp(784, new int[] {64}, LATENT, Likelihood.BERNOULLI);
    ParameterLayout layout = new ParameterLayout(config);
    float[] initial = initialParameters(golden, layout);
    Tensor params = backend.allocate(layout.size());
    backend.upload(initial, params);
    VaeNetwork net = new VaeNetwork(backend, config, layout, params);
    Workspace ws = net.workspace(BATCH, true);
    backend.upload(golden.require("x", "fixture").floats(), 0, ws.input(), 0, BATCH * 784);
    AdamOptimizer adam = new AdamOptimizer(backend, layout.size());
    VaeNetwork.LayerGradients grads = net.new LayerGradients(adam.grads());
    AdamParams hyper = AdamParams.pytorchDefaults(1e-3);
    Tolerances t = tolerances();

    for (int step = 0; step < 3; step++) {
      String s = "step" + step + ".";
      backend.upload(golden.require("eps." + step, "fixture").floats(), 0, ws.eps(), 0, BATCH * LATENT);
      net.forward(ws, BATCH);
      net.lossesAndGradients(ws, BATCH, 1f, grads);

      double[] mu = golden.require(s + "mu", "fixture").values(), logvar = golden.require(s + "logvar", "fixture").values();
      float[] stats = backend.download(ws.stats());
      for (int r = 0; r < BATCH; r++) {
        for (int j = 0; j < LATENT; j++) {
          assertEquals(mu[r * LATENT + j], stats[r * 2 * LATENT + j], t.latent(), s + "mu");
          assertEquals(logvar[r * LATENT + j], stats[r * 2 * LATENT + LATENT + j], t.latent(), s + "logvar");
        }
      }
      assertRelative(golden.require(s + "z", "fixture").values(), backend.download(ws.z()), t.latent(), s + "z");
      assertRelative(golden.require(s + "logits", "fixture").values(), backend.download(ws.logits()), t.latent(), s + "logits");
      float[] recon = backend.download(ws.reconPerRow()), kl = backend.download(ws.klPerRow());
      double[] recon64 = golden.require(s + "recon", "fixture").values(), kl64 = golden.require(s + "kl", "fixture").values();
      double loss = 0;
      for (int r = 0; r < BATCH; r++) {
        assertEquals(recon64[r], recon[r], t.loss() * recon64[r], s + "recon row " + r);
        assertEquals(kl64[r], kl[r], t.kl() * kl64[r] + 1e-6, s + "kl row " + r);
        loss += (recon[r] + kl[r]) / BATCH;
      }
      double loss64 = golden.require(s + "loss", "fixture").values()[0];
      assertEquals(loss64, loss, t.loss() * loss64, s + "loss");

      float[] g = backend.download(adam.grads());
      for (ParameterView v : layout.views()) {
        double[] expected = golden.require(s + "grad." + v.name(), "fixture").values();
        assertRelative(expected, slice(g, v), t.gradients(), s + "grad." + v.name());
      }
      adam.step(params, hyper);
      float[] p = backend.download(params);
      for (ParameterView v : layout.views()) {
        double[] expected = golden.require(s + "after_adam." + v.name(), "fixture").values();
        float[] actual = slice(p, v);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        report(s + "after_adam." + v.name(), worst);
        assertTrue(worst <= t.parameters(), s + "after_adam." + v.name() + ": max abs error " + worst);
      }
    }
    assertEquals(NAMES.length, layout.views().size(), "the fixture's ten tensors are the model's");
  }

  private static float[] slice(float[] all, ParameterView v) {
    float[] out = new float[(int) v.size()];
    System.arraycopy(all, (int) v.offset(), out, 0, out.length);
    return out;
  }

  /** Prints an error with {@code -Dvae4j.golden.report=true}: how the bars of {@link #tolerances} were chosen. */
  private static void report(String what, double error) {
    if (Boolean.getBoolean("vae4j.golden.report")) System.out.printf("golden %s %.3g%n", what, error);
  }

  /** Norm of the difference over norm of the expected value. */
  private static void assertRelative(double[] expected, float[] actual, double tolerance, String what) {
    double diff = 0, norm = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (expected[i] - actual[i]) * (expected[i] - actual[i]);
      norm += expected[i] * expected[i];
    }
    double rel = Math.sqrt(diff / norm);
    report(what, rel);
    assertTrue(rel <= tolerance, what + ": relative error " + rel + " > " + tolerance);
  }
}
