package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.Vae;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Tensor;
import dev.vae4j.data.Dataset;
import dev.vae4j.data.DatasetSplit;
import dev.vae4j.model.Conditioning;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.TrainOptions;
import dev.vae4j.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code release(IndexTensor)} on the recording fake: one {@code cudaFree} of the buffer's own
 * allocation, a second release or a use after it refused on the host (the freed address may hold
 * another buffer by then), and a conditional model's per-call labels freed by the call that uploads
 * them, so that {@code sample} and {@code reconstruct} leave the device as they found it, as a
 * conditional model's training does (its orders and resident labels freed in {@code releaseBuffers}).
 */
class CudaIndexReleaseTest {
  private static final Pattern MALLOC = Pattern.compile("cudaMalloc (\\d+) -> (@\\d+)\\+0x0");
  private static final Pattern FREE = Pattern.compile("cudaFree (@\\d+)\\+0x0");

  /** The device allocations made in {@code lines}, as "bytes name". */
  private static List<String> mallocs(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      Matcher m = MALLOC.matcher(line.strip());
      if (m.matches()) out.add(m.group(1) + " " + m.group(2));
    }
    return out;
  }

  /** The allocations freed in {@code lines}, by name. */
  private static List<String> frees(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      Matcher m = FREE.matcher(line.strip());
      if (m.matches()) out.add(m.group(1));
    }
    return out;
  }

  private static List<String> names(List<String> mallocs) {
    return mallocs.stream().map(m -> m.substring(m.indexOf(' ') + 1)).toList();
  }

  @Test
  void releaseFreesTheBuffersAllocationOnce() {
    List<String> lines = CudaConditionalTest.transcript(new RecordingCuda(), b -> {
      IndexTensor indices = b.allocateIndices(6);
      b.uploadIndices(new int[] {0, 1, 2, 3, 2, 1}, indices);
      b.release(indices);
      assertThrows(IllegalStateException.class, () -> b.release(indices), "a second release");
      assertThrows(IllegalStateException.class, () -> b.uploadIndices(new int[6], indices), "an upload after release");
      Tensor src = b.allocate(4 * 3), dst = b.allocate(2 * 3);
      assertThrows(IllegalStateException.class, () -> b.gatherRows(src, 3, indices, 0, 2, dst), "a gather after release");
      assertThrows(IllegalStateException.class, () -> b.appendOneHot(dst, 3, indices, null, 0, 2, 4, src),
          "labels after release");
    });
    List<String> made = mallocs(lines);
    assertEquals("24 ", made.get(0).substring(0, 3), "the indices' 6 ints first: " + made);
    assertEquals(List.of(names(made).get(0)), frees(lines), "one cudaFree, of the indices' allocation: " + lines);
  }

  /**
   * A conditional model's {@code sample}, {@code decode} and {@code reconstruct} upload their labels
   * per call; every cudaMalloc in those calls has its cudaFree before the call returns, the labels'
   * among them, once per call.
   */
  @Test
  void conditionalSamplesFreeEveryAllocationTheyMake() {
    int calls = 3, rows = 7;
    RecordingCuda cuda = new RecordingCuda();
    List<String> lines = CudaConditionalTest.transcript(cuda, backend -> {
      Vae vae = Vae.create(VaeConfig.mnistDefault().withConditioning(Conditioning.of(10)), backend, 1);
      int[] labels = {0, 1, 2, 3, 9, 8, 7};
      vae.sample(rows, 0, labels); // the first pass's lasting set-up (the staging buffer, the libraries' workspaces) before the count
      cuda.mark("calls");
      for (int i = 0; i < calls; i++) vae.sample(rows, i + 1, labels);
      vae.reconstruct(new float[rows * 784], rows, 5, labels);
    });
    List<String> measured = lines.subList(lines.indexOf("# calls") + 1, lines.size());
    List<String> made = mallocs(measured);
    List<String> freed = frees(measured);
    assertEquals(names(made).stream().sorted().toList(), freed.stream().sorted().toList(),
        "each allocation freed once, nothing else freed: " + made + " against " + freed);
    long labelBuffers = made.stream().filter(m -> m.startsWith(rows * Integer.BYTES + " ")).count();
    assertTrue(labelBuffers >= calls + 1, "a label buffer per call (" + (calls + 1) + "): " + made);
  }

  /**
   * A conditional model's {@code Trainer.fit} (with a held-out validation part) frees every
   * allocation it makes: images, the training and validation orders, the resident labels, the step's
   * buffers. The second fit is the one counted, after the first has made what lasts.
   */
  @Test
  void conditionalTrainingFreesEveryAllocationItMakes() {
    int count = 96;
    byte[] pixels = new byte[count * 28 * 28];
    int[] labels = new int[count];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) random.nextInt(256);
    for (int i = 0; i < count; i++) labels[i] = random.nextInt(10);
    DatasetSplit data = new DatasetSplit("fake", Dataset.ofBytes("fake", pixels, labels, count, 28, 28), null);
    TrainOptions options = new TrainOptions(1, 32, 1e-3, 0, false, 1f, 0, 5, 0.25, false, 0);
    RecordingCuda cuda = new RecordingCuda();
    List<String> lines = CudaConditionalTest.transcript(cuda, backend -> {
      Vae vae = Vae.create(VaeConfig.mnistDefault().withConditioning(Conditioning.of(10)), backend, 1);
      Trainer.fit(vae, data, options);
      cuda.mark("fit");
      Trainer.fit(vae, data, options);
    });
    List<String> measured = lines.subList(lines.indexOf("# fit") + 1, lines.size());
    List<String> made = mallocs(measured);
    assertEquals(names(made).stream().sorted().toList(), frees(measured).stream().sorted().toList(),
        "each allocation freed once: " + made);
    assertTrue(made.stream().filter(m -> m.startsWith(count * Integer.BYTES + " ")).count() >= 1,
        "the resident labels (" + count + " ints) among them: " + made);
  }
}
