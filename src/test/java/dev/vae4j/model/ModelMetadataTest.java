package dev.vae4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.io.FormatException;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelMetadataTest {
  @Test
  void everyLikelihoodAndTheInputShapeRoundTrip() throws FormatException {
    for (Likelihood l : Likelihood.values()) {
      VaeConfig c = VaeConfig.mlp(new Shape(1, 20, 30), new int[] {64, 32}, 5, l);
      Map<String, String> m = ModelMetadata.describe(c);
      assertEquals("1x20x30", m.get("vae4j.input_shape"));
      assertEquals(l.cliName(), m.get("vae4j.likelihood"));
      assertEquals(c, ModelMetadata.config(m, "m.safetensors"));
    }
  }

  /** A non-ReLU MLP records its activation; a ReLU one keeps today's keys; a bad name is named. */
  @Test
  void theHiddenActivationRoundTripsOnlyWhenNotRelu() throws FormatException {
    for (ActivationFunction a : new ActivationFunction[] {ActivationFunction.of(Activation.ELU),
        ActivationFunction.of(Activation.TANH), ActivationFunction.of(Activation.LEAKY_RELU),
        ActivationFunction.leakyRelu(0.2f), ActivationFunction.leakyRelu(0.99f)}) {
      VaeConfig c = VaeConfig.mlp(new Shape(1, 20, 30), new int[] {64, 32}, 5, Likelihood.BERNOULLI, a);
      Map<String, String> m = ModelMetadata.describe(c);
      assertEquals(HiddenActivations.name(a), m.get("vae4j.activation"));
      assertEquals(a.isDefaultSlope() ? a.kind().name().toLowerCase().replace('_', '-') : "leaky-relu:" + a.slope(),
          m.get("vae4j.activation"));
      assertEquals(c, ModelMetadata.config(m, "m.safetensors"));
    }
    assertTrue(!ModelMetadata.describe(VaeConfig.mnistDefault()).containsKey("vae4j.activation"));
    Map<String, String> bad = new HashMap<>(ModelMetadata.describe(
        VaeConfig.mlp(new Shape(1, 20, 30), new int[] {8}, 2, Likelihood.BERNOULLI, Activation.TANH)));
    bad.put("vae4j.activation", "swish");
    String message = assertThrows(FormatException.class, () -> ModelMetadata.config(bad, "m.safetensors")).getMessage();
    assertTrue(message.contains("swish"), message);
    bad.put("vae4j.activation", "leaky-relu:1.5");
    message = assertThrows(FormatException.class, () -> ModelMetadata.config(bad, "m.safetensors")).getMessage();
    assertTrue(message.contains("(0, 1)"), message);
  }

  /** What every model file before input shapes held: it reads back as flat rows, the same model. */
  @Test
  void anOlderFileWithoutAnInputShapeReadsBackFlat() throws FormatException {
    Map<String, String> old = Map.of("vae4j.format", "1", "vae4j.input_size", "784", "vae4j.hidden", "400",
        "vae4j.latent", "20", "vae4j.likelihood", "bernoulli");
    VaeConfig c = ModelMetadata.config(old, "old.safetensors");
    assertEquals(Shape.flat(784), c.input());
    assertTrue(c.sameModelAs(VaeConfig.mnistDefault()));
  }

  @Test
  void anInputShapeThatDoesNotHoldTheInputSizeIsNamed() {
    Map<String, String> m = new HashMap<>(ModelMetadata.describe(VaeConfig.mnistDefault()));
    m.put("vae4j.input_shape", "3x28x28");
    FormatException e = assertThrows(FormatException.class, () -> ModelMetadata.config(m, "bad.safetensors"));
    assertTrue(e.getMessage().startsWith("bad.safetensors: ") && e.getMessage().contains("3x28x28"), e.getMessage());
  }
}
