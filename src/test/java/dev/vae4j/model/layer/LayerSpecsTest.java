package dev.vae4j.model.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Likelihood;
import dev.vae4j.model.ModelMetadata;
import dev.vae4j.model.ParameterLayout;
import dev.vae4j.model.VaeConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Layer specs as text, model metadata of conv models, and {@link VaeConfig#conv}'s layers and defaults. */
class LayerSpecsTest {
  private static final VaeConfig CLASSIC =
      VaeConfig.conv(new Shape(1, 28, 28), new int[] {32, 64}, new int[] {256}, 20, Likelihood.BERNOULLI);

  @Test
  void formatAndParseRoundTrip() {
    String enc = LayerSpecs.format(CLASSIC.encoder()), dec = LayerSpecs.format(CLASSIC.decoder());
    assertEquals("conv:32:4:2:1:relu conv:64:4:2:1:relu fc:256:relu", enc);
    assertEquals("fc:256:relu fc:3136:relu reshape:64x7x7 deconv:32:4:2:1:relu deconv:1:4:2:1:identity", dec);
    assertEquals(CLASSIC.encoder(), LayerSpecs.parse(enc));
    assertEquals(CLASSIC.decoder(), LayerSpecs.parse(dec));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerSpecs.parse("fc:8:relu pool:2"));
    assertTrue(e.getMessage().startsWith("bad layer 'pool:2': unknown kind"), e.getMessage());
  }

  /**
   * A conv model's dense activation is in its layer tokens: a leaky ReLU's slope as one more field
   * when not the default 0.01, GELU by name; model metadata rebuilds the model. The convolutions
   * keep ReLU, and a convolution token with another activation is refused.
   */
  @Test
  void denseActivationsRoundTripInTheTokens() throws dev.vae4j.io.FormatException {
    for (String name : new String[] {"leaky-relu:0.2", "leaky-relu", "gelu", "elu"}) {
      VaeConfig c = VaeConfig.conv(new Shape(1, 28, 28), new int[] {4, 8}, new int[] {16}, 3, Likelihood.BERNOULLI,
          dev.vae4j.model.HiddenActivations.parse(name));
      String enc = LayerSpecs.format(c.encoder()), dec = LayerSpecs.format(c.decoder());
      String token = switch (name) {
        case "leaky-relu:0.2" -> "leaky_relu:0.2";
        case "leaky-relu" -> "leaky_relu";
        default -> name;
      };
      assertEquals("conv:4:4:2:1:relu conv:8:4:2:1:relu fc:16:" + token, enc);
      assertEquals("fc:16:" + token + " fc:392:" + token + " reshape:8x7x7 deconv:4:4:2:1:relu deconv:1:4:2:1:identity", dec);
      assertEquals(c.encoder(), LayerSpecs.parse(enc));
      assertEquals(c.decoder(), LayerSpecs.parse(dec));
      assertEquals(c, ModelMetadata.config(ModelMetadata.describe(c), "m.safetensors"));
      assertEquals(dev.vae4j.model.HiddenActivations.parse(name), c.denseActivation());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerSpecs.parse("fc:8:leaky_relu:1.5"));
    assertTrue(e.getMessage().contains("(0, 1)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerSpecs.parse("conv:4:4:2:1:gelu"));
    assertTrue(e.getMessage().startsWith("bad layer 'conv:4:4:2:1:gelu'"), e.getMessage());
  }

  /** The classic conv VAE of the issue: 1.69 M parameters. */
  @Test
  void theClassicConvVaeHasItsParameterCount() {
    assertEquals(1_691_369, new ParameterLayout(CLASSIC).size());
  }

  /** The step's im2col-equivalent GEMMs count each conv pass's multiply-adds, so bench's GFLOP/s cover convolutions. */
  @Test
  void convLayersCountTheirMultiplyAdds() {
    ParameterLayout layout = new ParameterLayout(CLASSIC);
    for (Layer layer : new Layer[] {layout.encoder().get(1), layout.decoder().get(layout.decoder().size() - 1)}) {
      ConvLayer conv = (ConvLayer) layer;
      long macs = conv.geometry().withBatch(128).multiplyAdds();
      assertEquals(2 * macs, GemmShape.flops(conv.forwardGemms("x", 128)));
      assertEquals(2 * 2 * macs, GemmShape.flops(conv.backwardGemms("x", 128, true)));
    }
    long total = GemmShape.flops(dev.vae4j.model.StepGemms.trainingStep(layout, 1));
    assertTrue(total > 25e6 && total < 35e6, "~30 MFLOP per image per step, got " + total);
  }

  @Test
  void metadataRecordsTheLayersAndMlpMetadataStaysAsItWas() throws Exception {
    Map<String, String> m = ModelMetadata.describe(CLASSIC);
    assertEquals(LayerSpecs.format(CLASSIC.decoder()), m.get("vae4j.decoder"));
    VaeConfig back = ModelMetadata.config(m, "model.safetensors");
    assertTrue(back.sameModelAs(CLASSIC) && back.input().equals(CLASSIC.input()), back.toString());
    Map<String, String> mlp = ModelMetadata.describe(VaeConfig.mnistDefault());
    assertTrue(!mlp.containsKey("vae4j.encoder") && !mlp.containsKey("vae4j.decoder"), mlp.toString());
  }

  @Test
  void defaultChannelsSuitTheCommonSizes() {
    assertEquals("[32, 64]", java.util.Arrays.toString(VaeConfig.defaultConvChannels(new Shape(1, 28, 28))));
    assertEquals("[32, 64, 128]", java.util.Arrays.toString(VaeConfig.defaultConvChannels(new Shape(3, 32, 32))));
    assertEquals("[32, 64, 128, 256]", java.util.Arrays.toString(VaeConfig.defaultConvChannels(new Shape(3, 64, 64))));
    for (int side : new int[] {28, 32, 64}) {
      Shape s = new Shape(3, side, side);
      new ParameterLayout(VaeConfig.conv(s, VaeConfig.defaultConvChannels(s), new int[] {256}, 20, Likelihood.BERNOULLI));
    }
  }

  @Test
  void aLearnedGaussianDecoderGivesTwoValuesPerPixel() {
    VaeConfig c = VaeConfig.conv(new Shape(3, 16, 12), new int[] {4, 8}, new int[0], 4, Likelihood.GAUSSIAN_LEARNED);
    ParameterLayout layout = new ParameterLayout(c);
    assertEquals(new Shape(6, 16, 12), layout.decoder().get(layout.decoder().size() - 1).outputShape());
  }
}
