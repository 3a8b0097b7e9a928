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
 * {@code --class-weights} on the recording fake: {@link CudaLosses#scaleRows} is one launch of
 * {@code rowscale.cu}'s kernel filling its PTX signature; a weighted training step, recorded as the
 * CUDA graph, gathers its rows' weights through the epoch order inside the capture (with the batch
 * offset a dynamic slot, as the images' gather), scales the two loss gradients and the two per-row
 * losses before the backward pass, and never copies anything back to the host.
 */
class CudaClassWeightsTest {

  private static CudaBackend backend(RecordingCuda cuda) {
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    return new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
  }

  private static List<String> between(RecordingCuda cuda, String from, String to) {
    List<String> all = Arrays.asList(cuda.transcript().split("\n"));
    return all.subList(all.lastIndexOf("# " + from) + 1, all.lastIndexOf("# " + to));
  }

  private static List<String> launches(List<String> lines) {
    return lines.stream().filter(l -> l.strip().startsWith("cuLaunchKernel")).toList();
  }

  @Test
  void scaleRowsIsOneLaunchFillingItsPtxSignature() {
    RecordingCuda cuda = new RecordingCuda();
    try {
      CudaBackend backend = backend(cuda);
      try {
        Tensor values = backend.allocate(129 * 40), scales = backend.allocate(129);
        cuda.mark("scale");
        backend.scaleRows(values, 129, 40, scales);
        backend.scaleRows(values, 0, 40, scales); // no rows: no launch
        cuda.mark("end");
      } finally {
        backend.close();
      }
    } finally {
      cuda.releaseHostMemory();
    }
    List<String> l = launches(between(cuda, "scale", "end"));
    assertEquals(1, l.size(), l.toString());
    assertTrue(l.get(0).contains("vae4j_scale_rows ") && l.get(0).contains(" i:81000000 i:28000000 "), l.get(0));

    KernelImage image = KernelImage.load();
    assumeTrue(image != null, "this build has no CUDA kernels (nvcc was not found at build time)");
    List<String> types = CudaTranscriptTest.ptxSignatures(new String(image.fatbin(), StandardCharsets.ISO_8859_1))
        .get("vae4j_scale_rows");
    RecordingCuda.Launch launch = cuda.launches().stream().filter(x -> x.symbol().equals("vae4j_scale_rows"))
        .findFirst().orElseThrow();
    assertEquals(List.of(".u64", ".u32", ".u32", ".u64"), types.stream().map(t -> t.replace(".b", ".u")
        .replace(".s", ".u")).toList(), "vae4j_scale_rows' parameters");
    assertEquals("piip", launch.kinds());
  }

  @Test
  void aWeightedTrainingStepIsCapturedWhole() {
    RecordingCuda cuda = new RecordingCuda();
    try {
      CudaBackend backend = backend(cuda);
      try {
        Vae vae = Vae.create(VaeConfig.mnistDefault(), backend, 1);
        int batch = 64;
        byte[] pixels = new byte[2 * batch * 28 * 28];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) random.nextInt(256);
        Tensor images = ResidentImages.upload(backend, 784, Dataset.ofBytes("weights", pixels, null, 2 * batch, 28, 28));
        Tensor weights = backend.allocate(2 * batch);
        IndexTensor order = backend.allocateIndices(2 * batch);
        backend.uploadIndices(EpochOrder.shuffledRange(2 * batch, new SplittableRandom(1)), order);
        TrainingStep training = TrainingStep.allocate(vae, batch, 0, 0, 0f, true);
        AdamParams hyper = AdamParams.pytorchDefaults(1e-3);
        cuda.mark("step");
        try (Backend.RecordedStep step =
            backend.recordStep(k -> training.run(images, weights, order, (int) k * batch, batch, 1, 1 + k, 1f, hyper))) {
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
    List<String> lines = between(cuda, "step", "end");
    List<String> captured = launches(lines);
    List<String> symbols = captured.stream().map(l -> l.strip().split(" ")[1]).toList();
    List<String> gathers = captured.stream().filter(l -> l.contains("vae4j_gather_rows ")).toList();
    assertEquals(2, gathers.size(), "the images' and the weights' gathers: " + gathers);
    String weightGather = gathers.get(1);
    assertTrue(weightGather.contains(" i:01000000 "), "one column: " + weightGather);
    // The same counter pointer and stride as the images' gather: the batch offset follows the replay.
    String[] imageArgs = gathers.get(0).split(" args ")[1].split(" "), weightArgs = weightGather.split(" args ")[1].split(" ");
    assertEquals(imageArgs[5], weightArgs[5], "the device counter");
    assertEquals("l:4000000000000000", weightArgs[7], "the batch offset's stride: a batch per replay");
    assertEquals(imageArgs[7], weightArgs[7], "the batch offset's stride");
    assertEquals(4, symbols.stream().filter(s -> s.equals("vae4j_scale_rows")).count(), symbols.toString());
    int kl = symbols.indexOf("vae4j_kl_divergence"), firstScale = symbols.indexOf("vae4j_scale_rows");
    int lastScale = symbols.lastIndexOf("vae4j_scale_rows"), reparamBack = symbols.indexOf("vae4j_reparameterize_backward");
    assertTrue(kl < firstScale && lastScale < reparamBack, "scaled after the losses, before the backward pass: " + symbols);
    assertTrue(String.join("\n", lines).contains("cudaGraphLaunch"), "replayed as a graph");
    for (String line : lines) assertFalse(line.contains("D2H"), "a host round trip: " + line);
  }
}
