// The conditional VAE's one-hot input and its backward. CPU twins (the reference):
// dev.vae4j.backend.cpu.CpuMemory#appendOneHot, CpuMemory#appendOneHotBackward.
#include "common.cuh"

// Backend#appendOneHot: dst[i, :width] = src[i, :]; dst[i, width + c] = (c == label) for c in
// [0, classes), label = labels[row], row = order[first + i] (or first + i without an order), where
// first = vae4j_step_value(counter, firstBase, firstStride). The host checks what it can see; a
// position, row or label out of range (possible only when a replayed step runs further than it was
// recorded for) yields NaN one-hot columns, not a memory fault.
extern "C" __global__ void vae4j_append_one_hot(const float* src, int width, const int* labels,
                                                int labelCount, const int* order, int orderCount,
                                                const long long* counter, long long firstBase,
                                                long long firstStride, int rows, int classes,
                                                float* dst) {
  const long long first = vae4j_step_value(counter, firstBase, firstStride);
  const int wide = width + classes;
  const long long n = (long long)rows * wide;
  VAE4J_GRID_STRIDE(i, n) {
    const long long r = i / wide, c = i - r * wide;
    if (c < width) {
      dst[i] = src[r * width + c];
      continue;
    }
    const long long at = first + r;
    const long long row = order == nullptr ? at : ((at >= 0 && at < orderCount) ? order[at] : -1);
    const int label = (row >= 0 && row < labelCount) ? labels[row] : -1;
    dst[i] = (label >= 0 && label < classes) ? (c - width == label ? 1.0f : 0.0f)
                                             : __int_as_float(0x7fc00000);
  }
}

// Backend#appendOneHotBackward: grad[i, :] = wideGrad[i, :width], rows of width + classes.
extern "C" __global__ void vae4j_append_one_hot_backward(const float* wideGrad, int width,
                                                         int classes, int rows, float* grad) {
  const long long n = (long long)rows * width;
  VAE4J_GRID_STRIDE(i, n) {
    const long long r = i / width, c = i - r * width;
    grad[i] = wideGrad[r * (width + classes) + c];
  }
}
