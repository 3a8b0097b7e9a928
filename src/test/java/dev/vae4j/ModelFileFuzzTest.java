package dev.vae4j;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vae4j.backend.cpu.CpuBackend;
import dev.vae4j.io.FormatException;
import dev.vae4j.io.HeaderSurgery;
import dev.vae4j.io.SafeTensors;
import dev.vae4j.train.Checkpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the safetensors reader, the model loader and the checkpoint loader: any input must load or
 * be refused with a {@link FormatException}; and the checksum over the tensor table: any edit of a
 * header must be refused. Replays src/test/resources/dev/vae4j/ModelFileFuzzTestInputs
 * in every build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class ModelFileFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
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
   * The checksum over the tensor table: a file vae4j wrote (tensors, shapes and metadata from the
   * fuzzer), then one edit of its header that keeps the recorded checksum (swapped byte ranges,
   * another shape or dtype, a renamed tensor, an edited metadata value, as a forger would make
   * them). A header that differs from the original must be refused; one that does not (an edit
   * that changed nothing) must load, sealed fully.
   */
  @FuzzTest(maxDuration = "3m")
  void tableChecksum(FuzzedDataProvider data) throws IOException {
    int count = data.consumeInt(1, 4);
    java.util.List<SafeTensors.Tensor> tensors = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      long[] shape = new long[data.consumeInt(0, 2)];
      int size = 1;
      for (int d = 0; d < shape.length; d++) size *= (int) (shape[d] = data.consumeInt(0, 3));
      float[] values = new float[size];
      for (int v = 0; v < size; v++) values[v] = data.consumeRegularFloat(-1e3f, 1e3f);
      tensors.add(new SafeTensors.Tensor("t" + i, shape, values));
    }
    byte[] file = SafeTensors.encode(java.util.Map.of("k", data.consumeAsciiString(4)), tensors);
    long n = java.nio.ByteBuffer.wrap(file, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    ObjectNode original = (ObjectNode) JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
    ObjectNode edited = original.deepCopy();
    ObjectNode a = (ObjectNode) edited.get("t" + data.consumeInt(0, count - 1));
    ObjectNode b = (ObjectNode) edited.get("t" + data.consumeInt(0, count - 1));
    switch (data.consumeInt(0, 4)) {
      case 0 -> {
        JsonNode offsets = a.get("data_offsets");
        a.set("data_offsets", b.get("data_offsets"));
        b.set("data_offsets", offsets);
      }
      case 1 -> a.putArray("shape").add(data.consumeInt(0, 6)).add(data.consumeInt(0, 6));
      case 2 -> a.put("dtype", data.pickValue(new String[] {"F32", "F64"}));
      case 3 -> {
        String from = edited.properties().stream().filter(e -> e.getValue() == a).findFirst().orElseThrow().getKey();
        edited.set(from + data.consumeAsciiString(2), edited.remove(from));
      }
      default -> ((ObjectNode) edited.get("__metadata__")).put("k", data.consumeAsciiString(4));
    }
    byte[] forged = HeaderSurgery.withHeader(file, edited);
    try {
      SafeTensors.Contents c = SafeTensors.read(forged, "fuzz");
      if (!edited.equals(original)) throw new AssertionError("a changed header passed the checksum: " + edited);
      if (c.seal() != SafeTensors.Seal.FULL) throw new AssertionError("not sealed fully");
    } catch (FormatException refused) {
      if (edited.equals(original)) throw new AssertionError("an unchanged header was refused", refused);
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
