package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;
import dev.vae4j.train.EpochMetrics;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real photographs: 120 JPEG patches of 24x24 cut from scikit-image's CC0 / public-domain photos
 * (src/tools/photo-patches), one class folder per photo. A colour MLP learns them: its loss falls
 * over a few epochs.
 */
class ImageFolderPhotosTest {
  @Test
  void aColourModelLearnsRealPhotoPatches() throws Exception {
    Path folder = Path.of(getClass().getResource("photo-patches").toURI());
    DatasetSplit split = Datasets.load(DataSpec.of(folder.toString()));
    Dataset train = split.train();
    assertEquals(List.of("astronaut", "chelsea", "coffee"), train.classNames());
    assertEquals(3, train.channels());
    assertEquals(24, train.height());
    assertEquals(108, train.count());
    assertEquals(12, split.test().count());
    try (CpuBackend backend = new CpuBackend()) {
      VaeConfig config = VaeConfig.mlp(new Shape(3, 24, 24), new int[] {128}, 8, Likelihood.parse("continuous-bernoulli"));
      Vae model = Vae.create(config, backend, 1);
      TrainOptions options = new TrainOptions(6, 16, 1e-3, 0, false, 1f, 0, 1, 0, true, 0);
      List<EpochMetrics> epochs = Trainer.fit(model, split, options).epochs();
      double first = epochs.get(0).trainLoss(), last = epochs.get(epochs.size() - 1).trainLoss();
      assertTrue(last < first, "training loss falls: " + first + " -> " + last);
      assertTrue(epochs.get(epochs.size() - 1).valLoss() < epochs.get(0).valLoss(), "test loss falls: " + epochs);
    }
  }
}
