package dev.vae4j.plot;

/**
 * The JDK could not draw a chart's text: its font support needs system libraries (FreeType,
 * HarfBuzz, fontconfig) and at least one font, which minimal images and jlink'd runtimes may
 * lack. Images without text (sample grids, reconstructions) do not need them.
 */
public final class ChartUnavailableException extends IllegalStateException {
  ChartUnavailableException(Throwable cause) {
    super("charts cannot be drawn: the JDK's font support failed (" + cause.getClass().getSimpleName() + ": "
        + cause.getMessage() + "); install fontconfig and a font, e.g. apt-get install fontconfig fonts-dejavu-core",
        cause);
  }
}
