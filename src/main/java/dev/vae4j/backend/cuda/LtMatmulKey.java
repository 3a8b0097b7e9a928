package dev.vae4j.backend.cuda;

/**
 * Everything a cuBLASLt matmul's descriptors and heuristic algorithm depend on, in cuBLASLt's own
 * column-major terms: the key under which {@link CublasLt} caches one plan per shape. Row-major
 * operands reach cuBLASLt through the usual swap: row-major {@code C = op(A) op(B)} is column-major
 * {@code C^T = op(B)^T op(A)^T}, the same bytes with the operands exchanged.
 *
 * <p>The operands' alignments (bytes, a power of two up to 256) are part of the key because the
 * heuristic assumes 256-byte-aligned buffers unless told otherwise, and layer weights are slices
 * at arbitrary float offsets of one parameter buffer: a plan made for looser alignment serves
 * any pointers at least that aligned.
 *
 * @param transA whether cuBLASLt's A is transposed ({@code CUBLAS_OP_T})
 * @param transB whether cuBLASLt's B is transposed
 * @param m rows of D (column-major)
 * @param n columns of D
 * @param k the reduced dimension
 * @param lda leading dimension of A as stored
 * @param ldb leading dimension of B as stored
 * @param ldd leading dimension of D (and C, which is D)
 * @param epilogue what the GEMM does after the product
 * @param alignA byte alignment of A's pointer, at most 256
 * @param alignB byte alignment of B's pointer
 * @param alignD byte alignment of D's pointer
 * @param bf16 A and B are bfloat16 ({@code CUDA_R_16BF}: {@code --precision bf16}), D float32; else all float32
 */
record LtMatmulKey(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldd,
    LtEpilogue epilogue, int alignA, int alignB, int alignD, boolean bf16) {

  /** The largest alignment cuBLASLt's heuristic asks about. */
  static final int MAX_ALIGNMENT = 256;

  /**
   * A layer's forward GEMM, row-major {@code y[rows, out] = x[rows, in] w[out, in]^T}: column-major
   * {@code y^T[out, rows] = w^T x^T}, so cuBLASLt's A is {@code w} (stored column-major {@code [in,
   * out]}, transposed), B is {@code x} (column-major {@code [in, rows]}), and a bias epilogue adds
   * {@code bias[out]} along D's rows, i.e. to every sample.
   */
  static LtMatmulKey forward(int rows, int in, int out, LtEpilogue epilogue, long x, long w, long y) {
    return new LtMatmulKey(true, false, out, rows, in, in, in, out, epilogue, alignment(w), alignment(x),
        alignment(y), false);
  }

  /**
   * A layer's weight-gradient GEMM, row-major {@code dw[out, in] = dy[rows, out]^T x[rows, in]}:
   * column-major {@code dw^T[in, out] = x^T dy}, so cuBLASLt's A is {@code x} (column-major {@code
   * [in, rows]}), B is {@code dy} (column-major {@code [out, rows]}, transposed to {@code [rows,
   * out]}), and BGRADB's sums of B over k = rows are the bias gradient {@code db[out]}.
   */
  static LtMatmulKey weightGradient(int rows, int in, int out, LtEpilogue epilogue, long x, long dy, long dw) {
    return new LtMatmulKey(false, true, in, out, rows, in, out, in, epilogue, alignment(x), alignment(dy),
        alignment(dw), false);
  }

  /**
   * A plain row-major GEMM {@code c[m, n] = op(a) op(b)} with bfloat16 copies of {@code a} and
   * {@code b}: column-major {@code c^T = op(b)^T op(a)^T}, so cuBLASLt's A is {@code b} (stored
   * column-major {@code [n, k]}, or {@code [k, n]} transposed), its B is {@code a}, D is {@code c}.
   */
  static LtMatmulKey bf16Gemm(boolean transA, boolean transB, int m, int n, int k, long a, long b, long c) {
    return new LtMatmulKey(transB, transA, n, m, k, transB ? k : n, transA ? m : k, n, LtEpilogue.DEFAULT,
        alignment(b), alignment(a), alignment(c), true);
  }

  /** The largest power of two, up to 256, that divides {@code address}. */
  static int alignment(long address) {
    return address == 0 ? MAX_ALIGNMENT : (int) Math.min(MAX_ALIGNMENT, Long.lowestOneBit(address));
  }

  /** Rows of A as stored (column-major). */
  int aRows() {
    return transA ? k : m;
  }

  /** Columns of A as stored. */
  int aCols() {
    return transA ? m : k;
  }

  /** Rows of B as stored. */
  int bRows() {
    return transB ? n : k;
  }

  /** Columns of B as stored. */
  int bCols() {
    return transB ? k : n;
  }

  /** For error messages: the shape, the transposes and the epilogue. */
  String describe() {
    return "cuBLASLt " + m + "x" + n + "x" + k + " " + (transA ? "T" : "N") + (transB ? "T" : "N") + " " + epilogue
        + " (alignment " + alignA + "/" + alignB + "/" + alignD + ")" + (bf16 ? " BF16" : "");
  }
}
