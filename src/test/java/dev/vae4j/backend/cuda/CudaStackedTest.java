package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.StackModels;
import dev.vae4j.backend.Tensor;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.StackedTrainingStep;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link CudaStacked}'s host logic on the recording fake: a {@link StackedTrainingStep} of M models
 * asks the GPU for one strided-batched GEMM (batch M, strides the models' blocks) per layer GEMM, no
 * plain GEMM, and one kernel launch per elementwise op, the same launches for 2 models as for 7;
 * each stacked launch fills its kernel's PTX signature; the models' table is uploaded once.
 */
class CudaStackedTest {
  private static final VaeConfig CONFIG = VaeConfig.mlp(784, new int[] {400}, 20, Likelihood.BERNOULLI);
  private static final int BATCH = 128;

  /** The transcript lines of one stacked step of {@code models} models. */
  private static List<String> step(int models, RecordingCuda cuda) {
    return step(models, false, cuda);
  }

  /** As {@link #step(int, RecordingCuda)}, or two replays of a recorded step (a CUDA graph). */
  private static List<String> step(int models, boolean recorded, RecordingCuda cuda) {
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    try {
      CudaBackend backend = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
      try {
        List<Vae> stack = new ArrayList<>();
        long[] seeds = new long[models];
        float[] betas = new float[models];
        AdamParams[] adam = new AdamParams[models];
        for (int i = 0; i < models; i++) {
          stack.add(Vae.create(CONFIG, backend, i));
          seeds[i] = 100 + i;
          betas[i] = 1f + i;
          adam[i] = AdamParams.pytorchDefaults(1e-3 * (i + 1));
        }
        Tensor images = backend.allocate(256L * 784);
        IndexTensor order = backend.allocateIndices(models * 256);
        backend.uploadIndices(new int[models * 256], order);
        cuda.mark("allocate");
        StackedTrainingStep step = StackedTrainingStep.allocate(stack, BATCH, new StackModels(seeds, betas, adam));
        cuda.mark("step");
        if (recorded) {
          try (var graph = backend.recordStep(k -> step.run(images, order, (int) k * BATCH, BATCH, 1 + k))) {
            graph.replay();
            graph.replay();
          }
        } else {
          step.run(images, order, BATCH, BATCH, 2);
        }
        cuda.mark("end");
        step.release();
        backend.synchronize();
      } finally {
        backend.close();
      }
    } finally {
      cuda.releaseHostMemory();
    }
    List<String> lines = Arrays.asList(cuda.transcript().split("\n"));
    return lines.subList(lines.lastIndexOf("# allocate") + 1, lines.lastIndexOf("# end"));
  }

  private static List<String> between(List<String> lines, String from) {
    return lines.subList(lines.indexOf("# " + from) + 1, lines.size());
  }

  /** Launches by kernel symbol, counted. */
  private static Map<String, Integer> launches(List<String> lines) {
    Map<String, Integer> count = new TreeMap<>();
    for (String l : lines) {
      String s = l.strip();
      if (s.startsWith("cuLaunchKernel ")) count.merge(s.split(" ")[1], 1, Integer::sum);
    }
    return count;
  }

  @Test
  void oneBatchedGemmPerLayerGemmAndOneLaunchPerOp() {
    for (int models : new int[] {2, 7}) {
      List<String> lines = between(step(models, new RecordingCuda()), "step");
      List<String> gemms = lines.stream().filter(l -> l.strip().startsWith("cublasSgemm")).toList();
      // Three dense layers (784-400, heads 400-40, 20-400, 400-784): four forward GEMMs, four weight
      // gradients and three input gradients (the first layer needs none).
      assertEquals(11, gemms.size(), gemms.toString());
      for (String g : gemms) {
        assertTrue(g.strip().startsWith("cublasSgemmStridedBatched ") && g.endsWith(" batch=" + models), g);
      }
      // The first forward GEMM: column-major C^T [400, 128] = W [400, 784] (transposed) x^T, model
      // blocks of 128 x 784 inputs, padded parameter strides and 128 x 400 outputs.
      long stride = (784L * 400 + 400 + 400 * 40 + 40 + 20 * 400 + 400 + 400 * 784 + 784 + 63) / 64 * 64;
      assertTrue(gemms.get(0).contains(" TN m=400 n=128 k=784 ") && gemms.get(0).contains(" strideA=" + stride + " ")
          && gemms.get(0).contains(" strideB=" + 128 * 784 + " ") && gemms.get(0).contains(" strideC=" + 128 * 400 + " "),
          gemms.get(0));
      Map<String, Integer> expected = new TreeMap<>(Map.of(
          "vae4j_stacked_normal_noise", 1, "vae4j_gather_rows", 1, "vae4j_stacked_bias_activation", 4,
          "vae4j_reparameterize", 1, "vae4j_bernoulli_loss", 1, "vae4j_stacked_kl_divergence", 1,
          "vae4j_stacked_activation_backward", 4, "vae4j_reparameterize_backward", 1, "vae4j_stacked_loss_sums", 1,
          "vae4j_stacked_adam", 1));
      assertEquals(expected, launches(lines), models + " models");
      assertTrue(lines.stream().noneMatch(l -> l.contains("cuMemcpy") || l.contains("cudaMemcpy")),
          "no copies inside the step: " + lines);
    }
  }

  @Test
  void aRecordedStackedStepReadsItsNoiseStreamAndAdamStepFromTheGraphsCounter() {
    List<String> lines = between(step(3, true, new RecordingCuda()), "step");
    assertEquals(2, lines.stream().filter(l -> l.startsWith("cudaGraphLaunch ")).count(), lines.toString());
    for (String kernel : new String[] {"vae4j_stacked_normal_noise", "vae4j_stacked_adam", "vae4j_gather_rows"}) {
      List<String> captured = lines.stream().filter(l -> l.startsWith("  cuLaunchKernel " + kernel + " ")).toList();
      assertEquals(1, captured.size(), kernel + " captured once: " + lines);
      // The dynamic slot's last word, the stride per replay: 1 step (gatherRows: 3 models x 128 rows).
      String stride = kernel.equals("vae4j_gather_rows") ? "l:8001000000000000" : "l:0100000000000000";
      assertTrue(captured.get(0).contains(" " + stride), captured.get(0));
    }
  }

  @Test
  void theModelsTableIsUploadedOnceWithTheStep() {
    List<String> lines = step(3, new RecordingCuda());
    List<String> made = lines.subList(0, lines.indexOf("# step"));
    long uploads = made.stream().filter(l -> l.contains("H2D") && l.contains("bytes=" + 3 * CudaStacked.TABLE_WORDS * 4 + " ")).count();
    assertEquals(1, uploads, made.toString());
  }

  @Test
  void tableWordsFollowTheKernelsStruct() {
    StackModels one = new StackModels(new long[] {0x1234_5678_9abc_def0L}, new float[] {0.5f},
        new AdamParams[] {new AdamParams(1e-3, 0.9, 0.999, 1e-8, 0.01, true)});
    int[] w = CudaStacked.table(one);
    assertEquals(CudaStacked.TABLE_WORDS, w.length);
    assertEquals(0x9abc_def0, w[0]);
    assertEquals(0x1234_5678, w[1]);
    assertEquals(Double.doubleToRawLongBits(1e-3), (w[2] & 0xffffffffL) | ((long) w[3] << 32));
    assertEquals(Float.floatToRawIntBits(0.9f), w[8]);
    assertEquals(Float.floatToRawIntBits((float) (1 - 1e-3 * 0.01)), w[14]);
    assertEquals(Float.floatToRawIntBits(0.5f), w[15]);
    assertEquals(2, w[16]);
  }

  @Test
  void stackedLaunchesFillTheirPtxSignatures() {
    KernelImage image = KernelImage.load();
    assumeTrue(image != null, "this build has no CUDA kernels (nvcc was not found at build time)");
    Map<String, List<String>> signatures =
        CudaTranscriptTest.ptxSignatures(new String(image.fatbin(), StandardCharsets.ISO_8859_1));
    RecordingCuda cuda = new RecordingCuda();
    step(2, cuda);
    int checked = 0;
    for (RecordingCuda.Launch launch : cuda.launches()) {
      if (!launch.symbol().startsWith("vae4j_stacked_")) continue;
      List<String> types = signatures.get(launch.symbol());
      assertEquals(types.size(), launch.kinds().length(), launch.symbol());
      for (int i = 0; i < types.size(); i++) {
        char kind = launch.kinds().charAt(i);
        String type = types.get(i);
        boolean fits = switch (kind) {
          case 'p', 'l' -> type.equals(".u64") || type.equals(".s64") || type.equals(".b64");
          case 'i' -> type.equals(".u32") || type.equals(".s32") || type.equals(".b32");
          case 'f' -> type.equals(".f32");
          case 'd' -> type.equals(".f64");
          default -> false;
        };
        assertTrue(fits, launch.symbol() + " argument " + i + ": " + kind + " for " + type);
      }
      checked++;
    }
    assertEquals(12, checked);
  }
}
