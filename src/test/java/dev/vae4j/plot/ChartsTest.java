package dev.vae4j.plot;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ChartsTest {
  @Test
  void missingFontLibrariesBecomeOneClearError() {
    // What a JDK without HarfBuzz throws at the first text it lays out (seen on a GPU machine).
    UnsatisfiedLinkError missing = new UnsatisfiedLinkError("libfontmanager.so: libharfbuzz.so.0: cannot open shared object file");
    ChartUnavailableException e = assertThrows(ChartUnavailableException.class, () -> Charts.drawingText(() -> {
      throw missing;
    }));
    assertSame(missing, e.getCause());
    assertTrue(e.getMessage().contains("libharfbuzz.so.0"), e.getMessage());
    assertTrue(e.getMessage().contains("fontconfig"), e.getMessage());
    // Later charts see the font manager's failed class initialization instead.
    assertThrows(ChartUnavailableException.class, () -> Charts.drawingText(() -> {
      throw new NoClassDefFoundError("Could not initialize class sun.font.SunFontManager");
    }));
  }

  @Test
  void drawingsThatWorkAreReturned() {
    BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    assertSame(image, Charts.drawingText(() -> image));
  }
}
