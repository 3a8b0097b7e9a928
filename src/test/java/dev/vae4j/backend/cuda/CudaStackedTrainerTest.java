package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vae4j.Vae;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.bench.Benchmark;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.RunControl;
import dev.vae4j.train.StackedTrainer;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.TrainingInterruptedException;
import dev.vae4j.train.TrainingState;
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
 * settings table, the epoch order, a rebuild after a member left) is queued inside a capture.
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
          TrainOptions options = new TrainOptions(3, 64, 1e-3 * (i + 1), 0, false, 1f + i, 0, 10 + i, 0.1, false, 0);
          List<TrainingState> saved = new ArrayList<>();
          // Member 0 stops after epoch 1: the stack is rebuilt for the other two.
          RunControl control = new RunControl(null, saved::add, false, i == 0 ? () -> !saved.isEmpty() : null);
          members.add(new StackedTrainer.Member(Vae.create(CONFIG, backend, i), options, new TrainingListener() {},
              control));
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
    assertInstanceOf(TrainingInterruptedException.class, outcomes.get(0).failure());
    for (StackedTrainer.Outcome o : outcomes.subList(1, 3)) assertNull(o.failure(), () -> String.valueOf(o.failure()));
    List<String> lines = Arrays.asList(cuda.transcript().split("\n"));
    lines = lines.subList(lines.lastIndexOf("# fit") + 1, lines.lastIndexOf("# end"));
    assertEquals(3, count(lines, "cudaStreamBeginCapture"), "one capture an epoch");
    assertEquals(3, count(lines, "cudaGraphInstantiate"), "one graph an epoch");
    assertEquals(3 * 4, count(lines, "cudaGraphLaunch"), "one replay per full batch");
  }

  private static long count(List<String> lines, String call) {
    return lines.stream().filter(l -> l.strip().startsWith(call + " ")).count();
  }
}
