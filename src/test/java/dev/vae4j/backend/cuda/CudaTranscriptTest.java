package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.Vae;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.VaeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CUDA side of one training step of the default model (784-400-20, batch 128, Bernoulli), as
 * the host issues it: every call through {@link CudaApi}, recorded by {@link RecordingCuda} with no
 * GPU, in order, with kernel names, grids and blocks, the argument bytes, cuBLAS(Lt) operands and
 * the cuBLASLt descriptors, from the probe and the backend's start-up to its close, compared line by line with
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
    return record(new RecordingCuda());
  }

  /** Runs the default model's step on {@code cuda}; returns its transcript. */
  private static String record(RecordingCuda cuda) {
    return record(cuda, CudaOptions.defaults());
  }

  /** Runs the default model's step on {@code cuda}, the backend set up as {@code options} say; returns its transcript. */
  static String record(RecordingCuda cuda, CudaOptions options) {
    try {
      KernelImage image = KernelImage.load();
      if (image == null) image = new KernelImage(new byte[0], Map.of()); // built without nvcc: the fake loads nothing
      cuda.mark("probe");
      CudaInfo info = CudaProbe.probe(cuda, image);
      if (!info.available()) throw new AssertionError("the fake GPU was found unusable: " + info.reason());
      cuda.mark("backend start-up");
      CudaBackend backend = new CudaBackend(options, info, cuda, image);
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

  /**
   * Every kernel the step launches gets as many parameters as its PTX entry declares, each filled
   * as the PTX type it is ({@code .u64}: a pointer or int64; {@code .u32}/{@code .s32}: int32;
   * {@code .f32}; {@code .f64}): a mismatch that a launch would not report, since the driver
   * reads each parameter's width from the kernel, not from the caller.
   */
  @Test
  void everyLaunchFillsItsKernelsPtxSignature() {
    KernelImage image = KernelImage.load();
    assumeTrue(image != null, "this build has no CUDA kernels (nvcc was not found at build time)");
    Map<String, List<String>> signatures = ptxSignatures(new String(image.fatbin(), StandardCharsets.ISO_8859_1));
    for (Kernel k : Kernel.values()) {
      assertTrue(signatures.containsKey(k.symbol), k.symbol + " has no PTX entry");
      assertEquals(k.arity, signatures.get(k.symbol).size(), k.symbol + "'s arity in Kernel against its PTX entry");
    }
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

  /** Each PTX entry's parameter types ({@code .u64}, ...) in order, from the fatbin's PTX text. */
  static Map<String, List<String>> ptxSignatures(String ptx) {
    Map<String, List<String>> out = new HashMap<>();
    Matcher entry = Pattern.compile("\\.entry (\\w+)\\(([^)]*)\\)").matcher(ptx);
    while (entry.find()) {
      List<String> types = new ArrayList<>();
      Matcher param = Pattern.compile("\\.param (\\.[a-z0-9]+)").matcher(entry.group(2));
      while (param.find()) types.add(param.group(1));
      out.putIfAbsent(entry.group(1), types);
    }
    return out;
  }

  @Test
  void transcriptIsDeterministic() {
    assertEquals(defaultStepTranscript(), defaultStepTranscript());
  }
}
