// Per-row scaling of a row-major matrix (--class-weights: each training row's loss and gradient
// times its class's weight). CPU twin and reference: dev.vae4j.backend.cpu.CpuLosses#scaleRows.
#include "common.cuh"

// Backend#scaleRows: values[r, c] *= rowScales[r] for r in [0, rows), c in [0, cols); one float
// multiplication per value, as on the CPU, so both give the same bits.
extern "C" __global__ void vae4j_scale_rows(float* values, int rows, int cols, const float* rowScales) {
  const long long n = (long long)rows * cols;
  VAE4J_GRID_STRIDE(i, n) values[i] *= rowScales[i / cols];
}
