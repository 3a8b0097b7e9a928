package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EpochOrderTest {
  private static final int[] ROWS = {10, 11, 12, 13, 14, 15, 16, 17};

  /** The orders every run so far was trained in: a change here changes every seeded run's weights. */
  @Test
  void drawsTheOrdersRunsHaveAlwaysUsed() {
    EpochOrder order = new EpochOrder(ROWS, 7);
    assertArrayEquals(new int[] {10, 15, 16, 17, 12, 13, 11, 14}, order.of(1));
    assertArrayEquals(new int[] {12, 15, 14, 11, 17, 10, 16, 13}, order.of(2));
    assertArrayEquals(new int[] {1, 0, 4, 7, 2, 3, 5, 6}, EpochOrder.shuffledRange(8, new SplittableRandom(42)));
  }

  @Test
  void anEpochsOrderCanBeRecomputed() {
    int[] rows = ROWS.clone();
    EpochOrder order = new EpochOrder(rows, 3);
    rows[0] = 99; // copied
    int[] first = order.of(5);
    first[0] = -1; // a fresh array each time
    assertArrayEquals(new EpochOrder(ROWS, 3).of(5), order.of(5));
    int[] sorted = order.of(5);
    Arrays.sort(sorted);
    assertArrayEquals(ROWS, sorted, "a permutation of the rows");
    assertFalse(Arrays.equals(order.of(5), order.of(6)), "epochs differ");
    assertFalse(Arrays.equals(order.of(5), new EpochOrder(ROWS, 4).of(5)), "seeds differ");
  }

  @Test
  void shuffleIsFisherYatesFromTheEnd() {
    SplittableRandom reference = new SplittableRandom(9);
    int[] expected = EpochOrder.range(0, 50);
    for (int i = expected.length - 1; i > 0; i--) {
      int j = reference.nextInt(i + 1);
      int t = expected[i];
      expected[i] = expected[j];
      expected[j] = t;
    }
    int[] input = EpochOrder.range(0, 50);
    assertArrayEquals(expected, EpochOrder.shuffle(input, new SplittableRandom(9)));
    assertArrayEquals(EpochOrder.range(0, 50), input, "the input is left alone");
    assertArrayEquals(expected, EpochOrder.shuffledRange(50, new SplittableRandom(9)));
  }
}
