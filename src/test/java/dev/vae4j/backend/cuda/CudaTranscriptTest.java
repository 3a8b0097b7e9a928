package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vae4j.Benchmark;
import dev.vae4j.Vae;
import dev.vae4j.VaeConfig;
import dev.vae4j.data.Dataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CUDA side of one training step of the default model (784-400-20, batch 128, Bernoulli), as
 * the host issues it: every call through {@link CudaApi}, recorded by {@link RecordingCuda} with no
 * GPU, in order, with kernel names, grids and blocks, the argument bytes, cuBLAS(Lt) operands and
 * the cuBLASLt descriptors, from the backend's start-up to its close, compared line by line with
 * the committed golden file {@code src/test/resources/dev/vae4j/backend/cuda/default-step.transcript}.
 * A refactoring above the seam that is meant to change nothing on the GPU must leave it as it is.
 *
 * <p>The step is {@link Benchmark.TrainingSteps}' (what {@code vae4j bench} times): {@code
 * TrainingStep.run} under {@code Backend.recordStep}, which is what {@code Trainer} runs for full
 * batches, so the transcript shows the two probes' cuBLASLt planning, the graph capture and one
 * replay.
 *
 * <p>When a change is meant to alter the launches, regenerate the golden file and review its diff:
 * <pre>mvn -B -q test -Dtest=CudaTranscriptTest -Dvae4j.transcript.update=true</pre>
 * A failing comparison also writes the new transcript to {@code target/default-step.transcript}.
 */
class CudaTranscriptTest {
  private static final Path GOLDEN = Path.of("src/test/resources/dev/vae4j/backend/cuda/default-step.transcript");
  private static final Path ACTUAL = Path.of("target/default-step.transcript");
  private static final long SEED = 1;
  private static final int BATCH = 128;

  /** The default model's step on the fake, as a transcript. */
  static String defaultStepTranscript() {
    RecordingCuda cuda = new RecordingCuda();
    try {
      CudaInfo info = new CudaInfo(true, null, "13.0", "13.0",
          List.of(new CudaInfo.Gpu(0, "recording fake", 141L << 30, 9, 0, RecordingCuda.MULTIPROCESSORS)), true,
          List.of());
      KernelImage image = KernelImage.load();
      if (image == null) image = new KernelImage(new byte[0], Map.of()); // built without nvcc: the fake loads nothing
      cuda.mark("backend start-up");
      CudaBackend backend = new CudaBackend(new CudaOptions(0, false, true, false, true), info, cuda, image);
      try {
        cuda.mark("model: Vae.create(784-400-20 Bernoulli, seed " + SEED + ")");
        Vae vae = Vae.create(VaeConfig.mnistDefault(), backend, SEED);
        cuda.mark("data and step buffers: Benchmark.TrainingSteps(" + BATCH + " images, batch " + BATCH + ")");
        try (Benchmark.TrainingSteps steps = new Benchmark.TrainingSteps(vae, images(BATCH), BATCH, SEED)) {
          cuda.mark("one step: recordStep (probes k = 1, 2; capture k = 0), one replay, download of the loss sums");
          steps.timed(1);
          cuda.mark("release of the step's buffers");
        }
        cuda.mark("backend close");
      } finally {
        backend.close();
      }
      return cuda.transcript();
    } finally {
      cuda.releaseHostMemory();
    }
  }

  /** MNIST-like 8-bit images (the pixels' values only change the upload's checksum). */
  private static Dataset images(int count) {
    byte[] pixels = new byte[count * 28 * 28];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) random.nextInt(256);
    return Dataset.ofBytes("transcript", pixels, null, count, 28, 28);
  }

  @Test
  void defaultStepMatchesTheGoldenTranscript() throws IOException {
    String actual = defaultStepTranscript();
    if (Boolean.getBoolean("vae4j.transcript.update")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
      return;
    }
    assertTrue(Files.exists(GOLDEN), "no golden transcript at " + GOLDEN.toAbsolutePath()
        + "; make it with -Dvae4j.transcript.update=true");
    String expected = Files.readString(GOLDEN, StandardCharsets.UTF_8);
    if (expected.equals(actual)) return;
    Files.createDirectories(ACTUAL.getParent());
    Files.writeString(ACTUAL, actual, StandardCharsets.UTF_8);
    String[] e = expected.split("\n", -1), a = actual.split("\n", -1);
    for (int i = 0; i < Math.max(e.length, a.length); i++) {
      String el = i < e.length ? e[i] : "<end>", al = i < a.length ? a[i] : "<end>";
      if (!el.equals(al)) {
        fail("the CUDA transcript differs from " + GOLDEN + " first at line " + (i + 1) + " (of " + e.length
            + " golden, " + a.length + " now; the new one is in " + ACTUAL + ")\n golden: " + el + "\n    now: " + al);
      }
    }
  }

  @Test
  void transcriptIsDeterministic() {
    assertEquals(defaultStepTranscript(), defaultStepTranscript());
  }
}
