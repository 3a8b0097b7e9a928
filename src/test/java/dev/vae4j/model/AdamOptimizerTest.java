package dev.vae4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vae4j.backend.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

class AdamOptimizerTest {

  @Test
  void subnormalMomentsCountsBothMomentsButNotZerosOrNormals() {
    try (CpuBackend backend = new CpuBackend(1)) {
      AdamOptimizer adam = new AdamOptimizer(backend, 5);
      backend.upload(new float[] {Float.MIN_VALUE, -Float.MIN_VALUE, 0f, Float.MIN_NORMAL, 1f}, adam.firstMoment());
      backend.upload(new float[] {Float.MIN_NORMAL / 2, 0f, 0f, 3f, Float.MIN_VALUE}, adam.secondMoment());
      assertEquals(4, adam.subnormalMoments());
      adam.release();
    }
  }
}
