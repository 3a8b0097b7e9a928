package dev.vae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.VaeConfig;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code bench --breakdown}: every op a step calls is counted once per call, on whichever core calls it. */
class StepBreakdownTest {

  @Test
  void everyOpOfTheStepIsTimedWithItsCallsPerStep() {
    Dataset images = Benchmark.syntheticImages(512, 6, 5, 3);
    VaeConfig config = VaeConfig.mlp(30, new int[] {16}, 3, Likelihood.BERNOULLI);
    try (CpuBackend backend = new CpuBackend()) {
      StepBreakdown b = Benchmark.breakdown(backend, images, new Benchmark.Options(config, 128, 20, 5, 1, 0, 1));
      Map<String, StepBreakdown.OpTime> ops = b.ops().stream()
          .collect(Collectors.toMap(StepBreakdown.OpTime::op, Function.identity()));
      int parts = b.parts();
      // Encoder, heads, decoder, output: four linear layers per part, each forward and backward once.
      assertEquals(4, ops.get("linearForward").callsPerStep(), 1e-9);
      assertEquals(4, ops.get("linearBackward").callsPerStep(), 1e-9);
      assertEquals(1, ops.get("reconstructionLoss").callsPerStep(), 1e-9);
      assertEquals(1, ops.get("gatherRows").callsPerStep(), 1e-9);
      // The noise is drawn once for the whole batch, before the parts.
      assertEquals(1.0 / parts, ops.get("normalNoise").callsPerStep(), 1e-9);
      assertTrue(ops.containsKey("update") || ops.containsKey("adamUpdate"), "the optimizer step: " + ops.keySet());
      for (String arranging : new String[] {"inParallel", "recordStep", "batchParts", "release", "allocate"}) {
        assertTrue(!ops.containsKey(arranging), arranging + " is not part of a timed step: " + ops.keySet());
      }
      assertTrue(b.msPerStep() > 0 && b.forwardGemmsMs() > 0 && b.backwardGemmsMs() > 0, b.toString());
      assertTrue(b.betweenOpsMs() < b.msPerStep(), b.toString());
      assertTrue(!b.busy().isEmpty() && b.busy().size() <= parts, "one busy time per part's thread: " + b.busy());
      double allBusy = b.busy().stream().mapToDouble(StepBreakdown.ThreadTime::msPerStep).sum();
      assertEquals(parts * (b.msPerStep() - b.betweenOpsMs()), allBusy, 1e-9 * (1 + allBusy), "the ops' time, by thread");
      assertEquals(b.msOf("linearForward") + b.msOf("linearBackward"), b.msOf("linearBackward", "linearForward", "none"),
          1e-12);
    }
  }

  @Test
  void theTimedBackendRunsTheSameTensorsAndRethrowsWhatTheBackendThrows() {
    try (CpuBackend backend = new CpuBackend()) {
      OpTimings timings = OpTimings.around(backend);
      Backend timed = timings.backend();
      Tensor t = timed.allocate(4);
      timed.upload(new float[] {1, 2, 3, 4}, t);
      assertEquals(3f, backend.download(t)[2]);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> timed.upload(new float[5], t));
      assertSame(IllegalArgumentException.class, e.getClass());
      assertEquals(2, timings.perStep(1, 1).stream().filter(o -> o.op().equals("upload")).findFirst().orElseThrow()
          .callsPerStep(), 1e-9);
      timed.release(t);
    }
  }
}
