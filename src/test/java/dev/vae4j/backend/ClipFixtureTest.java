package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.backend.cpu.CpuBackend;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link OptimizerOps#gradientSquaredNorm} then {@link OptimizerOps#clipGradients} against PyTorch
 * 1.13's {@code clip_grad_norm_} on float64 gradients, with max below and above their norm (fixture
 * written by {@code src/test/python/clip_fixture.py}): the flat buffer's global norm is the norm
 * over the parameter tensors that PyTorch computes, and the clipped gradients match.
 */
class ClipFixtureTest {

  @Test
  void matchesPyTorch() throws IOException {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("clip_fixture.json")) {
      root = new ObjectMapper().readTree(in);
    }
    float[] g = floats(root.get("gradients"));
    assertTrue(root.get("cases").size() >= 3, "fixture cases");
    try (Backend cpu = new CpuBackend()) {
      for (JsonNode c : root.get("cases")) {
        double max = c.get("max").asDouble();
        // The gradient in two parts, as a batch split over cores has it: part 0 plus a zero part.
        Tensor grads = cpu.allocate(g.length), zero = cpu.allocate(g.length), squared = cpu.allocate(1),
            sums = cpu.allocate(2);
        cpu.upload(g, grads);
        cpu.fill(zero, 0f);
        cpu.fill(sums, 0f);
        cpu.gradientSquaredNorm(new Tensor[] {grads, zero}, squared);
        cpu.clipGradients(grads, squared, max, sums);
        double norm = c.get("norm").asDouble();
        float reported = cpu.download(sums)[0];
        assertTrue(Math.abs(reported - norm) <= 1e-6 * norm, "max " + max + " norm: PyTorch " + norm + ", vae4j " + reported);
        float[] out = cpu.download(grads);
        for (int i = 0; i < out.length; i++) {
          double e = c.get("clipped").get(i).asDouble();
          assertTrue(Math.abs(e - out[i]) <= 1e-6 + 1e-6 * Math.abs(e),
              "max " + max + " gradient " + i + ": PyTorch " + e + ", vae4j " + out[i]);
        }
      }
    }
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
    return out;
  }
}
