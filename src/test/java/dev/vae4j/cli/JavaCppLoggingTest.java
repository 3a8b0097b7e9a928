package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.javacpp.tools.Logger;
import org.bytedeco.javacpp.tools.Slf4jLogger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CLI silences JavaCPP's version warnings through SLF4J, unless the user picks a logger. */
class JavaCppLoggingTest {
  private final String before = System.getProperty(Main.JAVACPP_LOGGER);

  @AfterEach
  void restore() {
    if (before == null) System.clearProperty(Main.JAVACPP_LOGGER);
    else System.setProperty(Main.JAVACPP_LOGGER, before);
  }

  @Test
  void javaCppLogsThroughSlf4jUnlessALoggerIsNamed() {
    System.clearProperty(Main.JAVACPP_LOGGER);
    Main.quietJavaCpp();
    assertEquals(Slf4jLogger.class, Logger.create(JavaCppLoggingTest.class).getClass());

    System.setProperty(Main.JAVACPP_LOGGER, ""); // the user asks for JavaCPP's own stderr logger
    Main.quietJavaCpp();
    assertEquals(Logger.class, Logger.create(JavaCppLoggingTest.class).getClass());
  }
}
