package dev.vae4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vae4j.model.layer.GemmShape;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepGemmsTest {
  @Test
  void defaultModelStepHasElevenGemmsWithTheTextbookFlopCount() {
    List<GemmShape> step = StepGemms.trainingStep(new ParameterLayout(VaeConfig.mnistDefault()), 128);
    assertEquals(11, step.size(), step.toString());
    // Forward, weight grad and input grad per layer (no input grad for the first layer).
    long perPass = 128L * (784 * 400 + 400 * 40 + 20 * 400 + 400 * 784);
    long inputGradSkipped = 128L * 784 * 400;
    assertEquals(2 * (3 * perPass - inputGradSkipped), GemmShape.flops(step));
    assertEquals(new GemmShape("dec.out weight grad", 784, 400, 128, true, false), step.get(4));
    assertEquals(2 * perPass, GemmShape.flops(StepGemms.inference(new ParameterLayout(VaeConfig.mnistDefault()), 128)));
  }
}
