package dev.vae4j.data;

import dev.vae4j.io.AtomicFiles;
import dev.vae4j.io.HeapBudget;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Decoded image folders kept on disk, so that the second command on a folder starts at once: one
 * file per folder state, {@code <cache root>/image-folders/<key>.bin}, the key being the SHA-256 of
 * every image's path, size, modification time, class and split, and of the preparation options
 * (so a changed, added or removed file, or another {@code --image-size}, is another key). The file
 * ends with the SHA-256 of its content: one that does not match (a crash cannot leave one, as it is
 * written atomically, but a disk can) is ignored and rewritten, never trusted.
 */
final class DecodedFolderCache {
  /** The cache's folder under the cache root. */
  static final String FOLDER = "image-folders";

  private static final byte[] MAGIC = "vae4j-image-folder-cache-1\n".getBytes(StandardCharsets.US_ASCII);

  private final Path dir;

  DecodedFolderCache(Path cacheRoot) {
    this.dir = cacheRoot.resolve(FOLDER);
  }

  /** The key of {@code layout}'s images prepared by {@code preparation}. */
  static byte[] key(ImageFolderLayout layout, ImagePreparation preparation) {
    MessageDigest sha = sha256();
    StringBuilder text = new StringBuilder(new String(MAGIC, StandardCharsets.US_ASCII));
    text.append(preparation.size() == null ? "-" : preparation.size().height() + "x" + preparation.size().width())
        .append(' ').append(preparation.channels()).append('\n');
    if (layout.classNames() != null) for (String name : layout.classNames()) text.append("class ").append(name).append('\n');
    for (int part = 0; part < 2; part++) {
      text.append(part == 0 ? "train\n" : "test\n");
      for (ImageFolderLayout.ImageFile f : part == 0 ? layout.train() : layout.test()) {
        text.append(f.label()).append(' ').append(f.size()).append(' ').append(f.modifiedMillis()).append(' ')
            .append(f.relative()).append('\n');
      }
      sha.update(text.toString().getBytes(StandardCharsets.UTF_8));
      text.setLength(0);
    }
    return sha.digest();
  }

  /** Where the images of {@code key} are kept. */
  Path file(byte[] key) {
    return dir.resolve(HexFormat.of().formatHex(key) + ".bin");
  }

  /**
   * The split kept under {@code key} (named {@code name}), or null when there is none or the file is
   * damaged.
   *
   * @throws DataException when the kept images would not fit in the heap (the figure says how much)
   */
  DatasetSplit read(byte[] key, String name) throws DataException {
    Path file = file(key);
    try (InputStream raw = Files.newInputStream(file)) {
      long length = Files.size(file);
      MessageDigest sha = sha256();
      DataInputStream in = new DataInputStream(new DigestInputStream(new BufferedInputStream(raw, 1 << 16), sha));
      byte[] magic = in.readNBytes(MAGIC.length), storedKey = in.readNBytes(key.length);
      if (!Arrays.equals(magic, MAGIC) || !Arrays.equals(storedKey, key)) return null;
      int channels = in.readInt(), height = in.readInt(), width = in.readInt(), classes = in.readInt();
      if ((channels != 1 && channels != 3) || height <= 0 || width <= 0 || classes > 1 << 20) return null;
      List<String> classNames = classes < 0 ? null : new ArrayList<>();
      for (int i = 0; i < classes; i++) classNames.add(in.readUTF());
      long features = (long) channels * height * width;
      Dataset[] parts = new Dataset[2];
      for (int p = 0; p < 2; p++) {
        int count = in.readInt();
        boolean labelled = in.readBoolean();
        long bytes = count * features;
        if (count < 0 || bytes + (labelled ? 4L * count : 0) > length || bytes > IdxReader.MAX_ELEMENTS) return null;
        if (!HeapBudget.fits(bytes)) {
          throw new DataException(name + ": " + count + " images of " + channels + "x" + height + "x" + width
              + " need " + HeapBudget.shortfall(bytes));
        }
        int[] labels = labelled ? new int[count] : null;
        for (int i = 0; labelled && i < count; i++) {
          labels[i] = in.readInt();
          if (labels[i] < 0 || classNames == null || labels[i] >= classNames.size()) return null;
        }
        byte[] pixels = new byte[(int) bytes];
        in.readFully(pixels);
        if (count == 0) continue;
        Dataset d = Dataset.ofBytes(name + (p == 0 ? " (train)" : " (test)"), pixels, labels, count, channels, height, width);
        parts[p] = classNames == null || labels == null ? d : d.withClassNames(classNames);
      }
      byte[] expected = sha.digest(), stored = in.readNBytes(expected.length);
      if (!Arrays.equals(expected, stored) || in.read() != -1 || parts[0] == null) return null;
      return new DatasetSplit(name, parts[0], parts[1]);
    } catch (NoSuchFileException e) {
      return null;
    } catch (DataException e) {
      throw e;
    } catch (EOFException | IllegalArgumentException e) {
      return null; // truncated or inconsistent: damaged
    } catch (IOException e) {
      return null; // unreadable: decoded again, and written anew
    }
  }

  /** Keeps {@code split} under {@code key}, atomically. */
  void write(byte[] key, DatasetSplit split) throws IOException {
    Dataset train = split.train();
    MessageDigest sha = sha256();
    AtomicFiles.write(file(key), raw -> {
      DataOutputStream out = new DataOutputStream(new DigestOutputStream(raw, sha));
      out.write(MAGIC);
      out.write(key);
      out.writeInt(train.channels());
      out.writeInt(train.height());
      out.writeInt(train.width());
      List<String> classNames = train.classNames();
      out.writeInt(classNames == null ? -1 : classNames.size());
      if (classNames != null) for (String c : classNames) out.writeUTF(c);
      for (Dataset d : new Dataset[] {train, split.test()}) {
        out.writeInt(d == null ? 0 : d.count());
        out.writeBoolean(d != null && d.hasLabels());
        if (d == null) continue;
        if (d.hasLabels()) for (int label : d.labels()) out.writeInt(label);
        out.write(d.eightBitPixels());
      }
      out.flush();
      raw.write(sha.digest());
    });
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
