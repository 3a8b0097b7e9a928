package dev.vae4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.Datasets;
import dev.vae4j.io.SafeTensors;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.Workspace;
import dev.vae4j.model.layer.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/pytorch-interop.md's snippet, run by PyTorch on model files vae4j wrote: PyTorch's
 * per-image reconstruction and KL terms (float64, same images and noise) match vae4j's float32
 * ones. Skipped without a Python that has torch, unless VAE4J_REQUIRE_TORCH=1 (CI).
 */
class PyTorchInteropTest {
  private static final int ROWS = 8;

  @TempDir Path dir;

  @Test
  void pyTorchLoadsOurModelFilesAndComputesOurLosses() throws Exception {
    String python = pythonWithTorch();
    Path script = dir.resolve("interop.py");
    Files.writeString(script, snippet() + """

        import sys
        results = []
        for model_file, batch_file in zip(sys.argv[1::2], sys.argv[2::2]):
            model = load_vae(model_file).double()
            batch, _ = load_safetensors(batch_file)
            recon, kl = vae_loss(model, batch["x"].double(), batch["eps"].double())
            results.append({"recon": recon.tolist(), "kl": kl.tolist()})
        print(json.dumps(results))
        """);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Dataset digits = Datasets.bundledDigits().test();
    List<VaeConfig> configs = List.of(
        VaeConfig.mlp(784, new int[] {48, 24}, 5, Likelihood.BERNOULLI),
        VaeConfig.mlp(784, new int[] {32}, 3, Likelihood.GAUSSIAN),
        VaeConfig.mlp(784, new int[] {32}, 3, Likelihood.CONTINUOUS_BERNOULLI),
        VaeConfig.mlp(784, new int[] {32}, 3, Likelihood.GAUSSIAN_LEARNED),
        VaeConfig.conv(new Shape(1, 28, 28), new int[] {4, 8}, new int[] {16}, 3, Likelihood.BERNOULLI),
        VaeConfig.conv(new Shape(1, 28, 28), new int[] {4}, new int[0], 2, Likelihood.GAUSSIAN_LEARNED));
    List<String> args = new ArrayList<>(List.of(python, script.toString()));
    List<double[][]> expected = new ArrayList<>();
    try (Backend backend = new CpuBackend()) {
      for (int c = 0; c < configs.size(); c++) {
        VaeConfig config = configs.get(c);
        Vae model = Vae.create(config, backend, seed + c);
        float[] params = model.parameters();
        for (int i = 0; i < params.length; i++) params[i] += (float) (0.05 * random.nextGaussian());
        model.setParameters(params);
        float[] x = new float[ROWS * 784], eps = new float[ROWS * config.latent()];
        for (int r = 0; r < ROWS; r++) {
          System.arraycopy(digits.image(random.nextInt(digits.count())), 0, x, r * 784, 784);
        }
        for (int i = 0; i < eps.length; i++) eps[i] = (float) random.nextGaussian();
        Path modelFile = dir.resolve("model" + c + ".safetensors"), batchFile = dir.resolve("batch" + c + ".safetensors");
        model.save(modelFile, Map.of());
        SafeTensors.write(batchFile, Map.of(), List.of(
            new SafeTensors.Tensor("x", new long[] {ROWS, 784}, x),
            new SafeTensors.Tensor("eps", new long[] {ROWS, config.latent()}, eps)));
        args.add(modelFile.toString());
        args.add(batchFile.toString());
        expected.add(losses(model, x, eps));
      }
    }

    ProcessBuilder builder = new ProcessBuilder(args).redirectError(dir.resolve("stderr.txt").toFile());
    builder.environment().put("OMP_NUM_THREADS", "1"); // tiny batches: threads only contend with the build
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "python timed out");
    assertEquals(0, process.exitValue(), "python failed: " + Files.readString(dir.resolve("stderr.txt")));
    JsonNode results = new ObjectMapper().readTree(out);
    for (int c = 0; c < configs.size(); c++) {
      for (int r = 0; r < ROWS; r++) {
        double recon = results.get(c).get("recon").get(r).asDouble(), kl = results.get(c).get("kl").get(r).asDouble();
        String what = configs.get(c) + " row " + r + " (seed " + seed + ")";
        // Plus an absolute 1e-4: a continuous-Bernoulli row's terms have both signs and can sum to
        // about 0, where float32's rounding of 784 terms of a few nats is all that is left.
        assertEquals(recon, expected.get(c)[0][r], 1e-5 * Math.abs(recon) + 1e-4, "recon of " + what);
        assertEquals(kl, expected.get(c)[1][r], 1e-5 * kl + 1e-5, "kl of " + what);
      }
    }
  }

  /** vae4j's per-row reconstruction and KL terms for images {@code x} and noise {@code eps}. */
  private static double[][] losses(Vae model, float[] x, float[] eps) {
    Backend backend = model.backend();
    Workspace ws = model.network().workspace(ROWS, false);
    try {
      backend.upload(x, 0, ws.input(), 0, x.length);
      backend.upload(eps, 0, ws.eps(), 0, eps.length);
      model.network().forward(ws, ROWS);
      model.network().losses(ws, ROWS);
      float[] recon = backend.download(ws.reconPerRow()), kl = backend.download(ws.klPerRow());
      double[][] out = new double[2][ROWS];
      for (int r = 0; r < ROWS; r++) {
        out[0][r] = recon[r];
        out[1][r] = kl[r];
      }
      return out;
    } finally {
      ws.release(backend);
    }
  }

  /** The Python code between the markers of docs/pytorch-interop.md, without the code fence. */
  static String snippet() throws IOException {
    String doc = Files.readString(Path.of("docs", "pytorch-interop.md"));
    int begin = doc.indexOf("<!-- pytorch-interop:begin -->"), end = doc.indexOf("<!-- pytorch-interop:end -->");
    assertTrue(begin >= 0 && end > begin, "docs/pytorch-interop.md has the snippet markers");
    String block = doc.substring(begin, end);
    return block.substring(block.indexOf("```python") + "```python".length(), block.lastIndexOf("```"));
  }

  /** A Python 3 with torch: VAE4J_PYTHON, Debian's /usr/bin/python3, or python3 on the PATH. */
  private static String pythonWithTorch() throws InterruptedException {
    List<String> candidates = new ArrayList<>();
    String configured = System.getenv("VAE4J_PYTHON");
    if (configured != null && !configured.isBlank()) candidates.add(configured);
    candidates.addAll(List.of("/usr/bin/python3", "python3"));
    for (String python : candidates) {
      try {
        Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return python;
      } catch (IOException e) {
        // not installed: try the next one
      }
    }
    boolean required = "1".equals(System.getenv("VAE4J_REQUIRE_TORCH"));
    assertTrue(!required, "VAE4J_REQUIRE_TORCH=1 but no Python with torch among " + candidates);
    Assumptions.abort("no Python with torch among " + candidates + " (apt-get install python3-torch)");
    return null;
  }
}
