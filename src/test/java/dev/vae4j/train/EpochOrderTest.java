package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  // Rows 0..9 labelled: class 0 has 6 rows, class 1 has 3, class 2 has 1.
  private static final int[] LABELED = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  private static final int[] LABELS = {0, 0, 1, 0, 1, 0, 0, 2, 1, 0};

  private static int[] countPerRow(int[] order) {
    int[] count = new int[LABELED.length];
    for (int r : order) count[r]++;
    return count;
  }

  @Test
  void oversamplingDrawsEveryClassAsOftenAsTheLargest() {
    EpochOrder order = EpochOrder.balanced(LABELED, LABELS, Balance.OVERSAMPLE, 5);
    assertEquals(18, order.size(), "3 classes of 6");
    for (int epoch = 1; epoch <= 20; epoch++) {
      int[] drawn = order.of(epoch);
      assertEquals(18, drawn.length);
      int[] perClass = new int[3];
      for (int r : drawn) perClass[LABELS[r]]++;
      assertArrayEquals(new int[] {6, 6, 6}, perClass, "epoch " + epoch);
      int[] perRow = countPerRow(drawn);
      for (int r = 0; r < LABELED.length; r++) {
        if (LABELS[r] == 0) assertEquals(1, perRow[r], "the largest class: each row once");
        if (LABELS[r] == 1) assertEquals(2, perRow[r], "6 = 2 x 3: each row twice, no remainder");
        if (LABELS[r] == 2) assertEquals(6, perRow[r], "the single row six times");
      }
    }
  }

  @Test
  void oversamplingAddsASeededRemainderWithoutRepeats() {
    int[] labels = {0, 0, 0, 0, 0, 1, 1}; // 5 and 2: class 1's rows twice each, then one of them a third time
    int[] rows = EpochOrder.range(0, 7);
    EpochOrder order = EpochOrder.balanced(rows, labels, Balance.OVERSAMPLE, 11);
    java.util.Set<Integer> thirds = new java.util.HashSet<>();
    for (int epoch = 1; epoch <= 40; epoch++) {
      int[] count = new int[7];
      for (int r : order.of(epoch)) count[r]++;
      assertTrue(count[5] + count[6] == 5 && Math.min(count[5], count[6]) == 2, "epoch " + epoch);
      thirds.add(count[5] == 3 ? 5 : 6);
    }
    assertEquals(2, thirds.size(), "the remainder's row varies with the epoch");
  }

  @Test
  void undersamplingDrawsASeededSubsetOfTheSmallestsSize() {
    EpochOrder order = EpochOrder.balanced(LABELED, LABELS, Balance.UNDERSAMPLE, 5);
    assertEquals(3, order.size(), "3 classes of 1");
    java.util.Set<Integer> firstClass = new java.util.HashSet<>();
    for (int epoch = 1; epoch <= 40; epoch++) {
      int[] drawn = order.of(epoch);
      int[] perClass = new int[3];
      for (int r : drawn) perClass[LABELS[r]]++;
      assertArrayEquals(new int[] {1, 1, 1}, perClass, "epoch " + epoch);
      for (int r : drawn) if (LABELS[r] == 0) firstClass.add(r);
    }
    assertEquals(6, firstClass.size(), "every row of the large class is drawn in some epoch");
  }

  @Test
  void balancedOrdersAreDeterministicForASeed() {
    for (Balance balance : new Balance[] {Balance.OVERSAMPLE, Balance.UNDERSAMPLE}) {
      EpochOrder a = EpochOrder.balanced(LABELED, LABELS, balance, 3);
      EpochOrder b = EpochOrder.balanced(LABELED.clone(), LABELS.clone(), balance, 3);
      assertArrayEquals(a.of(4), b.of(4), balance.text());
      assertArrayEquals(a.of(4), a.of(4), balance.text());
      assertFalse(Arrays.equals(a.of(4), EpochOrder.balanced(LABELED, LABELS, balance, 4).of(4)), "seeds differ");
    }
    // Pinned: a change here changes every balanced run's weights.
    assertArrayEquals(new int[] {1, 8, 7}, EpochOrder.balanced(LABELED, LABELS, Balance.UNDERSAMPLE, 3).of(1));
    assertArrayEquals(new int[] {7, 7, 7, 8, 5, 4, 6, 0, 7, 4, 2, 3, 9, 2, 1, 7, 7, 8},
        EpochOrder.balanced(LABELED, LABELS, Balance.OVERSAMPLE, 3).of(1));
  }

  @Test
  void noBalanceIsThePlainShuffle() {
    assertArrayEquals(new EpochOrder(ROWS, 7).of(3), EpochOrder.balanced(ROWS, null, Balance.NONE, 7).of(3));
  }

  @Test
  void balancingNeedsLabels() {
    assertThrows(IllegalArgumentException.class, () -> EpochOrder.balanced(ROWS, null, Balance.OVERSAMPLE, 7));
  }
}
