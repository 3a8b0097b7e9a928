package dev.vae4j.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Fuzzes the {@code .npy} reader: the first byte picks what the array is read as (images, labels,
 * class names), the rest is the file. Any input must either read or be refused with a {@link
 * DataException}; anything else (another exception, a hang, running out of memory) is a bug. Replays
 * src/test/resources/dev/vae4j/data/NpyFuzzTestInputs in every build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class NpyFuzzTest {
  @FuzzTest(maxDuration = "3m")
  void npy(byte[] input) throws IOException {
    int target = input.length > 0 ? input[0] & 3 : 0;
    ByteArrayInputStream in = new ByteArrayInputStream(input, Math.min(1, input.length), input.length);
    long size = Math.max(0, input.length - 1);
    try {
      NpyReader.Start start = NpyReader.readHeader(in, "fuzz");
      NpyHeader header = start.header();
      long remaining = size - start.bytes();
      if (target == 1) {
        int count = header.shape().length > 0 && header.shape()[0] <= 1 << 20 ? (int) header.shape()[0] : 1;
        int[] labels = NpyLabels.labels(header, in, remaining, count, "fuzz");
        for (int label : labels) {
          if (label < 0) throw new AssertionError("label " + label);
        }
      } else if (target == 2) {
        if (NpyLabels.classNames(header, in, remaining, "fuzz").size() != header.elements()) throw new AssertionError("class names");
      } else {
        Dataset d = NpyImages.read(header, in, target == 3 ? -1 : remaining, null, "fuzz");
        if ((long) d.count() * d.features() != header.elements()) {
          throw new AssertionError(d + " does not hold the " + header.elements() + " elements of " + header.describeShape());
        }
        for (float p : d.pixels()) {
          if (!(p >= 0 && p <= 1)) throw new AssertionError("pixel " + p + " outside [0, 1]");
        }
      }
    } catch (DataException expected) {
      // a clear refusal
    }
  }
}
