package dev.vae4j.jmh;

import dev.vae4j.Vae;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.VaeNetwork;
import dev.vae4j.model.Workspace;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Inference with the default 784-400-20 model: encode a batch of {@code batch} Fashion-MNIST (or
 * synthetic) images already in the backend, sample z, decode to logits; reported as samples/s.
 */
public class InferenceBenchmark extends OnBackend {
  @Param({"cpu", "cuda"})
  public String backend;

  @Override
  protected String backendName() {
    return backend;
  }

  @Param({"1000"})
  public int batch;

  private VaeNetwork network;
  private Workspace workspace;

  @Override
  protected void prepare() throws IOException {
    network = Vae.create(VaeConfig.mnistDefault(), device, 1).network();
    workspace = network.workspace(batch, false);
    Dataset data = TrainingBenchmark.fashionMnistOrSynthetic();
    device.upload(data.pixels(), 0, workspace.input(), 0, batch * 784);
    device.normalNoise(workspace.eps(), 1, 1);
  }

  @Override
  protected void cleanup() {
    workspace.release(device);
  }

  @Benchmark
  public void encodeDecode(Counters.Samples samples) {
    int reps = repeats();
    for (int i = 0; i < reps; i++) {
      network.forwardInParts(workspace, batch);
    }
    finish();
    samples.samples += (double) reps * batch;
  }
}
