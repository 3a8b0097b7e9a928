package dev.vae4j.io;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes a TensorBoard event file ({@code events.out.tfevents.<seconds>.<host>}): TFRecord framing
 * around {@code tensorflow.Event} protocol buffers carrying scalar and PNG image summaries, encoded
 * with protobuf-java's {@link CodedOutputStream}.
 *
 * <p>An event file is a log that TensorBoard reads while it grows, so it is appended to, not
 * written atomically; each event goes out in one write and {@link #flush} makes the events so far
 * visible. A crash can at worst leave a torn last record, which TensorBoard's reader skips.
 */
public final class TensorBoardWriter implements Closeable {
  /** The file-name marker TensorBoard looks for. */
  public static final String FILE_PREFIX = "events.out.tfevents.";
  /** The first event of every file names the format version. */
  public static final String FILE_VERSION = "brain.Event:2";

  /** Field numbers of tensorflow/core/util/event.proto and framework/summary.proto. */
  static final int EVENT_WALL_TIME = 1, EVENT_STEP = 2, EVENT_FILE_VERSION = 3, EVENT_SUMMARY = 5;
  static final int SUMMARY_VALUE = 1;
  static final int VALUE_TAG = 1, VALUE_SIMPLE_VALUE = 2, VALUE_IMAGE = 4;
  static final int IMAGE_HEIGHT = 1, IMAGE_WIDTH = 2, IMAGE_COLORSPACE = 3, IMAGE_ENCODED = 4;

  private static final int MASK_DELTA = 0xa282ead8;

  private final Path file;
  private final OutputStream out;

  private TensorBoardWriter(Path file, OutputStream out) {
    this.file = file;
    this.out = out;
  }

  /** Creates {@code dir} if needed and starts a new event file in it. */
  public static TensorBoardWriter create(Path dir) throws IOException {
    Files.createDirectories(dir);
    long seconds = System.currentTimeMillis() / 1000;
    String base = FILE_PREFIX + seconds + "." + hostName();
    Path file = dir.resolve(base);
    // Two writers started in the same second must not share a file.
    for (int n = 1; Files.exists(file); n++) file = dir.resolve(base + "." + n);
    OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    TensorBoardWriter writer = new TensorBoardWriter(file, out);
    writer.writeEvent(0, event -> event.writeString(EVENT_FILE_VERSION, FILE_VERSION));
    writer.flush();
    return writer;
  }

  /** The event file being written. */
  public Path file() {
    return file;
  }

  /** Adds a scalar summary {@code tag} at {@code step} (stored as float32, as TensorBoard does). */
  public void scalar(String tag, long step, double value) throws IOException {
    writeSummary(step, v -> {
      v.writeString(VALUE_TAG, tag);
      v.writeFloat(VALUE_SIMPLE_VALUE, (float) value);
    });
  }

  /**
   * Adds an image summary {@code tag} at {@code step}: an encoded PNG of {@code width x height}
   * pixels with {@code channels} channels (1 grey, 3 RGB, 4 RGBA).
   */
  public void image(String tag, long step, int height, int width, int channels, byte[] png) throws IOException {
    byte[] image = message(i -> {
      i.writeInt32(IMAGE_HEIGHT, height);
      i.writeInt32(IMAGE_WIDTH, width);
      i.writeInt32(IMAGE_COLORSPACE, channels);
      i.writeBytes(IMAGE_ENCODED, ByteString.copyFrom(png));
    });
    writeSummary(step, v -> {
      v.writeString(VALUE_TAG, tag);
      v.writeByteArray(VALUE_IMAGE, image);
    });
  }

  /** Makes every event written so far visible to readers. */
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  /**
   * One TFRecord: the data length (uint64 little-endian), the masked CRC-32C of those 8 bytes, the
   * data, and the masked CRC-32C of the data.
   */
  public static byte[] record(byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(data.length);
    b.putInt(maskedCrc32c(b.array(), 0, 8));
    b.put(data);
    b.putInt(maskedCrc32c(data, 0, data.length));
    return b.array();
  }

  /** TFRecord's masked CRC-32C: the checksum rotated right by 15 bits plus a constant. */
  public static int maskedCrc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  private void writeSummary(long step, Fields value) throws IOException {
    byte[] valueBytes = message(value);
    byte[] summary = message(s -> s.writeByteArray(SUMMARY_VALUE, valueBytes));
    writeEvent(step, event -> event.writeByteArray(EVENT_SUMMARY, summary));
  }

  private void writeEvent(long step, Fields body) throws IOException {
    double wallTime = System.currentTimeMillis() / 1000.0;
    byte[] event = message(e -> {
      e.writeDouble(EVENT_WALL_TIME, wallTime);
      e.writeInt64(EVENT_STEP, step);
      body.write(e);
    });
    out.write(record(event));
  }

  /** Writes some fields of one message. */
  @FunctionalInterface
  private interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Fields fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream coded = CodedOutputStream.newInstance(bytes);
    fields.write(coded);
    coded.flush();
    return bytes.toByteArray();
  }

  private static String hostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name.replaceAll("[^A-Za-z0-9._-]", "_");
    } catch (IOException e) {
      return "localhost"; // only part of a file name
    }
  }
}
