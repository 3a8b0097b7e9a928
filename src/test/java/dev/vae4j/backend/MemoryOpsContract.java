package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The contract of {@link MemoryOps}, every op against a double-precision reference written from its
 * Javadoc: the row gather from float and 8-bit sources, the conditional VAE's one-hot append and its backward, the
 * release of index buffers (uploads, downloads, fills and slices are
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

  /** Rows of src beside the one-hot of labels[order[first + i]], and with no order labels[first + i]. */
  @Test
  default void appendOneHot() {
    int width = 13, classes = 5, rows = 9, count = 30, first = 4;
    float[] src = gaussian(rows * width, 1);
    int[] labels = new int[count], order = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = random().nextInt(classes);
      order[i] = random().nextInt(count);
    }
    IndexTensor lab = backend().allocateIndices(count), ord = backend().allocateIndices(count);
    backend().uploadIndices(labels, lab);
    backend().uploadIndices(order, ord);
    for (boolean ordered : new boolean[] {true, false}) {
      Tensor dst = poisoned(rows * (width + classes));
      backend().appendOneHot(upload(src), width, lab, ordered ? ord : null, first, rows, classes, dst);
      float[] out = backend().download(dst);
      for (int r = 0; r < rows; r++) {
        int label = labels[ordered ? order[first + r] : first + r];
        for (int c = 0; c < width; c++) assertEquals(src[r * width + c], out[r * (width + classes) + c], "row " + r);
        for (int c = 0; c < classes; c++) {
          assertEquals(c == label ? 1f : 0f, out[r * (width + classes) + width + c], "row " + r + " class " + c);
        }
      }
    }
  }

  /** A label outside [0, classes), or rows past the labels, are refused where the backend sees them. */
  @Test
  default void appendOneHotRefusesBadLabels() {
    IndexTensor lab = backend().allocateIndices(3);
    backend().uploadIndices(new int[] {0, 4, 1}, lab);
    Tensor dst = poisoned(3 * 6);
    assertThrows(IndexOutOfBoundsException.class, () -> backend().appendOneHot(upload(new float[6]), 2, lab, null, 0, 3, 4, dst));
    IndexTensor good = backend().allocateIndices(3);
    backend().uploadIndices(new int[] {0, 3, 1}, good);
    assertThrows(IndexOutOfBoundsException.class, () -> backend().appendOneHot(upload(new float[6]), 2, good, null, 1, 3, 4, dst));
  }

  /** The backward keeps the first width columns of each wide row. */
  @Test
  default void appendOneHotBackward() {
    int width = 11, classes = 3, rows = 7;
    float[] wide = gaussian(rows * (width + classes), 1);
    Tensor grad = poisoned(rows * width);
    backend().appendOneHotBackward(upload(wide), width, classes, rows, grad);
    float[] out = backend().download(grad);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < width; c++) assertEquals(wide[r * (width + classes) + c], out[r * width + c]);
    }
  }

  /**
   * Index buffers released between passes, as a conditional model's per-call labels are: each is
   * released once after its gather, an empty one too, and a buffer allocated after a release (which
   * may get the freed memory) gathers its own indices.
   */
  @Test
  default void releaseIndicesBetweenUses() {
    int srcRows = 20, cols = 5, rows = 8;
    float[] src = gaussian(srcRows * cols, 1);
    Tensor source = upload(src);
    for (int round = 0; round < 3; round++) {
      int[] idx = new int[rows];
      for (int i = 0; i < rows; i++) idx[i] = random().nextInt(srcRows);
      IndexTensor indices = backend().allocateIndices(rows);
      backend().uploadIndices(idx, indices);
      Tensor dst = poisoned(rows * cols);
      backend().gatherRows(source, cols, indices, 0, rows, dst);
      backend().release(indices);
      float[] out = backend().download(dst);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) assertEquals(src[idx[r] * cols + c], out[r * cols + c], "round " + round + " row " + r);
      }
      backend().release(dst);
    }
    backend().release(backend().allocateIndices(0));
    backend().release(source);
  }
}
