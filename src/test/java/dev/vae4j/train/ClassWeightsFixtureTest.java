package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.VaeNetwork;
import dev.vae4j.model.Workspace;
import dev.vae4j.model.layer.ParameterView;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code --class-weights auto} against PyTorch 1.13 in float64 (fixture written by {@code
 * src/test/python/class_weights_fixture.py}): {@link ClassWeights#AUTO}'s weights are scikit-learn's
 * "balanced" ones, and the network's weighted per-row losses and gradient, with those weights
 * gathered per row, are PyTorch's gradient of {@code sum_r w_r (recon_r + beta KL_r) / rows}.
 */
class ClassWeightsFixtureTest {

  @Test
  void matchesPyTorch() throws IOException {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("class_weights_fixture.json")) {
      root = new ObjectMapper().readTree(in);
    }
    int d = root.get("input").asInt(), rows = root.get("rows").asInt(), latent = root.get("latent").asInt();
    float beta = (float) root.get("beta").asDouble();
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) labels[r] = root.get("labels").get(r).asInt();
    float[] weights = ClassWeights.AUTO.perImage(IntStream.range(0, rows).toArray(), labels, 2);
    for (int r = 0; r < rows; r++) {
      close(root.get("weights").get(r).asDouble(), weights[r], 1e-7, "auto weight of row " + r);
    }
    VaeConfig config = VaeConfig.mlp(d, new int[] {root.get("hidden").asInt()}, latent, Likelihood.BERNOULLI);
    ParameterLayout layout = new ParameterLayout(config);
    float[] p = new float[(int) layout.size()];
    for (ParameterView v : layout.views()) {
      JsonNode values = root.get("parameters").get(v.name());
      assertTrue(values != null && values.size() == v.size(), v.name());
      for (int i = 0; i < v.size(); i++) p[(int) v.offset() + i] = (float) values.get(i).asDouble();
    }
    try (Backend cpu = new CpuBackend()) {
      Tensor params = cpu.allocate(layout.size()), grads = cpu.allocate(layout.size()), w = cpu.allocate(rows);
      cpu.upload(p, params);
      cpu.upload(weights, w);
      VaeNetwork net = new VaeNetwork(cpu, config, layout, params);
      Workspace ws = net.workspace(rows, true);
      cpu.upload(floats(root.get("x")), ws.input());
      cpu.upload(floats(root.get("eps")), ws.eps());
      net.forward(ws, rows);
      net.lossesAndGradients(ws, rows, rows, beta, net.new LayerGradients(grads), null, w);
      float[] recon = new float[rows], kl = new float[rows];
      cpu.download(ws.reconPerRow(), 0, recon, 0, rows);
      cpu.download(ws.klPerRow(), 0, kl, 0, rows);
      for (int r = 0; r < rows; r++) {
        close(root.get("weighted_loss_per_row").get(r).asDouble(), recon[r] + beta * kl[r], 1e-5, "weighted loss of row " + r);
      }
      float[] g = cpu.download(grads);
      for (ParameterView v : layout.views()) {
        JsonNode expected = root.get("gradients").get(v.name());
        for (int i = 0; i < v.size(); i++) {
          close(expected.get(i).asDouble(), g[(int) v.offset() + i], 1e-4, v.name() + "[" + i + "] gradient");
        }
      }
    }
  }

  /** Relative to the value, with an absolute floor of the same size for values near zero. */
  private static void close(double expected, double actual, double tol, String what) {
    assertTrue(Math.abs(expected - actual) <= tol * (1 + Math.abs(expected)), what + ": PyTorch " + expected + ", vae4j " + actual);
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
    return out;
  }
}
