package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.RmspropParams;
import dev.vae4j.backend.SgdParams;
import dev.vae4j.backend.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link CudaOptimizer#update}'s host logic on the recording fake: plain Adam stays {@code
 * vae4j_adam}'s launch; every other rule (and Adam with L1) is one {@code vae4j_optimizer_update}
 * launch with its rule code, L1 and step as arguments, after gradient parts are added.
 */
class CudaOptimizerTest {

  private static List<String> launches(OptimizerParams hyper, double l1, int parts) {
    RecordingCuda cuda = new RecordingCuda();
    KernelImage image = KernelImage.load();
    if (image == null) image = new KernelImage(new byte[0], Map.of());
    try {
      CudaBackend backend = new CudaBackend(CudaOptions.defaults(), CudaProbe.probe(cuda, image), cuda, image);
      try {
        Tensor p = backend.allocate(1000), m = backend.allocate(1000), v = backend.allocate(1000);
        Tensor[] g = new Tensor[parts];
        for (int q = 0; q < parts; q++) g[q] = backend.allocate(1000);
        cuda.mark("update");
        backend.update(p, g, m, v, hyper, l1, 3);
        backend.synchronize();
      } finally {
        backend.close();
      }
    } finally {
      cuda.releaseHostMemory();
    }
    List<String> lines = Arrays.asList(cuda.transcript().split("\n"));
    return lines.subList(lines.lastIndexOf("# update") + 1, lines.size()).stream()
        .filter(l -> l.strip().startsWith("cuLaunchKernel") || l.strip().startsWith("cublasSgemm")).toList();
  }

  @Test
  void plainAdamIsAdamsLaunch() {
    List<String> l = launches(AdamParams.pytorchDefaults(1e-3), 0, 1);
    assertEquals(1, l.size(), l.toString());
    assertTrue(l.get(0).contains("vae4j_adam "), l.toString());
  }

  @Test
  void sgdIsOneFusedLaunchWithItsRuleAndStep() {
    List<String> l = launches(new SgdParams(0.1, 0.9, 0), 1e-3, 1);
    assertEquals(1, l.size(), l.toString());
    String launch = l.get(0);
    assertTrue(launch.contains("vae4j_optimizer_update "), launch);
    assertTrue(launch.contains(" i:00000000 "), "rule 0 (SGD): " + launch);
    assertTrue(launch.contains(" l:0300000000000000 "), "step 3: " + launch);
  }

  @Test
  void rmspropAndAdamWithL1PickTheirRules() {
    assertTrue(launches(RmspropParams.pytorchDefaults(1e-3, 0), 0, 1).get(0).contains(" i:01000000 "));
    assertTrue(launches(AdamParams.pytorchDefaults(1e-3), 1e-4, 1).get(0).contains(" i:02000000 "));
  }

  @Test
  void gradientPartsAreAddedFirst() {
    List<String> l = launches(new SgdParams(0.1, 0, 0), 0, 2);
    assertTrue(l.get(l.size() - 1).contains("vae4j_optimizer_update "), l.toString());
    assertTrue(l.size() >= 2, "an addInto before the update: " + l);
  }
}
