package dev.vae4j.data;

import dev.vae4j.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Downloads the official MNIST and Fashion-MNIST IDX files into a cache folder ({@code
 * $VAE4J_HOME}, else {@code ~/.cache/vae4j}), once: each file's SHA-256 is checked before it is
 * renamed into place, so the cache only ever holds complete, verified files.
 */
public final class Downloads {
  /** Largest file accepted (the biggest official file is 26 MB). */
  static final long MAX_BYTES = 64L << 20;

  /** A download that receives nothing for this long is abandoned. */
  static final Duration STALL_LIMIT = Duration.ofSeconds(60);

  /** One file of a dataset and its SHA-256. */
  public record RemoteFile(String name, String sha256) {}

  /**
   * A dataset to download: {@code name} is its cache folder, {@code base} the address the file
   * names are resolved against.
   */
  public record Source(String name, URI base, List<RemoteFile> files) {}

  /** MNIST, from the mirror PyTorch's torchvision uses (the original site needs a login now). */
  public static final Source MNIST = new Source("mnist", URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"), List.of(
      new RemoteFile("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
      new RemoteFile("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
      new RemoteFile("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
      new RemoteFile("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")));

  /** Fashion-MNIST, from Zalando Research's own bucket (as its README links it). */
  public static final Source FASHION_MNIST = new Source("fashion-mnist",
      URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"), List.of(
      new RemoteFile("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
      new RemoteFile("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
      new RemoteFile("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
      new RemoteFile("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5")));

  /** The datasets {@code --data NAME} downloads. */
  public static final Map<String, Source> KNOWN = Map.of(MNIST.name(), MNIST, FASHION_MNIST.name(), FASHION_MNIST);

  /** Told how a download goes, e.g. to draw a progress bar (the CLI's, on a terminal). */
  public interface Listener {
    /** {@code bytes} of {@code file} have arrived, of {@code total} (-1 when the server does not say). */
    void progress(String file, long bytes, long total);

    /** {@code file} is complete, or abandoned. */
    void finished(String file);
  }

  private static volatile Listener listener = new Listener() {
    @Override
    public void progress(String file, long bytes, long total) {}

    @Override
    public void finished(String file) {}
  };

  private Downloads() {}

  /** Reports every download from now on to {@code l}. */
  public static void setListener(Listener l) {
    listener = java.util.Objects.requireNonNull(l);
  }

  /** {@code $VAE4J_HOME}, else {@code ~/.cache/vae4j}. */
  public static Path cacheRoot() {
    String home = System.getenv("VAE4J_HOME");
    if (home != null && !home.isBlank()) return Path.of(home);
    return Path.of(System.getProperty("user.home"), ".cache", "vae4j");
  }

  /**
   * The folder {@code cacheRoot/source.name()} holding every file of {@code source}, downloading
   * (and verifying) those not there yet. A file that fails verification is not kept.
   */
  public static Path fetch(Source source, Path cacheRoot, HttpClient client) throws IOException {
    return fetch(source, cacheRoot, client, STALL_LIMIT);
  }

  /** {@link #fetch(Source, Path, HttpClient)}, giving up on a file that receives nothing for {@code stallLimit}. */
  static Path fetch(Source source, Path cacheRoot, HttpClient client, Duration stallLimit) throws IOException {
    Path dir = cacheRoot.resolve(source.name());
    Files.createDirectories(dir);
    for (RemoteFile f : source.files()) {
      Path target = dir.resolve(f.name());
      if (Files.isRegularFile(target) && sha256(target).equals(f.sha256())) continue;
      download(source.base().resolve(f.name()), target, f.sha256(), client, stallLimit);
    }
    return dir;
  }

  /** A client that follows redirects and gives up connecting after 30 s. */
  public static HttpClient client() {
    return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(30)).build();
  }

  private static void download(URI uri, Path target, String sha256, HttpClient client, Duration stallLimit)
      throws IOException {
    HttpResponse<InputStream> response;
    try {
      response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException | UnknownHostException | HttpTimeoutException e) {
      throw new DataException("cannot download " + uri + " (no connection: " + describe(e) + "); without a network, put the IDX "
          + "files in " + target.getParent() + " or use --data DIR or the bundled --data digits", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataException("download of " + uri + " interrupted", e);
    } catch (IOException e) {
      throw new DataException("cannot download " + uri + ": " + describe(e), e);
    }
    // The client's timeouts end at the response headers; a body that stops arriving is closed by
    // this watchdog, which makes the blocked read fail.
    java.util.concurrent.atomic.AtomicLong lastProgress = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    java.util.concurrent.ScheduledExecutorService watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vae4j-download-watchdog");
      t.setDaemon(true);
      return t;
    });
    InputStream stream = response.body();
    long period = Math.max(1, stallLimit.toMillis() / 4);
    watchdog.scheduleAtFixedRate(() -> {
      if (System.nanoTime() - lastProgress.get() > stallLimit.toNanos()) {
        try {
          stream.close();
        } catch (IOException e) {
          // closing is all the watchdog can do
        }
      }
    }, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
    try (InputStream body = stream) {
      if (response.statusCode() != 200) {
        throw new DataException("cannot download " + uri + ": HTTP " + response.statusCode());
      }
      long expected = response.headers().firstValueAsLong("content-length").orElse(-1);
      Listener report = listener;
      String name = target.getFileName().toString();
      AtomicFiles.write(target, out -> {
        MessageDigest digest = sha256Digest();
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try {
          for (int n; (n = body.read(buffer)) > 0; ) {
            total += n;
            lastProgress.set(System.nanoTime());
            if (total > MAX_BYTES) throw new DataException(uri + ": larger than " + MAX_BYTES + " bytes; refused");
            digest.update(buffer, 0, n);
            out.write(buffer, 0, n);
            report.progress(name, total, expected);
          }
        } catch (DataException e) {
          throw e;
        } catch (IOException e) {
          throw new DataException("download of " + uri + " was cut off after " + total + " bytes (" + describe(e) + ")", e);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(sha256)) {
          throw new DataException(uri + ": SHA-256 " + actual + " after " + total + " bytes, expected " + sha256
              + " (corrupted or changed download; nothing was saved)");
        }
      });
    } finally {
      watchdog.shutdownNow();
      listener.finished(target.getFileName().toString());
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256Digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** {@code ConnectException} as "connection refused or unreachable" and the like: a class name in words. */
  private static String readable(String exceptionName) {
    switch (exceptionName) {
      case "ConnectException":
        return "connection refused or network unreachable";
      case "UnknownHostException":
        return "unknown host (no DNS?)";
      case "HttpConnectTimeoutException":
      case "HttpTimeoutException":
        return "timed out";
      default:
        return exceptionName.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? readable(e.getClass().getSimpleName()) : m.replace('\n', ' ');
  }
}
