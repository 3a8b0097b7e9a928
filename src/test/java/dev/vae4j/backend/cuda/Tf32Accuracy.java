package dev.vae4j.backend.cuda;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.io.SafeTensors;
import dev.vae4j.model.AdamOptimizer;
import dev.vae4j.model.GoldenFixtureTest;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.VaeNetwork;
import dev.vae4j.model.Workspace;
import dev.vae4j.model.layer.ParameterView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What TF32 tensor cores cost in accuracy: the first training step of the golden fixture (a
 * 784-64-8 VAE, batch 16, PyTorch float64 reference; see {@code GoldenFixtureTest}) on the CPU,
 * on CUDA in FP32 and on CUDA with TF32, as relative errors (norm of the difference over the norm
 * of the reference) of the logits, the loss and each parameter's gradient. Run by {@code
 * benchmarks/gpu-check.sh}; prints a Markdown table for docs/gpu-results.md.
 */
public final class Tf32Accuracy {
  private static final int BATCH = 16, LATENT = 8;
  private static final VaeConfig CONFIG = VaeConfig.mlp(784, new int[] {64}, LATENT, Likelihood.BERNOULLI);

  private Tf32Accuracy() {}

  public static void main(String[] args) throws IOException {
    SafeTensors.Contents golden = GoldenFixtureTest.fixture();
    List<String> columns = new ArrayList<>(List.of("cpu"));
    List<double[]> errors = new ArrayList<>();
    errors.add(errors(new CpuBackend(), golden));
    CudaInfo info = CudaBackend.probe();
    if (info.available()) {
      columns.add("cuda FP32");
      errors.add(errors(new CudaBackend(CudaOptions.defaults().withGraphs(false)), golden));
      columns.add("cuda TF32");
      errors.add(errors(new CudaBackend(CudaOptions.defaults().withTf32(true).withGraphs(false)), golden));
    } else {
      System.out.println("CUDA unavailable: " + info.reason());
    }
    ParameterLayout layout = new ParameterLayout(CONFIG);
    List<String> rows = new ArrayList<>(List.of("logits", "loss"));
    for (ParameterView v : layout.views()) rows.add("grad " + v.name());
    System.out.println("| relative error vs float64 | " + String.join(" | ", columns) + " |");
    System.out.println("| --- |" + " ---: |".repeat(columns.size()));
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder("| " + rows.get(r) + " |");
      for (double[] e : errors) line.append(String.format(Locale.ROOT, " %.1e |", e[r]));
      System.out.println(line);
    }
  }

  /** Relative errors of the logits, the loss and each gradient after the fixture's first step. */
  private static double[] errors(Backend backend, SafeTensors.Contents golden) throws IOException {
    try (backend) {
      ParameterLayout layout = new ParameterLayout(CONFIG);
      float[] initial = GoldenFixtureTest.initialParameters(golden, layout);
      Tensor params = backend.allocate(layout.size());
      backend.upload(initial, params);
      VaeNetwork net = new VaeNetwork(backend, CONFIG, layout, params);
      Workspace ws = net.workspace(BATCH, true);
      backend.upload(golden.require("x", "fixture").floats(), 0, ws.input(), 0, BATCH * 784);
      backend.upload(golden.require("eps.0", "fixture").floats(), 0, ws.eps(), 0, BATCH * LATENT);
      AdamOptimizer adam = new AdamOptimizer(backend, layout.size());
      net.forward(ws, BATCH);
      net.lossesAndGradients(ws, BATCH, 1f, net.new LayerGradients(adam.grads()));
      List<Double> out = new ArrayList<>();
      out.add(relative(golden.require("step0.logits", "fixture").values(), backend.download(ws.logits())));
      float[] recon = backend.download(ws.reconPerRow()), kl = backend.download(ws.klPerRow());
      double loss = 0;
      for (int r = 0; r < BATCH; r++) loss += ((double) recon[r] + kl[r]) / BATCH;
      double loss64 = golden.require("step0.loss", "fixture").values()[0];
      out.add(Math.abs(loss - loss64) / Math.abs(loss64));
      float[] grads = backend.download(adam.grads());
      for (ParameterView v : layout.views()) {
        float[] g = new float[(int) v.size()];
        System.arraycopy(grads, (int) v.offset(), g, 0, g.length);
        out.add(relative(golden.require("step0.grad." + v.name(), "fixture").values(), g));
      }
      return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  private static double relative(double[] expected, float[] actual) {
    double diff = 0, norm = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (expected[i] - actual[i]) * (expected[i] - actual[i]);
      norm += expected[i] * expected[i];
    }
    return Math.sqrt(diff / norm);
  }
}
