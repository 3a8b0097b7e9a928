package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.DropoutMask;
import dev.vae4j.backend.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link CudaLatent#dropout}'s host logic on the recording fake: one {@code vae4j_dropout} launch
 * with the key, the integer threshold and the scale as arguments; in a recorded step its step comes
 * from the device counter (base and stride), as the noise's stream does.
 */
class CudaDropoutTest {

  private static List<String> launches(Consumer<CudaBackend> body) {
    RecordingCuda cuda = new RecordingCuda();
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    try {
      CudaBackend backend = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
      try {
        cuda.mark("body");
        body.accept(backend);
        backend.synchronize();
      } finally {
        backend.close();
      }
    } finally {
      cuda.releaseHostMemory();
    }
    List<String> lines = Arrays.asList(cuda.transcript().split("\n"));
    return lines.subList(lines.lastIndexOf("# body") + 1, lines.size()).stream()
        .filter(l -> l.contains("vae4j_dropout")).toList();
  }

  private static String i32(int v) {
    return String.format("i:%02x%02x%02x%02x", v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24);
  }

  @Test
  void dropoutIsOneLaunchWithItsKeyThresholdAndScale() {
    List<String> l = launches(b -> {
      Tensor t = b.allocate(3 * 10);
      b.dropout(t, 3, 10, 64, 1L, 7L, 2, 0.25f);
      b.dropoutBackward(t, 3, 10, 64, 1L, 7L, 2, 0.25f);
    });
    assertEquals(2, l.size(), l.toString());
    assertEquals(l.get(0), l.get(1), "the backward regenerates the forward's mask");
    String launch = l.get(0);
    assertTrue(launch.contains(i32(3) + " " + i32(10) + " " + i32(64) + " "), "rows, cols, first row: " + launch);
    assertTrue(launch.contains(" pnull l:0700000000000000 l:0000000000000000 " + i32(2) + " "
        + i32(DropoutMask.threshold(0.25f)) + " "), "no counter, step 7, layer 2, threshold: " + launch);
  }

  @Test
  void aRecordedStepTakesTheStepFromTheCounter() {
    List<String> l = launches(b -> {
      Tensor t = b.allocate(2 * 8);
      try (Backend.RecordedStep step = b.recordStep(k -> b.dropout(t, 2, 8, 0, 1L, 5 + k, 0, 0.5f))) {
        step.replay();
      }
    });
    assertTrue(l.stream().anyMatch(s -> s.matches(".* p@\\d+\\+0x0 l:0500000000000000 l:0100000000000000 .*")),
        "step = 5 + counter: " + l);
  }
}
