package dev.vae4j.backend;

/**
 * The shape of {@link MemoryOps#appendOneHot} and its backward: {@code rows} rows of {@code width}
 * values, and beside them a one-hot of {@code classes} columns, so the wide side is {@code [rows,
 * width + classes]}.
 */
public record OneHotShape(int rows, int width, int classes) {
  public OneHotShape {
    if (rows < 0 || width <= 0 || classes <= 0) {
      throw new IllegalArgumentException("appendOneHot: needs rows >= 0, width > 0 and classes > 0, got rows " + rows
          + ", width " + width + ", classes " + classes);
    }
  }

  /** Columns of the wide side. */
  public int wideCols() {
    return width + classes;
  }

  /** {@link MemoryOps#appendOneHot}: src {@code [rows, width]}, dst {@code [rows, width + classes]}, the label positions in range. */
  public void checkAppend(Tensor src, Tensor dst, IndexTensor labels, IndexTensor order, int first) {
    Lengths.require("appendOneHot", "src", src, (long) rows * width);
    Lengths.require("appendOneHot", "dst", dst, (long) rows * wideCols());
    int positions = order == null ? labels.length() : order.length();
    if (first < 0 || (long) first + rows > positions) {
      throw new IndexOutOfBoundsException("appendOneHot rows [" + first + ", " + ((long) first + rows) + ") of "
          + positions + (order == null ? " labels" : " order positions"));
    }
  }

  /** {@link MemoryOps#appendOneHotBackward}: wideGrad {@code [rows, width + classes]}, grad {@code [rows, width]}. */
  public void checkBackward(Tensor wideGrad, Tensor grad) {
    Lengths.require("appendOneHotBackward", "wideGrad", wideGrad, (long) rows * wideCols());
    Lengths.require("appendOneHotBackward", "grad", grad, (long) rows * width);
  }

  /** A label out of {@code [0, classes)}, or a row index past the labels. */
  public IndexOutOfBoundsException badLabel(String what, int value, int bound) {
    return new IndexOutOfBoundsException("appendOneHot " + what + " " + value + " not in [0, " + bound + ")");
  }
}
