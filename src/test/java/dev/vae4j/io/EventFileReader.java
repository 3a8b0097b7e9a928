package dev.vae4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a TensorBoard event file back for tests: checks every TFRecord's length and data CRCs and
 * decodes the Event/Summary messages with protobuf-java's {@link CodedInputStream}.
 */
public final class EventFileReader {
  /** One summary value: a scalar ({@code image == null}) or an image. */
  public record Value(String tag, float simpleValue, Image image) {}

  /** An image summary. */
  public record Image(int height, int width, int colorspace, byte[] encoded) {}

  /** One event: its step, wall time, file version (first event only) and summary values. */
  public record Event(double wallTime, long step, String fileVersion, List<Value> values) {}

  private EventFileReader() {}

  /** Every event of {@code file}, failing the test on a bad length or CRC. */
  public static List<Event> read(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (b.hasRemaining()) {
      int start = b.position();
      long length = b.getLong();
      assertEquals(TensorBoardWriter.maskedCrc32c(b.array(), start, 8), b.getInt(), "length CRC of record at " + start);
      byte[] data = new byte[Math.toIntExact(length)];
      b.get(data);
      assertEquals(TensorBoardWriter.maskedCrc32c(data, 0, data.length), b.getInt(), "data CRC of record at " + start);
      events.add(event(data));
    }
    return events;
  }

  private static Event event(byte[] data) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    double wallTime = 0;
    long step = 0;
    String version = null;
    List<Value> values = new ArrayList<>();
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case TensorBoardWriter.EVENT_WALL_TIME -> wallTime = in.readDouble();
        case TensorBoardWriter.EVENT_STEP -> step = in.readInt64();
        case TensorBoardWriter.EVENT_FILE_VERSION -> version = in.readString();
        case TensorBoardWriter.EVENT_SUMMARY -> values.addAll(summary(in.readByteArray()));
        default -> throw new AssertionError("unexpected Event field " + WireFormat.getTagFieldNumber(tag));
      }
    }
    return new Event(wallTime, step, version, values);
  }

  private static List<Value> summary(byte[] data) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    List<Value> values = new ArrayList<>();
    for (int tag; (tag = in.readTag()) != 0; ) {
      assertEquals(TensorBoardWriter.SUMMARY_VALUE, WireFormat.getTagFieldNumber(tag), "Summary field");
      values.add(value(in.readByteArray()));
    }
    return values;
  }

  private static Value value(byte[] data) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    String name = null;
    float simple = Float.NaN;
    Image image = null;
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case TensorBoardWriter.VALUE_TAG -> name = in.readString();
        case TensorBoardWriter.VALUE_SIMPLE_VALUE -> simple = in.readFloat();
        case TensorBoardWriter.VALUE_IMAGE -> image = image(in.readByteArray());
        default -> throw new AssertionError("unexpected Summary.Value field " + WireFormat.getTagFieldNumber(tag));
      }
    }
    return new Value(name, simple, image);
  }

  private static Image image(byte[] data) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    int height = 0, width = 0, colorspace = 0;
    byte[] encoded = null;
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case TensorBoardWriter.IMAGE_HEIGHT -> height = in.readInt32();
        case TensorBoardWriter.IMAGE_WIDTH -> width = in.readInt32();
        case TensorBoardWriter.IMAGE_COLORSPACE -> colorspace = in.readInt32();
        case TensorBoardWriter.IMAGE_ENCODED -> encoded = in.readByteArray();
        default -> throw new AssertionError("unexpected Summary.Image field " + WireFormat.getTagFieldNumber(tag));
      }
    }
    return new Image(height, width, colorspace, encoded);
  }
}
