package dev.vae4j.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;

/**
 * Fuzzes the IDX and CSV readers and the image folders' per-file decoding: any input must either read or be refused with a {@link
 * DataException}; anything else (another exception, a hang, running out of memory) is a bug. Replays
 * src/test/resources/dev/vae4j/data/DataFuzzTestInputs in every build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class DataFuzzTest {
  @FuzzTest(maxDuration = "3m")
  void idx(byte[] input) throws java.io.IOException {
    int dims = input.length > 0 ? 1 + (input[0] & 3) : 3;
    try {
      IdxReader.IdxData data = IdxReader.read(new ByteArrayInputStream(input, Math.min(1, input.length), input.length),
          "fuzz", dims, "images");
      long elements = 1;
      for (int d : data.dims()) elements *= d;
      if (elements != data.data().length) throw new AssertionError("dims " + java.util.Arrays.toString(data.dims())
          + " do not match " + data.data().length + " bytes");
    } catch (DataException expected) {
      // a clear refusal
    }
  }

  @FuzzTest(maxDuration = "3m")
  void csv(byte[] input) throws java.io.IOException {
    int flags = input.length > 0 ? input[0] : 0;
    // Bit 0: label first; bit 1: 0..255; bit 2: the label in column 1 (by index); bit 3: rows of 1x2x3 colour.
    CsvReader.Format format = new CsvReader.Format((flags & 1) != 0 && (flags & 4) == 0, (flags & 2) != 0,
        (flags & 4) != 0 ? "1" : null);
    ImageSize shape = (flags & 8) != 0 ? new ImageSize(1, 2, 3) : null;
    try {
      Dataset d = CsvReader.read(new ByteArrayInputStream(input, Math.min(1, input.length), input.length), "fuzz", format, shape);
      for (float p : d.pixels()) {
        if (!(p >= 0 && p <= 1)) throw new AssertionError("pixel " + p + " outside [0, 1]");
      }
    } catch (DataException expected) {
      // a clear refusal
    }
  }

  /**
   * One file of an image folder: its header, then its pixels, through every ImageIO reader on the
   * class path (the JDK's and TwelveMonkeys'). Inputs whose header claims more than a megapixel are
   * not decoded further: a reader may allocate the whole raster before finding the data missing,
   * which is slow, not wrong (the folder loader refuses above {@link ImageDecoder#MAX_PIXELS}).
   */
  @FuzzTest(maxDuration = "3m")
  void image(byte[] input) throws java.io.IOException {
    ImageDecoder.Source source = () -> new javax.imageio.stream.MemoryCacheImageInputStream(new ByteArrayInputStream(input));
    try {
      ImageDecoder.Header header = ImageDecoder.header(source, "fuzz");
      if ((long) header.width() * header.height() > 1_000_000) return;
      DecodedImage image = ImageDecoder.decode(source, "fuzz");
      if (image.channels() != 1 && image.channels() != 3) throw new AssertionError(image.channels() + " channels");
      float[] prepared = new ImagePreparation(new ImageSize(5, 7, 0), 0).apply(image.floats(), image.channels(),
          image.height(), image.width());
      for (float p : prepared) {
        if (!(p >= 0 && p <= 255.001f)) throw new AssertionError("prepared pixel " + p + " outside [0, 255]");
      }
    } catch (DataException expected) {
      // a clear refusal
    }
  }
}
