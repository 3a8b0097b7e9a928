package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The double references of the activations against PyTorch's float64 values (fixture written by
 * src/test/python/activation_fixture.py), and their derivatives against central differences.
 */
class ReferenceActivationsTest {

  @Test
  void matchesPyTorch() throws IOException {
    JsonNode fixture;
    try (InputStream in = getClass().getResourceAsStream("activation_fixture.json")) {
      fixture = new ObjectMapper().readTree(in);
    }
    JsonNode inputs = fixture.get("input");
    for (JsonNode c : fixture.get("cases")) {
      String name = c.get("activation").asText();
      for (int i = 0; i < inputs.size(); i++) {
        double x = inputs.get(i).asDouble();
        assertEquals(c.get("output").get(i).asDouble(), ReferenceActivations.forward(name, x), 1e-13,
            name + " forward at " + x);
        assertEquals(c.get("gradient").get(i).asDouble(), ReferenceActivations.derivative(name, x),
            1e-13, name + " gradient at " + x);
      }
    }
  }

  /** Both sides of the switch from series to continued fraction in erfc (values from C's erfc, Python math.erfc). */
  @Test
  void erfcIsAccurateAtTheSwitch() {
    assertEquals(0.004677734981047265, ReferenceActivations.erfc(2.0), 1e-16);
    assertEquals(0.004679802092970608, ReferenceActivations.erfc(1.9999), 1e-15);
    assertEquals(1.9953222650189527342, ReferenceActivations.erfc(-2.0), 1e-15);
  }

  @Test
  void derivativeIsTheDifferenceQuotient() {
    double h = 1e-6;
    for (String name : new String[] {"relu", "leaky-relu", "leaky-relu:0.3", "elu", "gelu", "tanh"}) {
      for (double x = -5.05; x < 5; x += 0.5) {
        double quotient = (ReferenceActivations.forward(name, x + h)
            - ReferenceActivations.forward(name, x - h)) / (2 * h);
        assertEquals(quotient, ReferenceActivations.derivative(name, x), 1e-7, name + " at " + x);
      }
    }
  }
}
