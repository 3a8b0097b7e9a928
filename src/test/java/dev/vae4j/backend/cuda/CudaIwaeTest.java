package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.Tensor;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.TrainingStep;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The host side of a training step on the IWAE-5 bound on the recording fake: the default model
 * (784-400-20, batch 128) captured as one CUDA graph with the five {@code native/iwae.cu} kernels in
 * the step's order, their shapes as arguments, no host round trip inside the capture, and every
 * launch filling its kernel's PTX signature.
 */
class CudaIwaeTest {
  private static final int BATCH = 128, DRAWS = 5, LATENT = 20;

  private static String i32(int v) {
    return String.format("i:%02x%02x%02x%02x", v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24);
  }

  /** The transcript of one recorded IWAE step and one replay. */
  private static String record(RecordingCuda cuda) {
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    try {
      CudaBackend backend = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
      try {
        Vae vae = Vae.create(VaeConfig.mnistDefault(), backend, 1);
        Tensor images = backend.allocate((long) BATCH * 784);
        IndexTensor order = backend.allocateIndices(BATCH);
        int[] rows = new int[BATCH];
        Arrays.setAll(rows, i -> i);
        backend.uploadIndices(rows, order);
        TrainingStep step = TrainingStep.allocate(vae, BATCH, 0, 0, 0f, false, DRAWS);
        OptimizerParams hyper = TrainOptions.defaults().optimizer().hyper(1e-3, 0);
        cuda.mark("iwae step");
        try (Backend.RecordedStep recorded = backend.recordStep(k -> step.run(images, order, 0, BATCH, 1L, 1 + k, 1f, hyper))) {
          recorded.replay();
        }
        backend.download(step.lossSums());
        cuda.mark("done");
        step.release();
      } finally {
        backend.close();
      }
      return cuda.transcript();
    } finally {
      cuda.releaseHostMemory();
    }
  }

  @Test
  void theStepIsOneGraphWithTheIwaeKernelsInOrder() {
    List<String> lines = Arrays.asList(record(new RecordingCuda()).split("\n"));
    List<String> step = lines.subList(lines.indexOf("# iwae step") + 1, lines.indexOf("# done"));
    int begin = indexOf(step, "cudaStreamBeginCapture"), end = indexOf(step, "cudaStreamEndCapture");
    assertTrue(begin >= 0 && end > begin, "one capture: " + step);
    List<String> captured = step.subList(begin + 1, end);
    assertTrue(captured.stream().noneMatch(l -> l.contains("Memcpy") && l.contains("DtoH")), "no download inside the capture");
    String[] order = {"vae4j_iwae_reparameterize", "vae4j_repeat_rows", "vae4j_iwae_weights", "vae4j_scale_draws",
        "vae4j_iwae_latent_backward"};
    int last = -1;
    for (String kernel : order) {
      int at = indexOf(captured, "cuLaunchKernel " + kernel + " ");
      assertTrue(at > last, kernel + " after the one before it: " + captured);
      last = at;
    }
    assertEquals(-1, indexOf(captured, "cuLaunchKernel vae4j_reparameterize "), "not the ELBO's reparameterization");
    String weights = captured.get(indexOf(captured, "cuLaunchKernel vae4j_iwae_weights "));
    assertTrue(weights.contains(i32(BATCH) + " " + i32(DRAWS) + " " + i32(LATENT) + " "), "rows, draws, latent: " + weights);
    String repeat = captured.get(indexOf(captured, "cuLaunchKernel vae4j_repeat_rows "));
    assertTrue(repeat.contains(i32(BATCH) + " " + i32(784) + " " + i32(DRAWS)), "rows, cols, draws: " + repeat);
    long sums = captured.stream().filter(l -> l.contains("cuLaunchKernel vae4j_accumulate_sum ")).count();
    assertEquals(3, sums, "recon, KL and the bound summed on the device");
  }

  @Test
  void everyLaunchFillsItsKernelsPtxSignature() {
    KernelImage image = KernelImage.load();
    assumeTrue(image != null, "this build has no CUDA kernels (nvcc was not found at build time)");
    Map<String, List<String>> signatures =
        CudaTranscriptTest.ptxSignatures(new String(image.fatbin(), StandardCharsets.ISO_8859_1));
    RecordingCuda cuda = new RecordingCuda();
    record(cuda);
    assertFalse(cuda.launches().isEmpty());
    for (RecordingCuda.Launch launch : cuda.launches()) {
      List<String> types = signatures.get(launch.symbol());
      assertEquals(types.size(), launch.kinds().length(), launch.symbol() + ": parameters filled");
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
        assertTrue(fits, launch.symbol() + " parameter " + i + " is " + type + " in the PTX but filled as " + kind);
      }
    }
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(text)) return i;
    return -1;
  }
}
