package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PendingRanges} against a model of one flag per element (newer in the mirror or not), over
 * random sequences of writes to the mirror, copies back and mirror refreshes: the heap and the
 * mirror end as the model says, whatever the ranges' splits and merges. The seed is printed.
 */
class PendingRangesTest {
  private final long seed = new Random().nextLong();

  @Test
  void everyElementReadsItsLatestValueWhateverTheSequence() {
    Random random = new Random(seed);
    int n = 64 + random.nextInt(200);
    float[] heap = new float[n];
    FloatBuffer mirror = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    float[] latest = new float[n]; // the value each element should read
    boolean[] pending = new boolean[n];
    PendingRanges ranges = new PendingRanges();
    float next = 1;
    for (int op = 0; op < 2000; op++) {
      int from = random.nextInt(n), to = from + 1 + random.nextInt(n - from);
      String what = "op " + op + " on [" + from + ", " + to + ") (seed " + seed + ")";
      switch (random.nextInt(4)) {
        case 0 -> { // a GEMM writes the mirror
          for (int i = from; i < to; i++) {
            mirror.put(i, next);
            latest[i] = next++;
            pending[i] = true;
          }
          ranges.add(from, to);
        }
        case 1 -> { // an op asks for the heap, then writes it
          ranges.copyBack(from, to, mirror, heap);
          for (int i = from; i < to; i++) {
            assertEquals(latest[i], heap[i], "heap element " + i + " after copying back, " + what);
            pending[i] = false;
            heap[i] = next;
            latest[i] = next++;
          }
        }
        case 2 -> { // Adam reads the mirror
          ranges.refreshOutside(from, to, mirror, heap);
          for (int i = from; i < to; i++) assertEquals(latest[i], mirror.get(i), "mirror element " + i + ", " + what);
        }
        default -> {
          boolean any = false;
          for (int i = from; i < to; i++) any |= pending[i];
          assertEquals(any, ranges.overlaps(from, to), what);
        }
      }
    }
    ranges.copyBack(0, n, mirror, heap);
    for (int i = 0; i < n; i++) assertEquals(latest[i], heap[i], "heap element " + i + " at the end (seed " + seed + ")");
    assertEquals(true, ranges.isEmpty(), "nothing pending at the end (seed " + seed + ")");
  }
}
