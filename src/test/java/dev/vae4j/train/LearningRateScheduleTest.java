package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The schedules against PyTorch 1.13's (src/test/python/schedule_fixture.py), and their text. */
class LearningRateScheduleTest {
  private static JsonNode fixture;
  private static double base;

  @BeforeAll
  static void read() throws IOException {
    try (InputStream in = LearningRateScheduleTest.class.getResourceAsStream("schedule-fixture.json")) {
      fixture = new ObjectMapper().readTree(in);
    }
    base = fixture.get("base").asDouble();
  }

  private static void assertRates(LearningRateSchedule s, JsonNode expected, List<Double> losses) {
    for (int e = 1; e <= expected.size(); e++) {
      double want = expected.get(e - 1).asDouble();
      assertEquals(want, s.rateOfEpoch(e, expected.size(), base, losses), 1e-15 * base, s.text() + ", epoch " + e);
    }
  }

  @Test
  void cosineAndStepAreTorchsEpochByEpoch() {
    assertRates(LearningRateSchedule.parse("cosine", 0), fixture.get("cosine_7"), List.of());
    assertRates(LearningRateSchedule.parse("step:2:0.5", 0), fixture.get("step_2_0.5_7"), List.of());
    assertRates(LearningRateSchedule.parse("constant", 0), new ObjectMapper().valueToTree(List.of(base, base, base)), List.of());
  }

  @Test
  void plateauIsReduceLrOnPlateauReplayedOverTheLossesBefore() {
    for (String name : List.of("plateau_1_0.5", "plateau_0_0.1")) {
      JsonNode f = fixture.get(name);
      List<Double> losses = new ArrayList<>();
      f.get("losses").forEach(l -> losses.add(l.asDouble()));
      String[] p = name.split("_");
      assertRates(LearningRateSchedule.parse("plateau:" + p[1] + ":" + p[2], 0), f.get("rates"), losses);
    }
  }

  @Test
  void warmupIsLambdaLrsLinearRamp() {
    LearningRateSchedule s = LearningRateSchedule.parse("constant", 4);
    JsonNode want = fixture.get("warmup_4_6");
    for (int step = 1; step <= want.size(); step++) {
      assertEquals(want.get(step - 1).asDouble(), base * s.warmupFactor(step), 1e-18, "step " + step);
    }
    assertEquals(1, LearningRateSchedule.CONSTANT.warmupFactor(1));
    assertTrue(LearningRateSchedule.CONSTANT.isConstant());
    assertTrue(!s.isConstant());
  }

  @Test
  void textRoundTripsAndBadTextNamesTheForms() {
    for (String t : List.of("constant", "cosine", "step:3:0.5", "plateau:2:0.1", "step:1:1")) {
      assertEquals(t, LearningRateSchedule.parse(t, 0).text());
    }
    for (String bad : List.of("linear", "cosine:3", "step:3", "step:x:0.5", "plateau:1:0.5:2", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse(bad, 0), bad);
      assertTrue(e.getMessage().startsWith("--lr-schedule must be constant, cosine, step:EPOCHS:GAMMA or plateau:PATIENCE:FACTOR"), e.getMessage());
    }
    for (String bad : List.of("step:0:0.5", "step:2:1.5", "plateau:-1:0.5", "plateau:2:1")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse(bad, 0), bad);
      assertTrue(e.getMessage().startsWith("--lr-schedule " + bad.split(":")[0]), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("cosine", -1));
    assertTrue(e.getMessage().startsWith("--warmup-steps must be >= 0"), e.getMessage());
  }
}
