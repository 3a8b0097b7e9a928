package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.data.DatasetSplit;
import java.io.IOException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What --balance is for: a class the data under-represents is learnt as if it were not rare. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BalancedTrainingTest {
  private RareDigits digits;

  @BeforeAll
  void open() throws IOException {
    digits = RareDigits.open("BalancedTrainingTest");
  }

  @AfterAll
  void close() {
    digits.close();
  }

  @Test
  void oversamplingLowersTheRareClasssReconstructionLoss() {
    double[] loss = digits.rareTestLossWithoutAndWith(o -> o.withBalance(Balance.OVERSAMPLE), "--balance oversample");
    assertTrue(loss[1] < 0.9 * loss[0], "oversampled " + loss[1] + " vs " + loss[0] + " nats per image");
  }

  @Test
  void anEpochHasEveryClassAtTheLargestsCountWhenOversampling() {
    DatasetSplit data = digits.rareThrees();
    int[] perClass = new int[10];
    for (int l : data.train().labels()) perClass[l]++;
    int largest = IntStream.of(perClass).max().getAsInt();
    TrainOptions options = RareDigits.options(1, 500).withBalance(Balance.OVERSAMPLE);
    int[] steps = {0};
    Trainer.fit(digits.model(), data, options, new TrainingListener() {
      @Override
      public void epochStarted(int epoch, int stepsInEpoch) {
        steps[0] = stepsInEpoch;
      }
    });
    assertEquals((10 * largest + 499) / 500, steps[0], "ceil(classes * largest / batch) batches");
  }

  @Test
  void balancingUnlabelledImagesIsRefused() {
    TrainOptions options = RareDigits.options(1, 100).withBalance(Balance.UNDERSAMPLE);
    assertThrows(IllegalArgumentException.class, () -> Trainer.fit(digits.model(), digits.unlabelled(), options));
  }
}
