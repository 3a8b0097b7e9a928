package dev.vae4j.cli;

import static dev.vae4j.cli.CliRun.ok;
import static dev.vae4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --lr-schedule} and {@code --warmup-steps}: config.json, metrics.jsonl, resume, sweep, bad values. */
class ScheduleOptionsTest {
  private static final List<String> TINY = List.of("--classes", "0", "--hidden", "16", "--device", "cpu");
  @TempDir Path dir;

  private static String[] train(Path out, String... more) {
    List<String> a = new java.util.ArrayList<>(List.of("train", "--out", out.toString()));
    a.addAll(TINY);
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void theScheduleIsRecordedReportedPerEpochAndResumed() throws Exception {
    Path run = dir.resolve("cos");
    ok(train(run, "--epochs", "3", "--lr-schedule", "cosine", "--warmup-steps", "20", "--lr", "2e-3"));
    JsonNode training = new ObjectMapper().readTree(run.resolve("config.json").toFile()).get("training");
    assertEquals("cosine", training.get("lr_schedule").asText());
    assertEquals(20, training.get("warmup_steps").asInt());
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    double[] want = {2e-3, 2e-3 * 0.75, 2e-3 * 0.25};
    for (int e = 0; e < 3; e++) {
      assertEquals(want[e], new ObjectMapper().readTree(lines.get(e)).get("lr").asDouble(), 1e-15, lines.get(e));
    }
    // Extending the finished run by an epoch continues the recorded schedule (now over 4 epochs).
    ok("train", "--resume", run.toString(), "--epochs", "4");
    assertEquals("cosine", new ObjectMapper().readTree(run.resolve("config.json").toFile()).at("/training/lr_schedule").asText());

    Path plain = dir.resolve("plain");
    ok(train(plain, "--epochs", "1"));
    String config = Files.readString(plain.resolve("config.json"));
    assertFalse(config.contains("lr_schedule") || config.contains("warmup_steps"), config);
    assertFalse(Files.readString(plain.resolve("metrics.jsonl")).contains("\"lr\""));
  }

  @Test
  void aSweepVariesTheSchedule() throws Exception {
    Path out = dir.resolve("sweep");
    ok("sweep", "--out", out.toString(), "--grid", "lr-schedule=constant,step:1:0.5", "--epochs", "2", "--classes", "0",
        "--hidden", "16", "--device", "cpu");
    assertTrue(Files.isRegularFile(out.resolve("lr-schedule=step_1_0.5,seed=1/model.safetensors")));
  }

  @Test
  void badValuesAreOneUsageLine() {
    for (String[] bad : new String[][] {{"--lr-schedule", "linear"}, {"--lr-schedule", "step:0:0.5"},
        {"--lr-schedule", "plateau:2:1.5"}, {"--warmup-steps", "-1"}}) {
      CliRun r = run(train(dir.resolve("bad"), bad));
      assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.err());
      assertTrue(r.err().contains(bad[0]), r.err());
      assertFalse(Files.exists(dir.resolve("bad")), "nothing written");
    }
  }
}
