package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The graph bookkeeping: which arguments of a recorded step vary, and how. Needs no GPU. */
class StepRecorderTest {
  private static final long COUNTER = 0xC0FFEE00L;

  /** Probes one run of a step whose per-step value is {@code base + stride * k}: nothing runs. */
  private static void probe(StepRecorder r, long k, long base, long stride) {
    r.beginProbe();
    assertNull(r.onOp("fill", new long[] {1, 2, 9}, -1));
    assertNull(r.onOp("gatherRows", new long[] {100, 0, base + stride * k, 0, 7}, 1));
  }

  private static StepRecorder probed(long base, long stride) {
    StepRecorder r = new StepRecorder(COUNTER);
    probe(r, 1, base, stride);
    probe(r, 2, base, stride);
    r.beginCapture();
    return r;
  }

  @Test
  void aVaryingValueReadsTheCounterWithItsStride() {
    StepRecorder r = probed(5, 128);
    assertArrayEquals(new long[] {1, 2, 9}, r.onOp("fill", new long[] {1, 2, 9}, -1));
    long[] gather = r.onOp("gatherRows", new long[] {100, 0, 5, 0, 7}, 1);
    assertArrayEquals(new long[] {100, COUNTER, 5, 128, 7}, gather);
    r.finishCapture();
  }

  @Test
  void aConstantPerStepValueStaysAPlainArgument() {
    StepRecorder r = probed(5, 0);
    r.onOp("fill", new long[] {1, 2, 9}, -1);
    assertArrayEquals(new long[] {100, 0, 5, 0, 7}, r.onOp("gatherRows", new long[] {100, 0, 5, 0, 7}, 1));
    r.finishCapture();
  }

  @Test
  void probesRecordWithoutRunning() {
    StepRecorder r = new StepRecorder(COUNTER);
    probe(r, 1, 0, 1);
    assertEquals(2, r.probe(0).size());
    assertEquals("gatherRows", r.probe(0).get(1).name());
  }

  @Test
  void aVaryingStaticArgumentIsAnError() {
    StepRecorder r = new StepRecorder(COUNTER);
    r.beginProbe();
    r.onOp("fill", new long[] {1, 2, 10}, -1);
    r.beginProbe();
    r.onOp("fill", new long[] {1, 2, 11}, -1);
    r.beginCapture();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.onOp("fill", new long[] {1, 2, 9}, -1));
    assertTrue(e.getMessage().contains("argument 2 of op 1 (fill)"), e.getMessage());
  }

  @Test
  void aNonAffineValueIsAnError() {
    StepRecorder r = new StepRecorder(COUNTER);
    r.beginProbe();
    r.onOp("normalNoise", new long[] {0, 0, 1, 0}, 1);
    r.beginProbe();
    r.onOp("normalNoise", new long[] {0, 0, 4, 0}, 1);
    r.beginCapture();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> r.onOp("normalNoise", new long[] {0, 0, 0, 0}, 1));
    assertTrue(e.getMessage().contains("not affine"), e.getMessage());
  }

  @Test
  void aDifferentOpSequenceIsAnError() {
    StepRecorder r = probed(0, 1);
    assertThrows(IllegalStateException.class, () -> r.onOp("copy", new long[] {1, 2, 9}, -1));
  }

  @Test
  void fewerOrMoreOpsAtCaptureAreErrors() {
    StepRecorder fewer = probed(0, 1);
    fewer.onOp("fill", new long[] {1, 2, 9}, -1);
    assertThrows(IllegalStateException.class, fewer::finishCapture);

    StepRecorder more = probed(0, 1);
    more.onOp("fill", new long[] {1, 2, 9}, -1);
    more.onOp("gatherRows", new long[] {100, 0, 0, 0, 7}, 1);
    assertThrows(IllegalStateException.class, () -> more.onOp("fill", new long[] {1, 2, 9}, -1));
  }

  @Test
  void phasesRunInOrder() {
    StepRecorder r = new StepRecorder(COUNTER);
    assertThrows(IllegalStateException.class, r::beginCapture);
    r.beginProbe();
    r.beginProbe();
    assertThrows(IllegalStateException.class, r::beginProbe);
  }
}
