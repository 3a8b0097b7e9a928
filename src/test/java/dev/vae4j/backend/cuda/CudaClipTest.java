package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Tensor;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.EpochOrder;
import dev.vae4j.train.ResidentImages;
import dev.vae4j.train.TrainingStep;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link CudaOptimizer#gradientSquaredNorm} and {@link CudaOptimizer#clipGradients}' host logic on
 * the recording fake: two launches ({@code clip.cu}'s one-block sum of squares, then the
 * elementwise scale with MAX as a double), no copy back to the host and no synchronization between
 * them, so that a recorded step (a CUDA graph) captures and replays them; gradient parts are added
 * first; each launch fills its kernel's PTX signature; the trainer's clipped step is captured whole.
 */
class CudaClipTest {

  /** The transcript lines after the mark, of clipping {@code parts} parts, optionally inside a recorded step. */
  private static List<String> transcript(int parts, boolean recorded, RecordingCuda cuda) {
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    try {
      CudaBackend backend = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
      try {
        Tensor[] g = new Tensor[parts];
        for (int q = 0; q < parts; q++) g[q] = backend.allocate(1000);
        Tensor squared = backend.allocate(1), sums = backend.allocate(2);
        cuda.mark("clip");
        if (recorded) {
          try (Backend.RecordedStep step = backend.recordStep(k -> clip(backend, g, squared, sums))) {
            step.replay();
          }
        } else {
          clip(backend, g, squared, sums);
        }
        cuda.mark("end");
        backend.synchronize();
      } finally {
        backend.close();
      }
    } finally {
      cuda.releaseHostMemory();
    }
    List<String> lines = Arrays.asList(cuda.transcript().split("\n"));
    return lines.subList(lines.lastIndexOf("# clip") + 1, lines.lastIndexOf("# end"));
  }

  private static void clip(CudaBackend backend, Tensor[] g, Tensor squared, Tensor sums) {
    backend.gradientSquaredNorm(g, squared);
    backend.clipGradients(g[0], squared, 1.5, sums);
  }

  private static List<String> launches(List<String> lines) {
    return lines.stream().filter(l -> l.strip().startsWith("cuLaunchKernel")).toList();
  }

  @Test
  void twoLaunchesWithoutAHostRoundTrip() {
    List<String> lines = transcript(1, false, new RecordingCuda());
    List<String> l = launches(lines);
    assertEquals(2, l.size(), l.toString());
    assertTrue(l.get(0).contains("vae4j_gradient_squared_norm grid=1,1,1 "), l.get(0));
    assertTrue(l.get(1).contains("vae4j_clip_gradients "), l.get(1));
    assertTrue(l.get(1).contains(" d:000000000000f83f "), "MAX 1.5 as a double: " + l.get(1));
    for (String line : lines) {
      assertFalse(line.contains("D2H") || line.contains("Synchronize"), "a host round trip: " + line);
    }
  }

  @Test
  void gradientPartsAreAddedFirst() {
    List<String> l = transcript(2, false, new RecordingCuda()).stream()
        .filter(s -> s.contains("cuLaunchKernel") || s.contains("cublas")).toList();
    assertTrue(l.size() > 2, "an addInto before the norm: " + l);
    assertTrue(l.get(l.size() - 2).contains("vae4j_gradient_squared_norm "), l.toString());
  }

  @Test
  void aRecordedStepCapturesAndReplaysThem() {
    List<String> lines = transcript(1, true, new RecordingCuda());
    String text = String.join("\n", lines);
    assertTrue(text.contains("vae4j_gradient_squared_norm") && text.contains("vae4j_clip_gradients"), text);
    assertTrue(text.contains("cudaGraphLaunch"), "replayed as a graph: " + text);
    for (String line : lines) assertFalse(line.contains("D2H"), "a host round trip: " + line);
  }

  @Test
  void launchesFillTheirPtxSignatures() {
    KernelImage image = KernelImage.load();
    assumeTrue(image != null, "this build has no CUDA kernels (nvcc was not found at build time)");
    Map<String, List<String>> signatures =
        CudaTranscriptTest.ptxSignatures(new String(image.fatbin(), StandardCharsets.ISO_8859_1));
    RecordingCuda cuda = new RecordingCuda();
    transcript(1, false, cuda);
    int checked = 0;
    for (RecordingCuda.Launch launch : cuda.launches()) {
      if (!launch.symbol().equals("vae4j_gradient_squared_norm") && !launch.symbol().equals("vae4j_clip_gradients")) {
        continue;
      }
      List<String> types = signatures.get(launch.symbol());
      assertEquals(types.size(), launch.kinds().length(), launch.symbol());
      for (int i = 0; i < types.size(); i++) {
        char kind = launch.kinds().charAt(i);
        String type = types.get(i);
        boolean fits = switch (kind) {
          case 'p', 'l' -> type.equals(".u64") || type.equals(".s64") || type.equals(".b64");
          case 'd' -> type.equals(".f64");
          default -> false;
        };
        assertTrue(fits, launch.symbol() + " parameter " + i + " is " + type + " but filled as " + kind);
      }
      checked++;
    }
    assertEquals(2, checked);
  }

  /**
   * The trainer's step with clipping on, recorded as the CUDA graph: the norm and the scale run
   * after the backward pass and before Adam, inside the capture, and neither the recording nor its
   * replay copies anything back to the host.
   */
  @Test
  void aClippedTrainingStepIsCapturedWhole() {
    RecordingCuda cuda = new RecordingCuda();
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    try {
      CudaBackend backend = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
      try {
        Vae vae = Vae.create(VaeConfig.mnistDefault(), backend, 1);
        int batch = 64;
        byte[] pixels = new byte[batch * 28 * 28];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) random.nextInt(256);
        Tensor images = ResidentImages.upload(backend, 784, Dataset.ofBytes("clip", pixels, null, batch, 28, 28));
        IndexTensor order = backend.allocateIndices(batch);
        backend.uploadIndices(EpochOrder.shuffledRange(batch, new SplittableRandom(1)), order);
        TrainingStep training = TrainingStep.allocate(vae, batch, 0, 1.0);
        AdamParams hyper = AdamParams.pytorchDefaults(1e-3);
        cuda.mark("clip");
        try (Backend.RecordedStep step = backend.recordStep(k -> training.run(images, order, 0, batch, 1, 1 + k, 1f, hyper))) {
          step.replay();
        }
        cuda.mark("end");
        training.release();
      } finally {
        backend.close();
      }
    } finally {
      cuda.releaseHostMemory();
    }
    List<String> all = Arrays.asList(cuda.transcript().split("\n"));
    List<String> lines = all.subList(all.lastIndexOf("# clip") + 1, all.lastIndexOf("# end"));
    List<String> symbols = launches(lines).stream().map(l -> l.strip().split(" ")[1]).toList();
    int norm = symbols.lastIndexOf("vae4j_gradient_squared_norm"), scale = symbols.lastIndexOf("vae4j_clip_gradients");
    int adam = symbols.lastIndexOf("vae4j_adam");
    assertTrue(norm >= 0 && norm < scale && scale < adam, "norm, scale, then Adam: " + symbols);
    assertTrue(String.join("\n", lines).contains("cudaGraphLaunch"), "replayed as a graph");
    for (String line : lines) assertFalse(line.contains("D2H"), "a host round trip: " + line);
  }
}
