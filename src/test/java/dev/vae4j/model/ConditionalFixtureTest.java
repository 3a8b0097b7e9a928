package dev.vae4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.model.layer.ParameterView;
import dev.vae4j.model.layer.Shape;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * A conditional VAE's losses and gradients against PyTorch's float64 computation of the same model
 * (the one-hot after x and after z, src/test/python/conditional_fixture.py): the names and [H, D +
 * C] / [H, L + C] layouts are PyTorch's, and the float32 step agrees to 1e-5 relative.
 */
class ConditionalFixtureTest {
  @Test
  void lossesAndGradientsMatchPyTorch() throws Exception {
    JsonNode f;
    try (InputStream in = getClass().getResourceAsStream("/dev/vae4j/model/conditional_fixture.json")) {
      f = new ObjectMapper().readTree(in);
    }
    int d = f.get("D").asInt(), h = f.get("H").asInt(), latent = f.get("L").asInt(), classes = f.get("C").asInt();
    int rows = f.get("B").asInt();
    VaeConfig config = VaeConfig.mlp(Shape.flat(d), new int[] {h}, latent, Likelihood.BERNOULLI)
        .withConditioning(Conditioning.of(classes));
    ParameterLayout layout = new ParameterLayout(config);
    float[] p = new float[(int) layout.size()];
    for (ParameterView v : layout.views()) {
      float[] values = floats(f.get("params").get(v.name()));
      assertEquals(v.size(), values.length, v.name());
      System.arraycopy(values, 0, p, (int) v.offset(), values.length);
    }
    try (Backend backend = new CpuBackend()) {
      Tensor params = backend.allocate(layout.size());
      backend.upload(p, params);
      VaeNetwork net = new VaeNetwork(backend, config, layout, params);
      Workspace ws = net.workspace(rows, true);
      int[] labels = new int[rows];
      for (int i = 0; i < rows; i++) labels[i] = f.get("labels").get(i).asInt();
      IndexTensor lab = backend.allocateIndices(rows);
      backend.uploadIndices(labels, lab);
      ws.condition(lab, null, 0);
      backend.upload(floats(f.get("x")), ws.input());
      backend.upload(floats(f.get("eps")), ws.eps());
      Tensor grads = backend.allocate(layout.size());
      net.forward(ws, rows);
      net.lossesAndGradients(ws, rows, (float) f.get("beta").asDouble(), net.new LayerGradients(grads));
      float[] recon = backend.download(ws.reconPerRow()), kl = backend.download(ws.klPerRow());
      for (int r = 0; r < rows; r++) {
        double er = f.get("recon").get(r).asDouble(), ek = f.get("kl").get(r).asDouble();
        assertEquals(er, recon[r], 1e-5 * Math.abs(er) + 1e-6, "recon row " + r);
        assertEquals(ek, kl[r], 1e-5 * Math.abs(ek) + 1e-6, "kl row " + r);
      }
      float[] g = backend.download(grads);
      for (ParameterView v : layout.views()) {
        JsonNode expected = f.get("grads").get(v.name());
        double diff = 0, norm = 0;
        for (int i = 0; i < v.size(); i++) {
          double e = expected.get(i).asDouble(), a = g[(int) v.offset() + i];
          diff += (e - a) * (e - a);
          norm += e * e;
        }
        double relative = Math.sqrt(diff / Math.max(norm, 1e-30));
        assertEquals(0, relative, 1e-5, v.name() + ": gradient relative error " + relative);
      }
    }
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
    return out;
  }
}
