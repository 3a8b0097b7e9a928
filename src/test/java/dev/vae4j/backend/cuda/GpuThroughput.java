package dev.vae4j.backend.cuda;

import dev.vae4j.Benchmark;
import dev.vae4j.VaeConfig;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.model.Initializer;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeNetwork;
import dev.vae4j.model.Workspace;
import java.util.Locale;
import java.util.Random;

/**
 * Training throughput of the 784-400-20 VAE at batch 128, device-resident (data uploaded once,
 * losses summed on the device, no host sync per step), for the CUDA backend with and without
 * graph capture, and for the CPU backend as {@code vae4j bench} runs it. Run by {@code benchmarks/gpu-check.sh}; prints a
 * Markdown table. Lives with the tests so that a change to the model API breaks the build, not the
 * next GPU session.
 */
public final class GpuThroughput {
  private static final int BATCH = 128;
  /** An MNIST-sized epoch: 468 full batches. */
  private static final int STEPS_PER_EPOCH = 468;

  private static final int ROWS = STEPS_PER_EPOCH * BATCH;
  private static final VaeConfig CONFIG = new VaeConfig(784, new int[] {400}, 20, Likelihood.BERNOULLI);

  private GpuThroughput() {}

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    System.out.println("| backend | mode | samples/s | us/step |");
    System.out.println("| --- | --- | ---: | ---: |");
    CudaInfo info = CudaBackend.probe();
    if (info.available()) {
      row("cuda", "graph", new CudaBackend(new CudaOptions(0, false, true, false)), STEPS_PER_EPOCH, seconds);
      row("cuda", "no graph", new CudaBackend(new CudaOptions(0, false, false, false)), STEPS_PER_EPOCH, seconds);
      row("cuda", "graph, TF32", new CudaBackend(new CudaOptions(0, true, true, false)), STEPS_PER_EPOCH, seconds);
    } else {
      System.out.println("| cuda | unavailable: " + info.reason() + " | | |");
    }
    cpuRow();
  }

  /**
   * The CPU backend as users train on it ({@link Benchmark#run}: batch parts, one per core, after
   * 100 warm-up steps), not through this class's one-workspace step: on the 16-core H100 host that
   * step (every op split across all cores, OpenBLAS GEMMs, 3 s from a cold JVM) measured 5,900 to
   * 27,100 samples/s, which says little about the CPU backend.
   */
  private static void cpuRow() {
    try (CpuBackend cpu = new CpuBackend()) {
      Benchmark.Result r = Benchmark.run(cpu, Benchmark.syntheticImages(8192, 28, 28, 7),
          new Benchmark.Options(CONFIG, BATCH, 300, 100, 1));
      System.out.printf(Locale.ROOT, "| cpu | %d threads, %d parts | %,.0f | %.1f |%n",
          Runtime.getRuntime().availableProcessors(), cpu.batchParts(), r.samplesPerSecond(), 1e3 * r.msPerStep());
    }
  }

  private static void row(String name, String mode, Backend backend, int stepsPerRecording, double seconds) {
    try (backend) {
      double perSecond = measure(backend, stepsPerRecording, seconds);
      System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.1f |%n", name, mode, perSecond, 1e6 * BATCH / perSecond);
    }
  }

  /**
   * Samples per second of whole training steps, timed over about {@code seconds}, recording
   * {@code chunk} steps at a time (a divisor of {@link #STEPS_PER_EPOCH}; the trainer records one
   * per epoch).
   */
  private static double measure(Backend backend, int chunk, double seconds) {
    ParameterLayout layout = new ParameterLayout(CONFIG);
    Tensor params = backend.allocate(layout.size());
    backend.upload(Initializer.pytorchLinear(layout, 1), params);
    VaeNetwork network = new VaeNetwork(backend, CONFIG, layout, params);
    Workspace ws = network.workspace(BATCH, true);
    Tensor grads = backend.allocate(layout.size());
    Tensor m = backend.allocate(layout.size());
    Tensor v = backend.allocate(layout.size());
    VaeNetwork.LayerGradients views = network.new LayerGradients(grads);
    Tensor losses = backend.allocate(2);

    Random random = new Random(7);
    float[] host = new float[ROWS * CONFIG.inputSize()];
    for (int i = 0; i < host.length; i++) host[i] = random.nextFloat();
    Tensor data = backend.allocate(host.length);
    backend.upload(host, data);
    int[] perm = new int[ROWS];
    for (int i = 0; i < ROWS; i++) perm[i] = (int) ((i * 7919L) % ROWS);
    IndexTensor indices = backend.allocateIndices(ROWS);
    backend.uploadIndices(perm, indices);

    AdamParams hyper = AdamParams.pytorchDefaults(1e-3);
    long stepsTaken = 0; // feeds the noise streams and Adam's step, as in training
    long start = 0, timed = 0;
    for (int chunkIndex = 0; ; chunkIndex++) {
      long first = stepsTaken;
      int firstRow = (int) (first % STEPS_PER_EPOCH) * BATCH;
      try (Backend.RecordedStep step = backend.recordStep(k -> {
        backend.gatherRows(data, CONFIG.inputSize(), indices, firstRow + (int) (k * BATCH), BATCH, ws.input());
        backend.normalNoise(ws.eps(), 1234, first + k);
        network.forward(ws, BATCH);
        network.lossesAndGradients(ws, BATCH, 1f, views);
        backend.accumulateSum(ws.reconPerRow(), BATCH, losses, 0);
        backend.accumulateSum(ws.klPerRow(), BATCH, losses, 1);
        backend.adamUpdate(params, grads, m, v, hyper, first + k + 1);
      })) {
        for (int s = 0; s < chunk; s++) step.replay();
      }
      stepsTaken += chunk;
      if (chunkIndex == 0) { // warm-up: JIT, cuBLAS heuristics, first graph upload
        backend.synchronize();
        start = System.nanoTime();
        continue;
      }
      timed += chunk;
      double elapsed = (System.nanoTime() - start) / 1e9;
      if (elapsed > seconds) {
        backend.download(losses); // waits for every queued step
        return timed * BATCH / ((System.nanoTime() - start) / 1e9);
      }
    }
  }
}
