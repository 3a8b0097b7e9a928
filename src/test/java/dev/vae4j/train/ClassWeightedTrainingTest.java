package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What --class-weights is for: a class the data under-represents is learnt faster when its rows weigh more. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClassWeightedTrainingTest {
  private RareDigits digits;

  @BeforeAll
  void open() throws IOException {
    digits = RareDigits.open("ClassWeightedTrainingTest");
  }

  @AfterAll
  void close() {
    digits.close();
  }

  @Test
  void autoWeightsLowerTheRareClasssReconstructionLoss() {
    double[] loss = digits.rareTestLossWithoutAndWith(o -> o.withClassWeights(ClassWeights.AUTO), "--class-weights auto");
    assertTrue(loss[1] < 0.9 * loss[0], "weighted " + loss[1] + " vs " + loss[0] + " nats per image");
  }

  /** scikit-learn's "balanced": N / (C * n_c), a mean of 1 over the rows; a class absent from the rows weighs 1. */
  @Test
  void autoIsInverseFrequencyWithAMeanOfOne() {
    int[] labels = {0, 0, 0, 1, 2, 2, 0, 9};
    int[] rows = {0, 1, 2, 3, 4, 5, 6}; // label 9's image is held out
    float[] w = ClassWeights.AUTO.perClass(rows, labels, 4);
    assertArrayEquals(new float[] {7f / (3 * 4), 7f / 3, 7f / (3 * 2), 1f}, w, 1e-6f);
    double mean = IntStream.of(rows).mapToDouble(r -> w[labels[r]]).sum() / rows.length;
    assertEquals(1, mean, 1e-6);
    assertArrayEquals(new float[] {2f, 0.5f}, ClassWeights.parse("2,0.5").perClass(rows, new int[] {0, 1, 0, 1, 0, 1, 0}, 2));
  }

  @Test
  void badWeightsAndUnlabelledImagesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse("1,0"));
    assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse("1,NaN"));
    assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse("1,,2"));
    assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse("1,2").perClass(new int[] {0}, new int[] {0}, 3));
    TrainOptions options = RareDigits.options(1, 100).withClassWeights(ClassWeights.AUTO);
    assertThrows(IllegalArgumentException.class, () -> Trainer.fit(digits.model(), digits.unlabelled(), options));
  }
}
