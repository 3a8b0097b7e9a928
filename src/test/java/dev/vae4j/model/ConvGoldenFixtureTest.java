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
import dev.vae4j.model.layer.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three training steps of a convolutional VAE on colour, non-square images (3 x 16 x 12; two
 * stride-2 convolutions of 4 and 8 channels, dense 32, latent 4, and the mirrored decoder) against
 * PyTorch's float64 computation from the same float32 weights, batch and noise
 * (src/test/resources/conv_vae_golden.safetensors; see shared/fixtures/README.md, which measures
 * PyTorch's own float32 run at 6e-7 relative on gradients and 4e-8 absolute on parameters). The
 * bars are the MLP fixture's: 1e-5 relative on every gradient, 1e-6 absolute on every parameter
 * after each Adam step. The model is {@link VaeConfig#conv}'s, so this also pins its layers and
 * PyTorch names. Subclasses run it on other backends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class ConvGoldenFixtureTest {
  private static final int BATCH = 8, LATENT = 4, PIXELS = 3 * 16 * 12;

  private Backend backend;
  private SafeTensors.Contents golden;

  protected Backend createBackend() {
    return new CpuBackend();
  }

  @BeforeAll
  void open() throws IOException {
    backend = createBackend();
    try (InputStream in = ConvGoldenFixtureTest.class.getResourceAsStream("/conv_vae_golden.safetensors")) {
      golden = SafeTensors.read(in.readAllBytes(), "conv_vae_golden.safetensors");
    }
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /** The fixture's model, as {@code --conv 4,8 --hidden 32 --latent 4} builds it. */
  static VaeConfig config() {
    return VaeConfig.conv(new Shape(3, 16, 12), new int[] {4, 8}, new int[] {32}, LATENT, Likelihood.BERNOULLI);
  }

  @Test
  void namesAndShapesAreTheFixtures() throws IOException {
    ParameterLayout layout = new ParameterLayout(config());
    Set<String> names = new HashSet<>();
    for (ParameterView v : layout.views()) {
      names.add(v.name());
      long[] shape = golden.require("param." + v.name(), "fixture").shape();
      assertEquals(java.util.Arrays.toString(shape), java.util.Arrays.toString(v.shape()), v.name());
    }
    assertEquals(18, names.size());
    assertTrue(names.containsAll(List.of("enc.conv.0.weight", "enc.conv.1.bias", "enc.fc.0.weight", "enc.mu.weight",
        "enc.logvar.bias", "dec.fc.0.weight", "dec.fc.1.bias", "dec.deconv.0.weight", "dec.deconv.1.bias")), "" + names);
  }

  @Test
  void threeTrainingStepsMatchPyTorch() throws IOException {
    VaeConfig config = config();
    ParameterLayout layout = new ParameterLayout(config);
    float[] initial = GoldenFixtureTest.initialParameters(golden, layout);
    Tensor params = backend.allocate(layout.size());
    backend.upload(initial, params);
    VaeNetwork net = new VaeNetwork(backend, config, layout, params);
    Workspace ws = net.workspace(BATCH, true);
    backend.upload(golden.require("x", "fixture").floats(), 0, ws.input(), 0, BATCH * PIXELS);
    AdamOptimizer adam = new AdamOptimizer(backend, layout.size());
    VaeNetwork.LayerGradients grads = net.new LayerGradients(adam.grads());
    AdamParams hyper = AdamParams.pytorchDefaults(1e-3);

    for (int step = 0; step < 3; step++) {
      String s = "step" + step + ".";
      backend.upload(golden.require("eps." + step, "fixture").floats(), 0, ws.eps(), 0, BATCH * LATENT);
      net.forward(ws, BATCH);
      net.lossesAndGradients(ws, BATCH, 1f, grads);

      double[] mu = golden.require(s + "mu", "fixture").values(), logvar = golden.require(s + "logvar", "fixture").values();
      float[] stats = backend.download(ws.stats());
      for (int r = 0; r < BATCH; r++) {
        for (int j = 0; j < LATENT; j++) {
          assertEquals(mu[r * LATENT + j], stats[r * 2 * LATENT + j], 1e-5, s + "mu");
          assertEquals(logvar[r * LATENT + j], stats[r * 2 * LATENT + LATENT + j], 1e-5, s + "logvar");
        }
      }
      assertRelative(golden.require(s + "z", "fixture").values(), backend.download(ws.z()), 1e-5, s + "z");
      assertRelative(golden.require(s + "logits", "fixture").values(), backend.download(ws.logits()), 1e-5, s + "logits");
      float[] recon = backend.download(ws.reconPerRow()), kl = backend.download(ws.klPerRow());
      double[] recon64 = golden.require(s + "recon", "fixture").values(), kl64 = golden.require(s + "kl", "fixture").values();
      double loss = 0;
      for (int r = 0; r < BATCH; r++) {
        assertEquals(recon64[r], recon[r], 1e-6 * recon64[r], s + "recon row " + r);
        assertEquals(kl64[r], kl[r], 1e-5 * kl64[r] + 1e-6, s + "kl row " + r);
        loss += (recon[r] + kl[r]) / BATCH;
      }
      double loss64 = golden.require(s + "loss", "fixture").values()[0];
      assertEquals(loss64, loss, 1e-6 * loss64, s + "loss");

      float[] g = backend.download(adam.grads());
      for (ParameterView v : layout.views()) {
        double[] expected = golden.require(s + "grad." + v.name(), "fixture").values();
        assertRelative(expected, slice(g, v), 1e-5, s + "grad." + v.name());
      }
      adam.step(params, hyper);
      float[] p = backend.download(params);
      for (ParameterView v : layout.views()) {
        double[] expected = golden.require(s + "after_adam." + v.name(), "fixture").values();
        float[] actual = slice(p, v);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        assertTrue(worst <= 1e-6, s + "after_adam." + v.name() + ": max abs error " + worst);
      }
    }
  }

  private static float[] slice(float[] all, ParameterView v) {
    float[] out = new float[(int) v.size()];
    System.arraycopy(all, (int) v.offset(), out, 0, out.length);
    return out;
  }

  /** Norm of the difference over norm of the expected value. */
  private static void assertRelative(double[] expected, float[] actual, double tolerance, String what) {
    double diff = 0, norm = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (expected[i] - actual[i]) * (expected[i] - actual[i]);
      norm += expected[i] * expected[i];
    }
    double rel = Math.sqrt(diff / norm);
    assertTrue(rel <= tolerance, what + ": relative error " + rel + " > " + tolerance);
  }
}
