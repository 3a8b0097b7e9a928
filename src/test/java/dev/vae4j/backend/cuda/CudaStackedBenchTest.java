package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Likelihood;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.bench.StackedSteps;
import dev.vae4j.model.VaeConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.global.cublas;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --models M} on CUDA, on the recording fake: the benchmark's stacked loop ({@link
 * StackedSteps}) records one CUDA graph per epoch and replays it once per step, each graph one
 * strided-batched GEMM (batch M) per layer GEMM and no plain GEMM, so a timed step of M models is
 * one graph launch; with {@code --tf32} those GEMMs' handle is set to TF32 math.
 */
class CudaStackedBenchTest {
  private static final VaeConfig CONFIG = VaeConfig.mlp(784, new int[] {400}, 20, Likelihood.BERNOULLI);

  @Test
  void oneGraphPerEpochOneLaunchPerStepOfAllTheModels() {
    int models = 3;
    List<String> lines = threeSteps(CudaOptions.defaults(), models);
    assertEquals(3, lines.stream().filter(l -> l.startsWith("cudaGraphLaunch ")).count(), String.join("\n", lines));
    List<String> gemms = lines.stream().filter(l -> l.strip().startsWith("cublasSgemm")).toList();
    // Two recorded epochs of 11 GEMMs (four forward, four weight gradients, three input gradients).
    assertEquals(22, gemms.size(), gemms.toString());
    for (String g : gemms) {
      assertTrue(g.startsWith("  cublasSgemmStridedBatched ") && g.endsWith(" batch=" + models), g);
    }
  }

  /** {@code bench --tf32}: the stacked GEMMs run on a cuBLAS handle set to TF32 tensor-core math. */
  @Test
  void tf32SetsTheHandlesMathModeTheStackedGemmsRunOn() {
    RecordingCuda fp32 = new RecordingCuda(), tf32 = new RecordingCuda();
    run(CudaOptions.defaults(), 2, fp32);
    run(CudaOptions.defaults().withTf32(true), 2, tf32);
    assertTrue(fp32.transcript().contains("cublasSetMathMode ") && !fp32.transcript().contains(
        "mode=" + cublas.CUBLAS_TF32_TENSOR_OP_MATH + "\n"), "FP32: default math");
    assertTrue(tf32.transcript().contains(" mode=" + cublas.CUBLAS_TF32_TENSOR_OP_MATH + "\n"),
        "TF32 math mode set");
  }

  /** The transcript lines of 3 timed stacked steps of {@code models} models. */
  private static List<String> threeSteps(CudaOptions options, int models) {
    RecordingCuda cuda = new RecordingCuda();
    run(options, models, cuda);
    List<String> lines = Arrays.asList(cuda.transcript().split("\n"));
    return lines.subList(lines.lastIndexOf("# steps") + 1, lines.lastIndexOf("# end"));
  }

  private static void run(CudaOptions options, int models, RecordingCuda cuda) {
    int batch = 128;
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    try {
      CudaBackend backend = new CudaBackend(options, CudaProbe.probe(cuda, image), cuda, image);
      try (backend) {
        // 256 images: two steps per epoch, so 3 steps record two graphs (the second epoch's on its first step).
        try (StackedSteps steps = new StackedSteps(backend, CONFIG, Benchmark.syntheticImages(256, 28, 28, 7), models,
            batch, 1)) {
          cuda.mark("steps");
          double seconds = steps.timed(3);
          assertTrue(seconds > 0);
          cuda.mark("end");
        }
      }
    } finally {
      cuda.releaseHostMemory();
    }
  }
}
