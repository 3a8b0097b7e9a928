// Memory-shaped ops: row gather, fill, on-device loss accumulation. CPU twins:
// dev.vae4j.backend.cpu.CpuMemory#gatherRows, CpuMemory#fill, dev.vae4j.backend.cpu.CpuLosses#accumulateSum.
#include "common.cuh"

// Backend#gatherRows: dst[i, :] = src[indices[first + i], :] for i in [0, rows), rows of cols
// floats, where first = vae4j_step_value(counter, firstBase, firstStride). The host checks the
// indices it can see; a position past the index buffer or a row index out of range (possible only
// when a replayed step runs further than it was recorded for) yields a NaN row, not a memory fault.
extern "C" __global__ void vae4j_gather_rows(const float* src, long long srcRows, int cols,
                                             const int* indices, int indexCount,
                                             const long long* counter, long long firstBase,
                                             long long firstStride, int rows, float* dst) {
  const long long first = vae4j_step_value(counter, firstBase, firstStride);
  const long long n = (long long)rows * cols;
  VAE4J_GRID_STRIDE(i, n) {
    const long long r = i / cols, c = i - r * cols;
    const long long at = first + r;
    const int row = (at >= 0 && at < indexCount) ? indices[at] : -1;
    dst[i] = (row >= 0 && row < srcRows) ? src[(long long)row * cols + c] : __int_as_float(0x7fc00000);
  }
}

// Backend#fill: x[i] = value for i in [0, n).
extern "C" __global__ void vae4j_fill(float* x, long long n, float value) {
  VAE4J_GRID_STRIDE(i, n) x[i] = value;
}

// Backend#accumulateSum: accumulators[slot] += sum(values[0..count)). One block, summing in
// double like the CPU; launched with a single block so no atomics are needed and the result is
// deterministic.
__device__ __forceinline__ void vae4j_block_accumulate(const float* values, int count,
                                                       float* accumulators, int slot) {
  double sum = 0.0;
  for (int i = threadIdx.x; i < count; i += blockDim.x) sum += values[i];
  sum = vae4j_block_sum(sum);
  if (threadIdx.x == 0) accumulators[slot] = (float)(accumulators[slot] + sum);
}

extern "C" __global__ void vae4j_accumulate_sum(const float* values, int count, float* accumulators,
                                                int slot) {
  vae4j_block_accumulate(values, count, accumulators, slot);
}

// Backend#stackedLossSums: sums[2m] += sum of recon's model-m block of rows values, sums[2m + 1]
// the same of kl; block 2m + kind does one sum, as vae4j_accumulate_sum's one block does.
extern "C" __global__ void vae4j_stacked_loss_sums(const float* recon, const float* kl, int rows,
                                                   float* sums) {
  const int model = blockIdx.x >> 1, kind = blockIdx.x & 1;
  vae4j_block_accumulate((kind == 0 ? recon : kl) + (long long)model * rows, rows, sums,
                         blockIdx.x);
}

// Advances a recorded step's counter; the last node of every captured CUDA graph.
extern "C" __global__ void vae4j_advance_counter(long long* counter) {
  if (threadIdx.x == 0 && blockIdx.x == 0) *counter += 1;
}
