package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vae4j.backend.Precision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --precision bf16}'s host logic on the recording fake, for the default model's step
 * (784-400-20, batch 128, as {@link CudaTranscriptTest}): every one of the step's 11 GEMMs is two
 * {@code vae4j_to_bf16} launches and one cuBLASLt matmul with CUDA_R_16BF (type 14) A and B
 * layouts, a CUDA_R_32F (type 0) D and FP32 compute (68); no SGEMM is left; the copies are
 * allocated while the step is probed, none during the capture. The whole transcript is also
 * compared with {@code src/test/resources/dev/vae4j/backend/cuda/bf16-step.transcript}
 * (regenerate with {@code -Dvae4j.transcript.update=true}, as the default one).
 */
class CudaBf16Test {
  private static final Path GOLDEN = Path.of("src/test/resources/dev/vae4j/backend/cuda/bf16-step.transcript");
  private static final Path ACTUAL = Path.of("target/bf16-step.transcript");

  private static String transcript() {
    RecordingCuda cuda = new RecordingCuda();
    return CudaTranscriptTest.record(cuda, CudaOptions.defaults().withPrecision(Precision.BF16));
  }

  @Test
  void everyGemmOfTheCapturedStepIsTwoRoundingsAndOneBf16Matmul() {
    List<String> lines = Arrays.asList(transcript().split("\n"));
    int begin = indexOf(lines, "cudaStreamBeginCapture"), end = indexOf(lines, "cudaStreamEndCapture");
    List<String> captured = lines.subList(begin, end);
    assertEquals(22, captured.stream().filter(l -> l.contains("vae4j_to_bf16")).count(), String.join("\n", captured));
    assertEquals(11, captured.stream().filter(l -> l.contains("cublasLtMatmul ")).count(), String.join("\n", captured));
    assertFalse(captured.stream().anyMatch(l -> l.contains("cublasSgemm")), "no FP32 GEMM left");
    assertFalse(captured.stream().anyMatch(l -> l.contains("cudaMalloc")), "the copies exist before the capture");
    List<String> layouts = lines.stream().filter(l -> l.startsWith("cublasLtMatrixLayoutCreate")).toList();
    assertEquals(2 * layouts.stream().filter(l -> l.contains("type=0 ")).count(),
        layouts.stream().filter(l -> l.contains("type=14 ")).count(), "A and B in bf16, D in float, per plan");
    assertTrue(lines.stream().filter(l -> l.startsWith("cublasLtMatmulDescCreate")).allMatch(l -> l.contains("compute=68 ")),
        "FP32 accumulation");
  }

  @Test
  void theBf16StepMatchesItsGoldenTranscript() throws IOException {
    String actual = transcript();
    if (Boolean.getBoolean("vae4j.transcript.update")) {
      Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
      return;
    }
    String expected = Files.readString(GOLDEN, StandardCharsets.UTF_8);
    if (expected.equals(actual)) return;
    Files.createDirectories(ACTUAL.getParent());
    Files.writeString(ACTUAL, actual, StandardCharsets.UTF_8);
    fail("the bf16 CUDA transcript differs from " + GOLDEN + "; the new one is in " + ACTUAL);
  }

  private static int indexOf(List<String> lines, String call) {
    for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith(call)) return i;
    throw new AssertionError("no " + call + " in the transcript");
  }
}
