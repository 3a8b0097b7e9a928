package dev.vae4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.model.layer.LayerSpec;
import dev.vae4j.model.layer.LinearSpec;
import dev.vae4j.model.layer.ParameterView;
import dev.vae4j.model.layer.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterLayoutTest {
  /** The names, offsets and shapes of every model file vae4j has written (784-400-20). */
  @Test
  void theDefaultModelKeepsTheLayoutOfEveryModelFileSoFar() {
    ParameterLayout layout = new ParameterLayout(VaeConfig.mnistDefault());
    List<ParameterView> v = layout.views();
    String[] names = {"enc.fc.weight", "enc.fc.bias", "enc.mu.weight", "enc.logvar.weight", "enc.mu.bias",
        "enc.logvar.bias", "dec.fc.weight", "dec.fc.bias", "dec.out.weight", "dec.out.bias"};
    int[][] shapes = {{400, 784}, {400}, {20, 400}, {20, 400}, {20}, {20}, {400, 20}, {400}, {784, 400}, {784}};
    int[] fanIns = {784, 784, 400, 400, 400, 400, 20, 20, 400, 400};
    assertEquals(names.length, v.size());
    long offset = 0;
    for (int i = 0; i < names.length; i++) {
      assertEquals(names[i], v.get(i).name());
      assertArrayEquals(shapes[i], v.get(i).shape(), names[i]);
      assertEquals(offset, v.get(i).offset(), names[i]);
      assertEquals(fanIns[i], v.get(i).fanIn(), names[i]);
      offset += v.get(i).size();
    }
    assertEquals(offset, layout.size());
    assertEquals(652_824, layout.size());
  }

  @Test
  void severalHiddenLayersAreNumberedFromTheirSide() {
    ParameterLayout layout = new ParameterLayout(VaeConfig.mlp(784, new int[] {512, 256}, 8, Likelihood.GAUSSIAN));
    List<String> names = layout.views().stream().map(ParameterView::name).filter(n -> n.endsWith("weight")).toList();
    assertEquals(List.of("enc.fc1.weight", "enc.fc2.weight", "enc.mu.weight", "enc.logvar.weight", "dec.fc1.weight",
        "dec.fc2.weight", "dec.out.weight"), names);
    // The decoder mirrors the encoder: dec.fc1 takes the latent vector and gives 256.
    assertArrayEquals(new int[] {256, 8}, layout.views().stream().filter(x -> x.name().equals("dec.fc1.weight"))
        .findFirst().orElseThrow().shape());
  }

  @Test
  void theLearnedGaussianOutputLayerGivesTwoValuesPerPixel() {
    ParameterLayout layout = new ParameterLayout(VaeConfig.mlp(784, new int[] {400}, 20, Likelihood.GAUSSIAN_LEARNED));
    ParameterView out = layout.views().get(layout.views().size() - 2);
    assertEquals("dec.out.weight", out.name());
    assertArrayEquals(new int[] {2 * 784, 400}, out.shape());
  }

  @Test
  void anImageInputHasTheLayoutOfItsFlatRows() {
    VaeConfig image = VaeConfig.mlp(new Shape(1, 28, 28), new int[] {400}, 20, Likelihood.BERNOULLI);
    VaeConfig flat = VaeConfig.mlp(784, new int[] {400}, 20, Likelihood.BERNOULLI);
    List<ParameterView> a = new ParameterLayout(image).views(), b = new ParameterLayout(flat).views();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(b.get(i).name(), a.get(i).name());
      assertEquals(b.get(i).offset(), a.get(i).offset());
      assertArrayEquals(b.get(i).shape(), a.get(i).shape());
    }
    assertEquals("784-400-20", image.describe());
    assertTrue(image.sameModelAs(flat), "an older file's flat MLP is the same model");
    assertFalse(image.sameModelAs(VaeConfig.mlp(new Shape(1, 14, 56), new int[] {400}, 20, Likelihood.BERNOULLI)));
    assertFalse(image.sameModelAs(VaeConfig.mlp(784, new int[] {400}, 20, Likelihood.GAUSSIAN)));
  }

  @Test
  void anOutputLayerOfTheWrongSizeIsNamed() {
    List<LayerSpec> enc = List.of(new LinearSpec(400, Activation.RELU));
    List<LayerSpec> dec = List.of(new LinearSpec(400, Activation.RELU), new LinearSpec(784, Activation.IDENTITY));
    VaeConfig learned = new VaeConfig(new Shape(1, 28, 28), enc, 20, dec, Likelihood.GAUSSIAN_LEARNED);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ParameterLayout(learned));
    assertTrue(e.getMessage().contains("dec.out") && e.getMessage().contains("1568"), e.getMessage());
  }
}
