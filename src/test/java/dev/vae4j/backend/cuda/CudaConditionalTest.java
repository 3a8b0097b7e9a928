package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Tensor;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.Conditioning;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.EpochOrder;
import dev.vae4j.train.ResidentImages;
import dev.vae4j.train.ResidentLabels;
import dev.vae4j.train.TrainingStep;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The conditional VAE's ops ({@code onehot.cu}) on the recording fake: {@code appendOneHot} is one
 * launch with the labels, the order and its first position (from the device counter inside a
 * recorded step, as the row gather's), its backward one launch; a conditional model's training
 * step is captured whole, with no copy to the host; each launch fills its kernel's PTX signature.
 */
class CudaConditionalTest {

  /** The transcript lines between the marks around {@code body}. */
  static List<String> transcript(RecordingCuda cuda, Consumer<CudaBackend> body) {
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    try {
      CudaBackend backend = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
      try {
        cuda.mark("body");
        body.accept(backend);
        cuda.mark("end");
        backend.synchronize();
      } finally {
        backend.close();
      }
    } finally {
      cuda.releaseHostMemory();
    }
    List<String> lines = Arrays.asList(cuda.transcript().split("\n"));
    return lines.subList(lines.lastIndexOf("# body") + 1, lines.lastIndexOf("# end"));
  }

  private static List<String> launches(List<String> lines, String symbol) {
    return lines.stream().filter(l -> l.strip().startsWith("cuLaunchKernel") && l.contains(symbol + " ")).toList();
  }

  private static String i32(int v) {
    return String.format("i:%02x%02x%02x%02x", v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24);
  }

  @Test
  void appendOneHotIsOneLaunchWithItsShape() {
    List<String> lines = transcript(new RecordingCuda(), b -> {
      IndexTensor labels = b.allocateIndices(6), order = b.allocateIndices(6);
      b.uploadIndices(new int[] {0, 1, 2, 3, 2, 1}, labels);
      b.uploadIndices(new int[] {5, 4, 3, 2, 1, 0}, order);
      Tensor src = b.allocate(4 * 7), dst = b.allocate(4 * 11);
      b.appendOneHot(src, 7, labels, order, 2, 4, 4, dst);
      b.appendOneHot(src, 7, labels, null, 1, 4, 4, dst);
      b.appendOneHotBackward(dst, 7, 4, 4, src);
    });
    List<String> append = launches(lines, "vae4j_append_one_hot");
    assertEquals(2, append.size(), lines.toString());
    assertTrue(append.get(0).contains(i32(7) + " p@"), "width, then the labels: " + append.get(0));
    assertTrue(append.get(0).contains(" " + i32(6) + " pnull l:0200000000000000 l:0000000000000000 " + i32(4) + " "
        + i32(4) + " p@"), "6 order positions, no counter, first 2, 4 rows, 4 classes: " + append.get(0));
    assertTrue(append.get(1).contains(" pnull " + i32(0) + " pnull l:0100000000000000 "), "no order: " + append.get(1));
    List<String> backward = launches(lines, "vae4j_append_one_hot_backward");
    assertEquals(1, backward.size(), lines.toString());
    assertTrue(backward.get(0).contains(i32(7) + " " + i32(4) + " " + i32(4) + " p@"), backward.get(0));
  }

  /** A label the classes do not hold is the host's error, as the CPU's, not a GPU read out of range. */
  @Test
  void aBadLabelIsRefusedOnTheHost() {
    transcript(new RecordingCuda(), b -> {
      IndexTensor labels = b.allocateIndices(3);
      b.uploadIndices(new int[] {0, 5, 1}, labels);
      Tensor src = b.allocate(3 * 2), dst = b.allocate(3 * 7);
      assertThrows(IndexOutOfBoundsException.class, () -> b.appendOneHot(src, 2, labels, null, 0, 3, 5, dst));
    });
  }

  /** The conditional model's step in a recorded step: two appends with first from the counter, one backward, no host copy. */
  @Test
  void aConditionalTrainingStepIsCapturedWhole() {
    RecordingCuda cuda = new RecordingCuda();
    List<String> lines = transcript(cuda, backend -> {
      Vae vae = Vae.create(VaeConfig.mnistDefault().withConditioning(Conditioning.of(10)), backend, 1);
      int batch = 64;
      byte[] pixels = new byte[2 * batch * 28 * 28];
      int[] labels = new int[2 * batch];
      SplittableRandom random = new SplittableRandom(7);
      for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) random.nextInt(256);
      for (int i = 0; i < labels.length; i++) labels[i] = random.nextInt(10);
      Dataset data = Dataset.ofBytes("conditional", pixels, labels, 2 * batch, 28, 28);
      Tensor images = ResidentImages.upload(backend, 784, data);
      IndexTensor order = backend.allocateIndices(2 * batch);
      backend.uploadIndices(EpochOrder.shuffledRange(2 * batch, new SplittableRandom(1)), order);
      TrainingStep training = TrainingStep.allocate(vae, batch);
      training.conditionOn(ResidentLabels.upload(backend, 10, data));
      AdamParams hyper = AdamParams.pytorchDefaults(1e-3);
      cuda.mark("step");
      try (Backend.RecordedStep step = backend.recordStep(k -> training.run(images, order, (int) k * batch, batch, 1, 1 + k,
          1f, hyper))) {
        step.replay();
        step.replay();
      }
      training.release();
    });
    List<String> step = lines.subList(lines.indexOf("# step") + 1, lines.size());
    List<String> append = launches(step, "vae4j_append_one_hot");
    assertEquals(2, append.size(), "the encoder's and the decoder's, captured once: " + append);
    for (String a : append) {
      assertTrue(a.matches(".* p@\\d+\\+0x0 l:0000000000000000 l:4000000000000000 .*"), "first = 0 + 64 * counter: " + a);
    }
    assertEquals(1, launches(step, "vae4j_append_one_hot_backward").size());
    String text = String.join("\n", step);
    assertTrue(text.contains("cudaGraphLaunch"), "replayed as a graph");
    for (String line : step) assertFalse(line.contains("D2H"), "a host round trip: " + line);
  }

  @Test
  void launchesFillTheirPtxSignatures() {
    KernelImage image = KernelImage.load();
    assumeTrue(image != null, "this build has no CUDA kernels (nvcc was not found at build time)");
    Map<String, List<String>> signatures =
        CudaTranscriptTest.ptxSignatures(new String(image.fatbin(), StandardCharsets.ISO_8859_1));
    RecordingCuda cuda = new RecordingCuda();
    transcript(cuda, b -> {
      IndexTensor labels = b.allocateIndices(4);
      b.uploadIndices(new int[] {0, 1, 2, 1}, labels);
      Tensor src = b.allocate(4 * 3), dst = b.allocate(4 * 6);
      b.appendOneHot(src, 3, labels, null, 0, 4, 3, dst);
      b.appendOneHotBackward(dst, 3, 3, 4, src);
    });
    int checked = 0;
    for (RecordingCuda.Launch launch : cuda.launches()) {
      if (!launch.symbol().startsWith("vae4j_append_one_hot")) continue;
      List<String> types = signatures.get(launch.symbol());
      assertEquals(types.size(), launch.kinds().length(), launch.symbol());
      for (int i = 0; i < types.size(); i++) {
        char kind = launch.kinds().charAt(i);
        String type = types.get(i);
        boolean fits = switch (kind) {
          case 'p', 'l' -> type.equals(".u64") || type.equals(".s64") || type.equals(".b64");
          case 'i' -> type.equals(".u32") || type.equals(".s32") || type.equals(".b32");
          default -> false;
        };
        assertTrue(fits, launch.symbol() + " parameter " + i + " is " + type + " but filled as " + kind);
      }
      checked++;
    }
    assertEquals(2, checked);
  }
}
