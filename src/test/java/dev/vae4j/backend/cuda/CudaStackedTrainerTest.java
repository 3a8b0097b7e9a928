package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vae4j.Vae;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.RunControl;
import dev.vae4j.train.StackedTrainer;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.TrainingListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link StackedTrainer} on the CUDA backend's host side ({@link RecordingCuda}, no GPU): each
 * epoch's full batches are one captured CUDA graph replayed once per batch, the partial batch and
 * the validation batches plain launches, and nothing the stack changes between epochs (its
 * settings table, the epoch order) is queued inside a capture.
 */
class CudaStackedTrainerTest {
  private static final VaeConfig CONFIG = VaeConfig.mlp(7 * 7, new int[] {16}, 3, Likelihood.BERNOULLI);

  @Test
  void everyEpochReplaysOneGraphPerFullBatch() {
    RecordingCuda cuda = new RecordingCuda();
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    List<StackedTrainer.Outcome> outcomes;
    try {
      CudaBackend backend = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
      try {
        // 300 images, 10% held out: 270 training rows, 4 batches of 64 and one of 14, 30 validation rows.
        DatasetSplit data = new DatasetSplit("synthetic", Benchmark.syntheticImages(300, 7, 7, 5), null);
        List<StackedTrainer.Member> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          TrainOptions options = new TrainOptions(2, 64, 1e-3 * (i + 1), 0, false, 1f + i, 0, 10 + i, 0.1, false, 0);
          members.add(new StackedTrainer.Member(Vae.create(CONFIG, backend, i), options, new TrainingListener() {},
              RunControl.fresh()));
        }
        cuda.mark("fit");
        outcomes = StackedTrainer.fit(members, data);
        cuda.mark("end");
      } finally {
        backend.close();
      }
    } finally {
      cuda.releaseHostMemory();
    }
    for (StackedTrainer.Outcome o : outcomes) assertNull(o.failure(), () -> String.valueOf(o.failure()));
    List<String> lines = Arrays.asList(cuda.transcript().split("\n"));
    lines = lines.subList(lines.lastIndexOf("# fit") + 1, lines.lastIndexOf("# end"));
    assertEquals(2, count(lines, "cudaStreamBeginCapture"), "one capture an epoch");
    assertEquals(2, count(lines, "cudaGraphInstantiate"), "one graph an epoch");
    assertEquals(2 * 4, count(lines, "cudaGraphLaunch"), "one replay per full batch");
  }

  private static long count(List<String> lines, String call) {
    return lines.stream().filter(l -> l.strip().startsWith(call + " ")).count();
  }
}
