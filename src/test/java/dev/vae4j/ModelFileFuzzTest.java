package dev.vae4j;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.io.FormatException;
import dev.vae4j.io.SafeTensors;
import dev.vae4j.train.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the safetensors reader, the model loader and the checkpoint loader: any input must load or
 * be refused with a {@link FormatException}. Replays src/test/resources/dev/vae4j/ModelFileFuzzTestInputs
 * in every build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class ModelFileFuzzTest {
  private static CpuBackend backend;
  private static Path file;

  @BeforeAll
  static void open() throws IOException {
    backend = new CpuBackend();
    file = Files.createTempFile("vae4j-fuzz", ".safetensors");
  }

  @AfterAll
  static void close() throws IOException {
    backend.close();
    Files.deleteIfExists(file);
  }

  @FuzzTest(maxDuration = "3m")
  void safetensors(byte[] input) {
    try {
      SafeTensors.read(input, "fuzz");
    } catch (FormatException expected) {
      // a clear refusal
    }
  }

  @FuzzTest(maxDuration = "3m")
  void model(byte[] input) throws IOException {
    for (byte[] bytes : asIsAndResealed(input)) {
      Files.write(file, bytes);
      try {
        Vae model = Vae.load(file, backend);
        if (model.parameters().length != model.layout().size()) throw new AssertionError("parameter count");
      } catch (FormatException expected) {
        // a clear refusal
      }
    }
  }

  @FuzzTest(maxDuration = "3m")
  void checkpoint(byte[] input) {
    for (byte[] bytes : asIsAndResealed(input)) {
      try {
        Checkpoints.read(bytes, "fuzz");
      } catch (FormatException expected) {
        // a clear refusal
      }
    }
  }

  /**
   * The input, and (when it parses as safetensors) the same tensors and metadata written again
   * with a valid checksum: mutations almost never keep a SHA-256 right, and without this the
   * fuzzer would not get past the checksum to the configuration and state parsing behind it.
   */
  private static java.util.List<byte[]> asIsAndResealed(byte[] input) {
    try {
      SafeTensors.Contents c = SafeTensors.read(input, "fuzz");
      java.util.List<SafeTensors.Tensor> tensors = new java.util.ArrayList<>();
      c.tensors().forEach((name, e) -> tensors.add(new SafeTensors.Tensor(name, e.shape(), e.floats())));
      java.util.Map<String, String> metadata = new java.util.LinkedHashMap<>(c.metadata());
      metadata.remove(SafeTensors.CHECKSUM_KEY);
      return java.util.List.of(input, SafeTensors.encode(metadata, tensors));
    } catch (IOException e) {
      return java.util.List.of(input);
    }
  }
}
