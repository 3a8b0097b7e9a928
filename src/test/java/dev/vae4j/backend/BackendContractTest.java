package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every family's contract ({@link MemoryOpsContract}, {@link DenseOpsContract}, {@link ConvOpsContract}, {@link
 * LatentOpsContract}, {@link IwaeOpsContract}, {@link LossOpsContract}, {@link OptimizerOpsContract}) and the {@link
 * Backend}'s own (batch parts), on one backend made by the subclass. Each backend runs this by
 * extending it; a new family's contract joins the list of interfaces here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContractTest
    implements MemoryOpsContract, DenseOpsContract, ConvOpsContract, LatentOpsContract, IwaeOpsContract, LossOpsContract,
        OptimizerOpsContract, StackedOpsContract {
  protected Backend backend;
  protected long seed;
  protected Random random;

  /** The backend under test; called once. */
  protected abstract Backend createBackend();

  @BeforeAll
  void open() {
    backend = createBackend();
    seed = new Random().nextLong();
    random = new Random(seed);
  }

  @AfterAll
  void close() {
    backend.close();
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public long seed() {
    return seed;
  }

  @Override
  public Random random() {
    return random;
  }

  @Test
  void inParallelRunsEveryPartOnce() {
    int parts = backend.batchParts();
    assertTrue(parts >= 1, "batchParts " + parts);
    float[][] values = new float[parts][];
    Tensor[] outs = new Tensor[parts];
    for (int p = 0; p < parts; p++) {
      values[p] = gaussian(50_000, 1);
      outs[p] = upload(values[p]);
    }
    backend.inParallel(parts, p -> backend.biasActivation(outs[p], null, 100, 500, Activation.RELU));
    for (int p = 0; p < parts; p++) {
      float[] out = backend.download(outs[p]);
      for (int i = 0; i < out.length; i++) assertEquals(Math.max(values[p][i], 0f), out[i], "part " + p + " [" + i + "]");
    }
    IllegalStateException failure = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> backend.inParallel(parts, p -> {
          if (p == parts - 1) throw new IllegalStateException("part " + p + " failed");
        }));
    assertEquals("part " + (parts - 1) + " failed", failure.getMessage());
  }
}
