package dev.vae4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.BackendContractTest;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/** The CPU backend as users get it (oneDNN GEMMs, Vector API loops), against every op contract. */
class CpuBackendTest extends BackendContractTest {
  @Override
  protected Backend createBackend() {
    return new CpuBackend(2);
  }

  @Test
  void runsOneDnnWhenItsNativesArePresent() {
    assumeTrue(CpuBackendTest.class.getResource("/org/bytedeco/dnnl/" + Loader.getPlatform() + "/libjnidnnl.so") != null,
        "oneDNN's natives are not on the class path (the GPU check kit leaves them out)");
    assertTrue(backend.description().startsWith("oneDNN "), backend.description());
  }
}
