package dev.vae4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.javacpp.tools.Logger;
import org.bytedeco.javacpp.tools.Slf4jLogger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Backends silences JavaCPP's version warnings through SLF4J, unless the user picks a logger. */
class JavaCppLoggingTest {
  private final String before = System.getProperty(Backends.JAVACPP_LOGGER);

  @AfterEach
  void restore() {
    if (before == null) System.clearProperty(Backends.JAVACPP_LOGGER);
    else System.setProperty(Backends.JAVACPP_LOGGER, before);
  }

  @Test
  void javaCppLogsThroughSlf4jUnlessALoggerIsNamed() {
    System.clearProperty(Backends.JAVACPP_LOGGER);
    Backends.quietJavaCpp();
    assertEquals(Slf4jLogger.class, Logger.create(JavaCppLoggingTest.class).getClass());

    System.setProperty(Backends.JAVACPP_LOGGER, ""); // the user asks for JavaCPP's own stderr logger
    Backends.quietJavaCpp();
    assertEquals(Logger.class, Logger.create(JavaCppLoggingTest.class).getClass());
  }
}
