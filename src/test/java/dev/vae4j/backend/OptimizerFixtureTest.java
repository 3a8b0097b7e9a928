package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.backend.cpu.CpuBackend;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link OptimizerOps#update} against PyTorch 1.13 itself: three steps of SGD (momentum 0.9,
 * weight decay), RMSprop, AdamW and Adam, with and without an L1 term on the weights (not the
 * biases), from the float64 fixture {@code src/test/python/optimizer_fixture.py} wrote.
 */
class OptimizerFixtureTest {

  @ParameterizedTest
  @ValueSource(strings = {"sgd:0.9", "sgd:0.9+l1", "rmsprop", "rmsprop+l1", "adamw+l1", "adam+l1"})
  void matchesPyTorch(String name) throws IOException {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("optimizer-fixture.json")) {
      root = new ObjectMapper().readTree(in);
    }
    JsonNode c = root.get("cases").get(name);
    double l1 = c.get("l1").asDouble();
    String rule = name.split("\\+")[0];
    OptimizerParams h = rule.equals("sgd:0.9") ? new SgdParams(0.1, 0.9, 0.01)
        : rule.equals("rmsprop") ? RmspropParams.pytorchDefaults(1e-2, 0.01)
        : new AdamParams(1e-2, 0.9, 0.999, 1e-8, 0.01, rule.equals("adamw"));
    float[] w = floats(root.get("weights")), b = floats(root.get("biases"));
    try (Backend cpu = new CpuBackend()) {
      Tensor[] wt = state(cpu, w), bt = state(cpu, b);
      for (int s = 0; s < 3; s++) {
        cpu.upload(floats(root.get("grads").get(s).get(0)), wt[3]);
        cpu.upload(floats(root.get("grads").get(s).get(1)), bt[3]);
        cpu.update(wt[0], new Tensor[] {wt[3]}, wt[1], wt[2], h, l1, s + 1);
        cpu.update(bt[0], new Tensor[] {bt[3]}, bt[1], bt[2], h, 0, s + 1); // biases: no L1
        compare(name + " step " + (s + 1) + " weight", c.get("steps").get(s).get(0), cpu.download(wt[0]));
        compare(name + " step " + (s + 1) + " bias", c.get("steps").get(s).get(1), cpu.download(bt[0]));
      }
    }
  }

  private static Tensor[] state(Backend backend, float[] p) {
    Tensor[] t = {backend.allocate(p.length), backend.allocate(p.length), backend.allocate(p.length),
        backend.allocate(p.length)};
    backend.upload(p, t[0]);
    backend.fill(t[1], 0f);
    backend.fill(t[2], 0f);
    return t;
  }

  private static void compare(String what, JsonNode expected, float[] actual) {
    for (int i = 0; i < actual.length; i++) {
      double e = expected.get(i).asDouble();
      assertTrue(Math.abs(e - actual[i]) <= 2e-6 + 2e-6 * Math.abs(e), what + " " + i + ": PyTorch " + e + ", vae4j " + actual[i]);
    }
  }

  private static float[] floats(JsonNode a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).asDouble();
    return f;
  }
}
