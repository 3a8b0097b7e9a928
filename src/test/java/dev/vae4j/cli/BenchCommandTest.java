package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The bench command on a tiny model, as a user runs it (in-process). */
class BenchCommandTest {

  @Test
  void jsonReportsThroughputAgainstTheGemmCeiling() throws Exception {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
        "bench", "--device", "cpu", "--json", "--hidden", "32", "--latent", "2", "--batch-size", "16", "--steps", "5", "--warmup", "2",
        "--max-warmup-seconds", "0.2");
    assertEquals(0, code, err.toString());
    JsonNode result = new ObjectMapper().readTree(out.toString()).get(0);
    assertEquals("cpu", result.get("backend").asText());
    assertEquals("784-32-2", result.get("model").asText());
    assertTrue(result.get("samples_per_second").asDouble() > 0, out.toString());
    assertTrue(result.get("gemm_only_gflops").asDouble() > 0, out.toString());
    // Two warm-up steps, then at least one more while waiting (briefly) for the JIT compiler.
    assertTrue(result.get("warmup_steps").asLong() > 2, out.toString());
    assertTrue(result.get("warmup_seconds").asDouble() > 0, out.toString());
    // 784-32-2 at batch 16: forward 2*16*(784*32 + 32*4 + 2*32 + 32*784), backward twice that minus
    // the first layer's input gradient.
    double perPass = 2.0 * 16 * (784 * 32 + 32 * 4 + 2 * 32 + 32 * 784);
    assertEquals((3 * perPass - 2.0 * 16 * 784 * 32) / 1e9, result.get("gflop_per_step").asDouble(), 1e-12);
  }

  @Test
  void negativeWarmupTimeIsAUsageError() {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "--device", "cpu",
        "--max-warmup-seconds", "-1");
    assertEquals(2, code);
    assertTrue(err.toString().contains("maximum warm-up seconds must be finite and >= 0, got -1.0"), err.toString());
  }

  @Test
  void unknownDeviceIsAUsageError() {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "--device", "tpu");
    assertEquals(2, code);
    assertTrue(err.toString().contains("--device must be cpu or cuda"), err.toString());
  }
}
