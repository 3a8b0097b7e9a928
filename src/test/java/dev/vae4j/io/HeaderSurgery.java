package dev.vae4j.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Edits of a safetensors header that leave the recorded checksum as it was, as a forger would. */
public final class HeaderSurgery {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HeaderSurgery() {}

  /** {@code file} with its header replaced by {@code header} (padded to 8 bytes), the data as it was. */
  public static byte[] withHeader(byte[] file, ObjectNode header) throws IOException {
    long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    byte[] spaces = new byte[padded - json.length];
    Arrays.fill(spaces, (byte) ' ');
    byte[] data = Arrays.copyOfRange(file, 8 + (int) n, file.length);
    return ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).put(json).put(spaces)
        .put(data).array();
  }

  /** The file with the byte ranges of tensors {@code a} and {@code b} exchanged, the header otherwise as it was. */
  public static byte[] swapOffsets(byte[] file, String a, String b) throws IOException {
    long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    ObjectNode header = (ObjectNode) JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
    ObjectNode ea = (ObjectNode) header.get(a), eb = (ObjectNode) header.get(b);
    ArrayNode first = (ArrayNode) ea.get("data_offsets");
    ea.set("data_offsets", eb.get("data_offsets"));
    eb.set("data_offsets", first);
    return withHeader(file, header);
  }
}
