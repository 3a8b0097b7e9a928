package dev.vae4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vae4j.backend.cpu.CpuBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * README.md's "Use from Java": the Java example between its markers compiles against the library
 * and runs (training the classic model for 3 epochs), and the dependency snippet names
 * this project's coordinates.
 */
class ReadmeExampleTest {
  @TempDir Path dir;

  @Test
  void theJavaExampleCompilesAndTrains() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String source = between(readme, "<!-- java-example:begin -->", "<!-- java-example:end -->", "java");
    Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
    assertTrue(name.find(), "the example declares a public class");
    Path file = dir.resolve(name.group(1) + ".java");
    Files.writeString(file, source);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    StringWriter errors = new StringWriter();
    boolean compiled = javac.getTask(errors, null, null,
        List.of("-classpath", classpath, "-d", dir.toString(), "-Xlint:all", "-Werror"), null,
        javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(file)).call();
    assertTrue(compiled, "README example does not compile:\n" + errors);

    Path model = dir.resolve("model.safetensors");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Method main = loader.loadClass(name.group(1)).getMethod("main", String[].class);
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[] {model.toString()});
    } finally {
      System.setOut(stdout);
    }
    String out = printed.toString(StandardCharsets.UTF_8);
    Matcher loss = Pattern.compile("validation loss (\\d+\\.\\d) nats").matcher(out);
    assertTrue(loss.find(), out);
    assertTrue(Double.parseDouble(loss.group(1)) < 165, "3 epochs of 784-400-20 learn (158 measured): " + out);
    try (CpuBackend backend = new CpuBackend()) {
      assertEquals(VaeConfig.mnistDefault(), Vae.load(model, backend).config());
    }
  }

  @Test
  void theDependencySnippetNamesThisProject() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    String coordinates = "<groupId>" + child(pom, "groupId") + "</groupId>\n  <artifactId>" + child(pom, "artifactId")
        + "</artifactId>\n  <version>" + child(pom, "version") + "</version>";
    assertTrue(readme.contains(coordinates), "README's dependency snippet: " + coordinates);
  }

  /** The code block of {@code language} between two markers. */
  private static String between(String text, String begin, String end, String language) {
    int from = text.indexOf(begin), to = text.indexOf(end);
    assertTrue(from >= 0 && to > from, "README.md has the markers " + begin + " ... " + end);
    String block = text.substring(from, to);
    String fence = "```" + language;
    return block.substring(block.indexOf(fence) + fence.length(), block.lastIndexOf("```"));
  }

  /** The text of the project's own element {@code tag} (a direct child of project). */
  private static String child(Document pom, String tag) {
    for (var n = pom.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (tag.equals(n.getNodeName())) return n.getTextContent().strip();
    }
    throw new AssertionError("pom.xml has no project/" + tag);
  }
}
