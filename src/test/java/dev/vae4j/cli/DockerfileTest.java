package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/**
 * Keeps the top-level Dockerfile honest where no Docker engine runs: its CUDA base images match
 * the CUDA bindings in pom.xml (the runtime one with cuDNN, for convolutional models), it runs the Maven build this project has and copies the jar and
 * library folder that build produces, to where the jar's manifest class path expects them, and
 * every file it copies from the build context exists and is not excluded by .dockerignore. The
 * image build itself is not run here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerfileTest {
  private static final Pattern CUDA_IMAGE = Pattern.compile("nvidia/cuda:(\\d+)\\.(\\d+)\\.(\\d+)-(cudnn-)?(devel|runtime)-ubuntu[0-9.]+");

  private final Path root = Path.of("").toAbsolutePath();
  private List<String[]> instructions; // {KEYWORD, arguments}, continuation lines joined
  private Document pom;

  @BeforeAll
  void read() throws Exception {
    instructions = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String raw : Files.readAllLines(root.resolve("Dockerfile"))) {
      if (line.length() == 0 && (raw.isBlank() || raw.stripLeading().startsWith("#"))) continue;
      if (raw.endsWith("\\")) {
        line.append(raw, 0, raw.length() - 1).append(' ');
        continue;
      }
      String[] parts = line.append(raw).toString().strip().split("\\s+", 2);
      instructions.add(new String[] {parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""});
      line.setLength(0);
    }
    pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(root.resolve("pom.xml").toFile());
  }

  @Test
  void cudaBaseImagesMatchTheBindings() {
    String bindings = text(pom, "cuda.version"); // e.g. 13.3-9.25-1.5.14: CUDA 13.3
    Matcher b = Pattern.compile("(\\d+)\\.(\\d+)-.*").matcher(bindings);
    assertTrue(b.matches(), "cuda.version " + bindings);
    List<String> from = arguments("FROM");
    assertEquals(2, from.size(), "a build stage and a runtime stage: " + from);
    Matcher build = image(from.get(0)), runtime = image(from.get(1));
    assertEquals("devel", build.group(5), "the build stage needs nvcc");
    assertEquals("runtime", runtime.group(5), "the runtime stage carries libcudart and libcublas(Lt)");
    assertEquals("cudnn-", runtime.group(4), "the runtime stage carries cuDNN 9, which conv models need on the GPU");
    for (Matcher m : List.of(build, runtime)) {
      assertEquals(b.group(1), m.group(1), "CUDA major version of " + m.group() + " and of the bindings (" + bindings + ")");
      assertTrue(Integer.parseInt(m.group(2)) >= Integer.parseInt(b.group(2)),
          m.group() + " is older than the CUDA " + b.group(1) + "." + b.group(2) + " the bindings were built against");
    }
    assertEquals(build.group(1) + "." + build.group(2) + "." + build.group(3),
        runtime.group(1) + "." + runtime.group(2) + "." + runtime.group(3), "both stages use one CUDA release");
  }

  @Test
  void copiesTheJarAndLibrariesTheBuildProduces() {
    String workdir = arguments("WORKDIR").get(0);
    assertTrue(arguments("RUN").stream().anyMatch(r -> r.matches(".*\\bmvn -B -q package -DskipTests\\b.*")),
        "the build stage runs the README's package command");
    String jar = workdir + "/target/" + text(pom, "finalName") + ".jar";
    String libs = text(plugin("maven-dependency-plugin"), "outputDirectory").replace("${project.build.directory}", workdir + "/target");
    String classpathPrefix = text(plugin("maven-jar-plugin"), "classpathPrefix");

    String jarTarget = null, libTarget = null;
    for (String copy : arguments("COPY")) {
      String[] words = copy.split("\\s+");
      if (!words[0].equals("--from=build")) continue;
      if (words[1].equals(jar)) jarTarget = words[2];
      if (strip(words[1]).equals(strip(libs))) libTarget = words[2];
    }
    assertNotNull(jarTarget, "COPY --from=build " + jar);
    assertNotNull(libTarget, "COPY --from=build " + libs + "/");
    String jarDir = jarTarget.substring(0, jarTarget.lastIndexOf('/') + 1);
    assertEquals(strip(jarDir + classpathPrefix), strip(libTarget), "the manifest class path (" + classpathPrefix + ") is beside the jar");
    String entrypoint = arguments("ENTRYPOINT").get(0);
    assertEquals("[\"java\", \"-XX:+UseSerialGC\", \"--add-modules\", \"jdk.incubator.vector\", \"-jar\", \"" + jarTarget + "\"]",
        entrypoint);
  }

  @Test
  void everyCopiedFileExistsAndIsInTheBuildContext() throws Exception {
    List<String> included = new ArrayList<>();
    for (String line : Files.readAllLines(root.resolve(".dockerignore"))) {
      if (line.startsWith("!")) included.add(strip(line.substring(1)));
    }
    List<String> sources = new ArrayList<>();
    for (String copy : arguments("COPY")) {
      if (copy.startsWith("--from=")) continue;
      String[] words = copy.split("\\s+");
      for (int i = 0; i < words.length - 1; i++) sources.add(strip(words[i]));
    }
    assertTrue(sources.contains("pom.xml"), "sources " + sources);
    for (String source : sources) {
      assertTrue(Files.exists(root.resolve(source)), "COPY " + source + ": no such file");
      assertTrue(included.contains(source), "COPY " + source + " is excluded by .dockerignore");
    }
    // Files the build itself reads (native/build.sh) must have been copied too.
    Matcher used = Pattern.compile("\\$\\{project\\.basedir}/([^\"<]+)").matcher(Files.readString(root.resolve("pom.xml")));
    while (used.find()) {
      String path = used.group(1);
      assertTrue(sources.stream().anyMatch(s -> path.equals(s) || path.startsWith(s + "/")), path + " is used by the build but not copied");
    }
  }

  @Test
  void runsAsAUserWithVolumesAndOptionDefaultsTheCliReads() {
    List<String> users = arguments("USER");
    assertEquals(1, users.size());
    assertNotEquals("root", users.get(0));
    String volumes = arguments("VOLUME").get(0);
    assertTrue(volumes.contains("\"/data\"") && volumes.contains("\"/runs\""), volumes);
    CommandLine.Model.CommandSpec train = new CommandLine(new TrainCommand()).getCommandSpec();
    int defaults = 0;
    for (String env : arguments("ENV")) {
      String name = env.split("[=\\s]", 2)[0];
      if (!name.startsWith(EnvironmentDefaults.PREFIX) || name.equals("VAE4J_REQUIRE_NVCC")) continue;
      defaults++;
      assertTrue(train.options().stream().anyMatch(o -> EnvironmentDefaults.variable(o.longestName()).equals(name)),
          name + " is no option of train");
    }
    assertTrue(defaults > 0, "the image documents its option defaults");
  }

  private List<String> arguments(String keyword) {
    return instructions.stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
  }

  private static Matcher image(String from) {
    Matcher m = CUDA_IMAGE.matcher(from.split("\\s+")[0]);
    assertTrue(m.matches(), "FROM " + from + " is not an official nvidia/cuda image tag");
    return m;
  }

  private Element plugin(String artifactId) {
    NodeList plugins = pom.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element p = (Element) plugins.item(i);
      if (artifactId.equals(text(p, "artifactId"))) return p;
    }
    throw new AssertionError("pom.xml has no " + artifactId);
  }

  private static String text(Document d, String tag) {
    return d.getElementsByTagName(tag).item(0).getTextContent().strip();
  }

  private static String text(Element e, String tag) {
    return e.getElementsByTagName(tag).item(0).getTextContent().strip();
  }

  private static String strip(String path) {
    String p = path.startsWith("./") ? path.substring(2) : path;
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
