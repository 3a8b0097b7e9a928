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
