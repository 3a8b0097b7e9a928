package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vae4j.backend.Likelihood;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;
import org.junit.jupiter.api.Test;

/** The stacked sweep's estimate of how many models one stacked fit on a GPU takes. */
class StackMemoryTest {
  private static final VaeConfig MNIST = VaeConfig.mlp(new Shape(1, 28, 28), new int[] {400}, 20, Likelihood.BERNOULLI);

  @Test
  void aModelAddsItsParameterCopiesAndItsBatchsActivations() {
    long parameters = 784 * 400 + 400 + 400 * 40 + 40 + 20 * 400 + 400 + 400 * 784 + 784; // 652,824
    long widths = 784 * 2 + 4 * 20 + 2 * 400; // input and logits, mu/logvar/z/noise, the hidden layers
    assertEquals((5 * parameters + 2 * widths * 128) * 4, StackMemory.bytesPerModel(MNIST, 128));
  }

  @Test
  void halfTheGpusMemoryOverEachModelsBoundedByTheGroup() {
    assertEquals(64, StackMemory.models(MNIST, 128, 16L << 30, 64), "16 GiB hold 551 such models: the group's 64");
    assertEquals(34, StackMemory.models(MNIST, 128, 1L << 30, 64), "1 GiB: 512 MiB / 15.6 MB");
    assertEquals(1, StackMemory.models(MNIST, 128, 1L << 20, 64), "always at least one");
  }
}
