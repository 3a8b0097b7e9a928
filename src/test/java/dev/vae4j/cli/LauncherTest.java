package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's launcher, {@code src/main/dist/bin/vae4j}, in a distribution laid out as the
 * build lays it out ({@code bin/}, {@code lib/*.jar}), run from another working directory and
 * through a chain of symlinks, as a user runs it from {@code PATH}. The test assembles that layout
 * itself (the build makes the real one after the tests, at {@code package}).
 */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("src/main/dist/bin/vae4j").toAbsolutePath();
  @TempDir static Path dir;
  private static Path app;

  @BeforeAll
  static void assembleADistribution() throws IOException {
    app = dir.resolve("dist with space");
    Path lib = Files.createDirectories(app.resolve("lib"));
    Files.createDirectories(app.resolve("bin"));
    Files.copy(LAUNCHER, app.resolve("bin/vae4j"));
    Files.setPosixFilePermissions(app.resolve("bin/vae4j"), PosixFilePermissions.fromString("rwxr-xr-x"));
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path from = Path.of(entry);
      Path to = lib.resolve(String.format("%03d-%s.jar", n++, from.getFileName()));
      if (Files.isDirectory(from)) jar(from, to);
      else if (Files.isRegularFile(from)) Files.createSymbolicLink(to, from.toAbsolutePath());
    }
  }

  @Test
  void runsFromAnotherFolderThroughSymlinks() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path links = Files.createDirectories(dir.resolve("links"));
    Path first = Files.createSymbolicLink(links.resolve("vae4j"), Path.of("second")); // relative links
    Files.createSymbolicLink(links.resolve("second"), app.resolve("bin/vae4j"));
    Result version = launch(first, elsewhere, Map.of("JAVA_HOME", System.getProperty("java.home")), "--version");
    assertEquals(0, version.code, version.output);
    assertTrue(version.output.startsWith("vae4j " + Version.current()), version.output);
    assertFalse(version.output.contains("incubator"), "--version needs no Vector API: " + version.output);
  }

  @Test
  void commandsGetTheVectorApiTheirExitCodesAndTheUsersOptions() throws Exception {
    Result help = launch(app.resolve("bin/vae4j"), dir, Map.of("VAE4J_OPTS", "-XX:+PrintCommandLineFlags"),
        "train", "--epochs", "two");
    assertEquals(2, help.code, help.output); // a usage error's exit code comes through
    assertTrue(help.output.contains("Using incubator modules: jdk.incubator.vector"), help.output);
    assertTrue(help.output.contains("-XX:+UseSerialGC"), help.output); // printed by VAE4J_OPTS' flag
  }

  @Test
  void aJavaHomeWithoutJavaIsOneLineAndTheFix() throws Exception {
    Result bad = launch(app.resolve("bin/vae4j"), dir, Map.of("JAVA_HOME", dir.resolve("nowhere").toString()), "--version");
    assertEquals(1, bad.code, bad.output);
    List<String> lines = bad.output.lines().toList();
    assertEquals(2, lines.size(), bad.output);
    assertTrue(lines.get(0).startsWith("vae4j: error: JAVA_HOME is set to "), bad.output);
  }

  private record Result(int code, String output) {}

  private static Result launch(Path launcher, Path workingDir, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
    builder.environment().remove("JAVA_OPTS");
    builder.environment().remove("VAE4J_OPTS");
    builder.environment().putAll(env);
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), output);
  }

  private static void jar(Path classes, Path to) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(to)); Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, (OutputStream) out);
        out.closeEntry();
      }
    }
  }
}
