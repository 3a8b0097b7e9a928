package dev.vae4j.backend;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a
 * counter-based generator, so element i of a noise tensor depends only on (seed, stream, i). This
 * lets the CPU backend and the CUDA kernel ({@code native/reparam.cu}) produce the same noise, and
 * lets a resumed run draw exactly the noise it would have drawn.
 */
public final class Philox {
  private static final int M0 = 0xD2511F53;
  private static final int M1 = 0xCD9E8D57;
  private static final int W0 = 0x9E3779B9;
  private static final int W1 = 0xBB67AE85;
  private static final double TWO_PI = 2 * Math.PI;
  private static final double TWO_POW_MINUS_24 = 1.0 / (1 << 24);

  private Philox() {}

  /**
   * Ten rounds of Philox4x32 on {@code counter} (4 words, replaced by the output) with {@code key}
   * (2 words).
   */
  public static void block(int[] counter, int k0, int k1) {
    int c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
    for (int round = 0; round < 10; round++) {
      long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
      long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
      int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int n1 = (int) p1;
      int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      int n3 = (int) p0;
      c0 = n0;
      c1 = n1;
      c2 = n2;
      c3 = n3;
      k0 += W0;
      k1 += W1;
    }
    counter[0] = c0;
    counter[1] = c1;
    counter[2] = c2;
    counter[3] = c3;
  }

  /** The uniform in (0, 1) that a Philox output word maps to: its top 24 bits, centred. */
  public static double uniform(int word) {
    return ((word >>> 8) + 0.5) * TWO_POW_MINUS_24;
  }

  /**
   * The four normals of Philox block {@code block} of the stream for (seed, stream): elements
   * {@code 4*block .. 4*block+3}, as specified by {@link Backend#normalNoise}. Allocation-free:
   * {@code words} is the caller's scratch of 4 ints.
   */
  public static void normalBlock(long seed, long stream, long block, int[] words, float[] out) {
    words[0] = (int) block;
    words[1] = (int) (block >>> 32);
    words[2] = (int) stream;
    words[3] = (int) (stream >>> 32);
    block(words, (int) seed, (int) (seed >>> 32));
    boxMuller(words[0], words[1], out, 0);
    boxMuller(words[2], words[3], out, 2);
  }

  private static void boxMuller(int w0, int w1, float[] out, int at) {
    double r = Math.sqrt(-2.0 * Math.log(uniform(w0)));
    double t = TWO_PI * uniform(w1);
    out[at] = (float) (r * Math.cos(t));
    out[at + 1] = (float) (r * Math.sin(t));
  }

  /**
   * Fills {@code out[offset .. offset+count)} with elements {@code [0, count)} of the normal stream
   * for (seed, stream), as specified by {@link Backend#normalNoise}.
   */
  public static void normals(long seed, long stream, float[] out, int offset, int count) {
    fillNormals(seed, stream, 0, count, (i, v) -> out[offset + (int) i] = v);
  }

  /** Sink for generated elements, so callers can write into any storage. */
  @FunctionalInterface
  public interface FloatSink {
    void put(long index, float value);
  }

  /** Generates elements {@code [from, to)} of the normal stream for (seed, stream) into a sink. */
  public static void fillNormals(long seed, long stream, long from, long to, FloatSink sink) {
    int[] words = new int[4];
    float[] four = new float[4];
    for (long block = from / 4; block * 4 < to; block++) {
      normalBlock(seed, stream, block, words, four);
      for (int j = 0; j < 4; j++) {
        long i = block * 4 + j;
        if (i >= from && i < to) sink.put(i, four[j]);
      }
    }
  }
}
