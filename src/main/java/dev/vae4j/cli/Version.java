package dev.vae4j.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (the Maven project version), or "development" when run from classes. */
final class Version implements IVersionProvider {
  static String current() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"vae4j " + current(), "Java " + System.getProperty("java.version") + " on "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
  }
}
