package dev.vae4j.data;

import static dev.vae4j.data.Gzip.gzip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a local HTTP server on 127.0.0.1: correct, corrupted, truncated, missing, offline. */
class DownloadsTest {
  @TempDir Path cache;
  private HttpServer server;
  private final Map<String, byte[]> served = new ConcurrentHashMap<>();
  private final Map<String, Integer> cutAfter = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final java.util.Set<String> stall = ConcurrentHashMap.newKeySet();
  private byte[] images, labels;

  @BeforeEach
  void serve() throws Exception {
    images = gzip(idx(0x803, new int[] {2, 3, 3}, 18));
    labels = gzip(idx(0x801, new int[] {2}, 2));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      String name = exchange.getRequestURI().getPath().substring(1);
      byte[] body = served.get(name);
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        exchange.sendResponseHeaders(200, body.length); // a cut-off body still announces the full length
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body, 0, cutAfter.getOrDefault(name, body.length));
        } catch (IOException e) {
          // the client hung up
        }
      }
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Downloads.Source source() throws Exception {
    return new Downloads.Source("test-set", URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), List.of(
        new Downloads.RemoteFile("train-images-idx3-ubyte.gz", sha256(images)),
        new Downloads.RemoteFile("train-labels-idx1-ubyte.gz", sha256(labels))));
  }

  @Test
  void downloadsVerifiesAndCachesThenReadsAsIdx() throws Exception {
    served.put("train-images-idx3-ubyte.gz", images);
    served.put("train-labels-idx1-ubyte.gz", labels);
    Path dir = Downloads.fetch(source(), cache, Downloads.client());
    assertArrayEquals(images, Files.readAllBytes(dir.resolve("train-images-idx3-ubyte.gz")));
    assertEquals(2, requests.get());
    Downloads.fetch(source(), cache, Downloads.client());
    assertEquals(2, requests.get(), "verified files in the cache are not downloaded again");
    Dataset train = Datasets.fromDirectory(dir).train();
    assertEquals(2, train.count());
    assertEquals(3, train.width());
  }

  @Test
  void aCorruptedFileIsRefusedAndNotKept() throws Exception {
    byte[] corrupted = images.clone();
    corrupted[corrupted.length / 2] ^= 1;
    served.put("train-images-idx3-ubyte.gz", corrupted);
    served.put("train-labels-idx1-ubyte.gz", labels);
    DataException e = assertThrows(DataException.class, () -> Downloads.fetch(source(), cache, Downloads.client()));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz: SHA-256 ") && e.getMessage().contains("nothing was saved"),
        e.getMessage());
    assertNothingCached();
  }

  @Test
  void aTruncatedDownloadIsRefusedAndNotKept() throws Exception {
    // A server that announces the whole file, sends half and closes the connection.
    try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread peer = new Thread(() -> {
        try (java.net.Socket s = raw.accept()) {
          java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
              java.nio.charset.StandardCharsets.ISO_8859_1));
          while (!in.readLine().isEmpty()) { } // the request head
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + images.length + "\r\nConnection: close\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
          out.write(images, 0, images.length / 2);
          out.flush();
        } catch (IOException e) {
          // the client hung up
        }
      });
      peer.start();
      Downloads.Source source = new Downloads.Source("test-set", URI.create("http://127.0.0.1:" + raw.getLocalPort() + "/"),
          List.of(new Downloads.RemoteFile("train-images-idx3-ubyte.gz", sha256(images))));
      DataException e = assertThrows(DataException.class, () -> Downloads.fetch(source, cache, Downloads.client()));
      assertTrue(e.getMessage().startsWith("download of http://127.0.0.1:" + raw.getLocalPort()
          + "/train-images-idx3-ubyte.gz was cut off after " + images.length / 2 + " bytes"), e.getMessage());
      peer.join();
    }
    assertNothingCached();
  }

  @Test
  void aStalledDownloadIsAbandoned() throws Exception {
    served.put("train-images-idx3-ubyte.gz", images);
    cutAfter.put("train-images-idx3-ubyte.gz", 10);
    stall.add("train-images-idx3-ubyte.gz"); // the connection stays open, no more bytes come
    DataException e = assertThrows(DataException.class,
        () -> Downloads.fetch(source(), cache, Downloads.client(), java.time.Duration.ofMillis(400)));
    assertTrue(e.getMessage().contains("was cut off after 10 bytes"), e.getMessage());
    assertNothingCached();
  }

  @Test
  void aMissingFileIsNamedWithItsStatus() throws Exception {
    DataException e = assertThrows(DataException.class, () -> Downloads.fetch(source(), cache, Downloads.client()));
    assertTrue(e.getMessage().matches("cannot download http://127\\.0\\.0\\.1:\\d+/train-images-idx3-ubyte\\.gz: HTTP 404"),
        e.getMessage());
    assertNothingCached();
  }

  @Test
  void offlineSaysSoAndWhatToDo() throws Exception {
    Downloads.Source source = source();
    server.stop(0);
    DataException e = assertThrows(DataException.class, () -> Downloads.fetch(source, cache, Downloads.client()));
    assertTrue(e.getMessage().startsWith("cannot download http://127.0.0.1:") && e.getMessage().contains("(no connection: ") && !e.getMessage().contains("Exception")
        && e.getMessage().contains("--data digits"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  private void assertNothingCached() throws IOException {
    try (Stream<Path> files = Files.walk(cache)) {
      assertEquals(List.of(), files.filter(Files::isRegularFile).toList());
    }
  }

  private static byte[] idx(int magic, int[] dims, int bytes) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + bytes).putInt(magic);
    for (int d : dims) b.putInt(d);
    for (int i = 0; i < bytes; i++) b.put((byte) (i % 2));
    return b.array();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
