package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;

/**
 * One direction's cuDNN algorithm for one convolution shape, as chosen from the heuristics'
 * ranking ({@code cudnnGetConvolution*Algorithm_v7}) once, when the shape is prepared.
 *
 * @param algo the {@code cudnnConvolution*Algo_t}
 * @param workspaceBytes the workspace it needs
 * @param mathType the math type it was ranked with, which its descriptor is set to
 */
record ConvAlgorithm(int algo, long workspaceBytes, int mathType) {
  /**
   * How many results each heuristics call asks for: more than cuDNN has algorithms in any
   * direction (8 forward, 6 backward-data, 7 backward-filter).
   */
  static final int REQUESTED = 8;

  /**
   * The best ranked result that succeeded, fits in {@code maxWorkspaceBytes} and, without TF32,
   * does not use tensor-core math (which for float data means TF32). The heuristics rank by
   * predicted time, so the first such result is the one to take: no timed search, which would need
   * scratch buffers and a synchronization per shape and could pick differently from run to run.
   *
   * @throws CudaException naming {@code what} when no result qualifies
   */
  static ConvAlgorithm choose(String what, int returned, int[] algo, int[] status, long[] memory, int[] mathType,
      boolean tf32, long maxWorkspaceBytes) {
    StringBuilder rejected = new StringBuilder();
    for (int i = 0; i < returned; i++) {
      boolean tensorOps = mathType[i] == CUDNN_TENSOR_OP_MATH || mathType[i] == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
      if (status[i] == 0 && memory[i] <= maxWorkspaceBytes && (tf32 || !tensorOps)) {
        return new ConvAlgorithm(algo[i], memory[i], mathType[i]);
      }
      rejected.append(rejected.length() == 0 ? "" : ", ").append("algo ").append(algo[i])
          .append(status[i] != 0 ? " (status " + status[i] + ")"
              : memory[i] > maxWorkspaceBytes ? " (workspace " + memory[i] + " bytes)" : " (tensor-op math)");
    }
    throw new CudaException("cuDNN has no usable algorithm for " + what + " (" + returned + " ranked"
        + (rejected.length() == 0 ? "" : ": " + rejected) + "; at most " + maxWorkspaceBytes + " workspace bytes"
        + (tf32 ? "" : ", FP32 math") + ")");
  }
}
