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
    // The 5 timed steps in the default 5 rounds; the overall rate lies between the rounds' extremes.
    assertEquals(5, result.get("rounds").asInt(), out.toString());
    double overall = result.get("samples_per_second").asDouble();
    assertTrue(result.get("slowest_round_samples_per_second").asDouble() <= overall * (1 + 1e-9), out.toString());
    assertTrue(result.get("fastest_round_samples_per_second").asDouble() >= overall * (1 - 1e-9), out.toString());
    assertTrue(result.get("gemm_only_gflops").asDouble() > 0, out.toString());
    assertTrue(result.get("machine").get("cpus").asInt() >= 1, out.toString());
    assertEquals(System.getProperty("java.version"), result.get("machine").get("java").asText(), out.toString());
    // Two warm-up steps, then at least one more while waiting (briefly) for the JIT compiler.
    assertTrue(result.get("warmup_steps").asLong() > 2, out.toString());
    assertTrue(result.get("warmup_seconds").asDouble() > 0, out.toString());
    // 784-32-2 at batch 16: forward 2*16*(784*32 + 32*4 + 2*32 + 32*784), backward twice that minus
    // the first layer's input gradient.
    double perPass = 2.0 * 16 * (784 * 32 + 32 * 4 + 2 * 32 + 32 * 784);
    assertEquals((3 * perPass - 2.0 * 16 * 784 * 32) / 1e9, result.get("gflop_per_step").asDouble(), 1e-12);
  }

  @Test
  void modelsAtOnceReportEachModelsAndTheAggregateRate() throws Exception {
    CliRun o = CliRun.ok("bench", "--device", "cpu", "--json", "--hidden", "32", "--latent", "2", "--batch-size", "16",
        "--steps", "5", "--warmup", "2", "--max-warmup-seconds", "0", "--models", "3");
    JsonNode document = new ObjectMapper().readTree(o.out());
    assertEquals("784-32-2", document.get("one_model").get(0).get("model").asText(), o.out());
    JsonNode together = document.get("models_at_once");
    assertEquals(3, together.get("samples_per_second").size(), o.out());
    double slowest = Double.POSITIVE_INFINITY;
    for (JsonNode rate : together.get("samples_per_second")) slowest = Math.min(slowest, rate.asDouble());
    assertTrue(slowest > 0, o.out());
    // (Not compared with the models' own rates: on a loaded machine the thread hand-off at the start of
    // five tiny steps can outweigh them; bench --models is a measurement, not a test of speed.)
    assertTrue(together.get("aggregate_samples_per_second").asDouble() > 0, o.out());

    CliRun table = CliRun.ok("bench", "--device", "cpu", "--hidden", "32", "--latent", "2", "--batch-size", "16",
        "--steps", "5", "--warmup", "2", "--max-warmup-seconds", "0", "--models", "2");
    assertEquals("side-by-side", together.get("mode").asText(), o.out());
    assertTrue(together.get("ms_per_step").asDouble() > 0, o.out());
    assertTrue(together.get("speedup_over_one_model").asDouble() > 0, o.out());
    assertTrue(table.out().contains("cpu: 2 models 784-32-2 at once, side-by-side (batch 16, 5 timed steps each): "), table.out());
    assertTrue(table.out().contains("machine: "), table.out());
    CliRun bad = CliRun.run("bench", "--device", "cpu", "--models", "0");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--models must be between 1 and 64, got 0"), bad.err());
  }

  @Test
  void modelsModeStackedTrainsTheModelsInOneStepOnTheCpu() throws Exception {
    CliRun o = CliRun.ok("bench", "--device", "cpu", "--json", "--hidden", "32", "--latent", "2", "--batch-size", "16",
        "--steps", "4", "--warmup", "2", "--max-warmup-seconds", "0", "--models", "3", "--models-mode", "stacked");
    JsonNode document = new ObjectMapper().readTree(o.out());
    JsonNode together = document.get("models_at_once");
    assertEquals("stacked", together.get("mode").asText(), o.out());
    assertEquals("cpu", together.get("backend").asText(), o.out());
    assertEquals(3, together.get("samples_per_second").size(), o.out());
    double aggregate = together.get("aggregate_samples_per_second").asDouble();
    // M x batch samples per stacked step.
    assertEquals(3 * 16 / (together.get("ms_per_step").asDouble() / 1e3), aggregate, 1e-9 * aggregate, o.out());
    double alone = document.get("one_model").get(0).get("samples_per_second").asDouble();
    assertEquals(aggregate / alone, together.get("speedup_over_one_model").asDouble(), 1e-9 * aggregate / alone, o.out());

    // --tf32 is CUDA's (its GEMMs' math mode): accepted, and without effect, on the CPU.
    CliRun table = CliRun.ok("bench", "--device", "cpu", "--hidden", "32", "--latent", "2", "--batch-size", "16",
        "--steps", "4", "--warmup", "2", "--max-warmup-seconds", "0", "--models", "2", "--models-mode", "stacked", "--tf32");
    assertTrue(table.out().contains("cpu: 2 models 784-32-2 at once, stacked (batch 16, 4 timed steps each): "), table.out());
    assertTrue(table.out().contains(" ms per stacked step, "), table.out());
  }

  @Test
  void modelsModeUsageErrors() {
    CliRun bad = CliRun.run("bench", "--device", "cpu", "--models", "2", "--models-mode", "together");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--models-mode must be side-by-side or stacked, got 'together'"), bad.err());
    CliRun cuda = CliRun.run("bench", "--device", "cuda", "--models", "2", "--models-mode", "side-by-side");
    assertEquals(2, cuda.code());
    assertTrue(cuda.err().contains("--models-mode side-by-side is for the CPU: CUDA trains --models M stacked"), cuda.err());
    CliRun conv = CliRun.run("bench", "--device", "cpu", "--conv", "--models", "2", "--models-mode", "stacked");
    assertEquals(2, conv.code());
    assertTrue(conv.err().contains("--models 2 stacked (--models-mode stacked) takes MLP models, not --conv"), conv.err());
    CliRun bf16 = CliRun.run("bench", "--device", "cuda", "--models", "2", "--precision", "bf16");
    assertEquals(2, bf16.code());
    assertTrue(bf16.err().contains("--models 2 stacked (on CUDA) trains in fp32 only, not with --precision bf16"), bf16.err());
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
  void moreRoundsThanTimedStepsIsAUsageError() {
    CliRun o = CliRun.run("bench", "--device", "cpu", "--steps", "3", "--rounds", "4");
    assertEquals(2, o.code());
    assertTrue(o.err().contains("rounds must be between 1 and the 3 timed steps, got 4"), o.err());
  }

  @Test
  void fewerTimedStepsThanTheDefaultRoundsTimeOneStepARound() throws Exception {
    CliRun o = CliRun.run("bench", "--device", "cpu", "--json", "--hidden", "32", "--latent", "2", "--batch-size", "16",
        "--steps", "2", "--warmup", "1", "--max-warmup-seconds", "0");
    assertEquals(0, o.code(), o.err());
    assertEquals(2, new ObjectMapper().readTree(o.out()).get(0).get("rounds").asInt(), o.out());
  }

  @Test
  void theTableShowsTheRoundsRange() {
    CliRun o = CliRun.run("bench", "--device", "cpu", "--hidden", "32", "--latent", "2", "--batch-size", "16",
        "--steps", "6", "--rounds", "3", "--warmup", "2", "--max-warmup-seconds", "0");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("rounds: slowest-fastest"), o.out());
    assertTrue(o.out().contains("machine: " + dev.vae4j.bench.Machine.current().describe()), o.out());
    assertTrue(o.out().matches("(?s).*784-32-2 +16 +[0-9,]+ +3: [0-9,]+-[0-9,]+ .*"), o.out());
  }

  @Test
  void breakdownSaysWhereTheStepsTimeGoes() throws Exception {
    String[] args = {"bench", "--device", "cpu", "--hidden", "32", "--latent", "2", "--batch-size", "16",
        "--steps", "4", "--warmup", "2", "--max-warmup-seconds", "0", "--breakdown"};
    CliRun table = CliRun.run(args);
    assertEquals(0, table.code(), table.err());
    assertTrue(table.out().contains("where a step's"), table.out());
    assertTrue(table.out().matches("(?s).*\\n  linearBackward +4\\.0 +[0-9.]+ +[0-9.]+%.*"), table.out());
    assertTrue(table.out().contains("between the ops"), table.out());
    assertTrue(table.out().contains("of the step is outside the GEMMs"), table.out());
    assertTrue(table.out().matches("(?s).*\n  optimizer state after the timed steps: [0-9,]+ of its [0-9,]+ moments subnormal\n.*"),
        table.out());
    String[] json = java.util.Arrays.copyOf(args, args.length + 1);
    json[args.length] = "--json";
    CliRun o = CliRun.run(json);
    assertEquals(0, o.code(), o.err());
    com.fasterxml.jackson.databind.JsonNode b = new ObjectMapper().readTree(o.out()).get(0).get("breakdown");
    double forwardCalls = 0;
    for (com.fasterxml.jackson.databind.JsonNode op : b.get("ops")) {
      if (op.get("op").asText().equals("linearForward")) forwardCalls = op.get("calls_per_step").asDouble();
    }
    assertEquals(4, forwardCalls, 1e-9, o.out());
    assertTrue(b.get("forward_gemms_ms").asDouble() > 0, o.out());
    assertTrue(b.get("moments").asLong() > 0 && b.get("subnormal_moments").asLong() >= 0, o.out());
  }

  @Test
  void inferenceIsTimedAgainstTheForwardGemms() throws Exception {
    CliRun o = CliRun.run("bench", "--device", "cpu", "--inference", "--hidden", "32", "--latent", "2", "--batch-size",
        "200", "--steps", "4", "--warmup", "2", "--max-warmup-seconds", "0", "--breakdown");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("cpu: the inference pass reaches"), o.out());
    assertTrue(o.out().contains("where an inference pass's"), o.out());
    assertTrue(!o.out().contains("linearBackward"), o.out());
    assertTrue(!o.out().contains("optimizer state"), o.out());
    CliRun json = CliRun.run("bench", "--device", "cpu", "--inference", "--json", "--hidden", "32", "--latent", "2",
        "--batch-size", "200", "--steps", "2", "--warmup", "1", "--max-warmup-seconds", "0");
    assertEquals(0, json.code(), json.err());
    com.fasterxml.jackson.databind.JsonNode r = new ObjectMapper().readTree(json.out()).get(0);
    assertEquals("inference", r.get("workload").asText(), json.out());
    // One pass's forward GEMMs: 2 x 200 x (784*32 + 32*4 + 2*32 + 32*784) flops.
    assertEquals(2.0 * 200 * (784 * 32 + 32 * 4 + 2 * 32 + 32 * 784) / 1e9, r.get("gflop_per_step").asDouble(), 1e-12);
  }

  @Test
  void unknownDeviceIsAUsageError() {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "--device", "tpu");
    assertEquals(2, code);
    assertTrue(err.toString().contains("--device must be cpu or cuda"), err.toString());
  }
}
