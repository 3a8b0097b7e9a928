package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The contract of {@link MemoryOps}, every op against a double-precision reference written from its
 * Javadoc: the row gather from float and 8-bit sources (uploads, downloads, fills and slices are
 * exercised by every other family's tests). A backend's test runs it by implementing this interface
 * (as {@link BackendContractTest} does for all families), which supplies the backend and the seeded
 * randomness.
 */
public interface MemoryOpsContract extends OpsContract {

  @Test
  default void gatherRows() {
    int srcRows = 50, cols = 17, rows = 13;
    float[] src = gaussian(srcRows * cols, 1);
    int[] idx = new int[srcRows];
    for (int i = 0; i < srcRows; i++) idx[i] = random().nextInt(srcRows);
    IndexTensor indices = backend().allocateIndices(srcRows);
    backend().uploadIndices(idx, indices);
    Tensor dst = poisoned(rows * cols);
    backend().gatherRows(upload(src), cols, indices, 7, rows, dst);
    float[] out = backend().download(dst);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) assertEquals(src[idx[7 + r] * cols + c], out[r * cols + c]);
    }
  }

  /** 8-bit pixels uploaded in two pieces and gathered as the floats k / 255 that Dataset gives. */
  @Test
  default void gatherRowsOfEightBitPixels() {
    int srcRows = 40, cols = 19, rows = 11;
    byte[] src = new byte[srcRows * cols];
    random().nextBytes(src);
    Tensor pixels = backend().allocatePixels(src.length);
    int half = 17 * cols + 5;
    backend().uploadPixels(src, 0, pixels, 0, half);
    backend().uploadPixels(src, half, pixels, half, src.length - half);
    int[] idx = new int[srcRows];
    for (int i = 0; i < srcRows; i++) idx[i] = random().nextInt(srcRows);
    IndexTensor indices = backend().allocateIndices(srcRows);
    backend().uploadIndices(idx, indices);
    Tensor dst = poisoned(rows * cols);
    backend().gatherRows(pixels, cols, indices, 3, rows, dst);
    float[] out = backend().download(dst);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        assertEquals((src[idx[3 + r] * cols + c] & 0xff) / 255f, out[r * cols + c], "row " + r + " col " + c);
      }
    }
    backend().release(pixels);
  }
}
