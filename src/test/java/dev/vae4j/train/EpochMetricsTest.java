package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A checkpoint's history (EpochMetrics as JSON) has gradNorm only for clipping runs, so other runs' bytes stay as they were. */
class EpochMetricsTest {

  @Test
  void gradNormIsWrittenOnlyWhenClipping() throws Exception {
    ObjectMapper json = new ObjectMapper();
    EpochMetrics plain = new EpochMetrics(1, 2, 1.5, 0.5, 3, 2.5, 0.5, 1, 100, 1f, true);
    assertFalse(json.writeValueAsString(plain).contains("gradNorm"), json.writeValueAsString(plain));
    EpochMetrics clipped = new EpochMetrics(1, 2, 1.5, 0.5, 3, 2.5, 0.5, 1, 100, 1f, true, null, 4.25);
    String text = json.writeValueAsString(clipped);
    assertTrue(text.contains("\"gradNorm\":4.25"), text);
    assertEquals(clipped, json.readValue(text, EpochMetrics.class));
    assertEquals(plain, json.readValue(json.writeValueAsString(plain), EpochMetrics.class));
  }
}
