package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLASLT_EPILOGUE_BGRADB;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_EPILOGUE_BIAS;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_EPILOGUE_DEFAULT;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_EPILOGUE_RELU;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_EPILOGUE_RELU_BIAS;

import dev.vae4j.backend.Activation;

/**
 * The cuBLASLt epilogues the CUDA backend fuses into a GEMM, and which op uses which. (The codes
 * are compile-time constants, so naming them loads no native library.)
 */
enum LtEpilogue {
  /** Plain GEMM. */
  DEFAULT(CUBLASLT_EPILOGUE_DEFAULT, false),
  /** {@code max(D, 0)}. */
  RELU(CUBLASLT_EPILOGUE_RELU, false),
  /** {@code D + bias}, the bias along D's (column-major) rows. */
  BIAS(CUBLASLT_EPILOGUE_BIAS, true),
  /** {@code max(D + bias, 0)}. */
  RELU_BIAS(CUBLASLT_EPILOGUE_RELU_BIAS, true),
  /** Writes the sums of operand B over the GEMM's k dimension into the bias pointer. */
  BGRADB(CUBLASLT_EPILOGUE_BGRADB, true);

  /** The {@code cublasLtEpilogue_t} value. */
  final int code;
  /** Whether the epilogue reads or writes the bias pointer. */
  final boolean usesBias;

  LtEpilogue(int code, boolean usesBias) {
    this.code = code;
    this.usesBias = usesBias;
  }

  /**
   * The epilogue that finishes {@code act(x w^T + bias)} in the GEMM, or null where cuBLASLt has
   * none (sigmoid, ELU, tanh, leaky ReLU, GELU: cuBLASLt's GELU epilogues are the tanh
   * approximation, not PyTorch's default exact erf form): then the backend runs the GEMM and its bias/activation kernel.
   */
  static LtEpilogue forward(Activation act, boolean hasBias) {
    return switch (act) {
      case IDENTITY -> hasBias ? BIAS : DEFAULT;
      case RELU -> hasBias ? RELU_BIAS : RELU;
      case SIGMOID, ELU, TANH, LEAKY_RELU, GELU -> null;
    };
  }

  /**
   * The epilogue of a layer's weight-gradient GEMM: BGRADB sums the pre-activation gradient over
   * the batch into the bias gradient; null when there is no bias gradient to fuse (a plain GEMM).
   */
  static LtEpilogue weightGradient(boolean hasBiasGrad) {
    return hasBiasGrad ? BGRADB : null;
  }
}
