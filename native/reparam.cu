// The VAE's latent layer: Philox normal noise and the reparameterization trick. CPU twins:
// dev.vae4j.backend.cpu.CpuLatent#normalNoise (dev.vae4j.backend.Philox), CpuLatent#reparameterize,
// CpuLatent#reparameterizeBackward.
#include "common.cuh"

// One Philox4x32-10 block (Salmon et al., SC'11), word for word as dev.vae4j.backend.Philox#block.
__device__ __forceinline__ uint4 vae4j_philox(uint4 c, unsigned int k0, unsigned int k1) {
  const unsigned int M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  const unsigned int W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
#pragma unroll
  for (int round = 0; round < 10; round++) {
    const unsigned int hi0 = __umulhi(M0, c.x), lo0 = M0 * c.x;
    const unsigned int hi1 = __umulhi(M1, c.z), lo1 = M1 * c.z;
    c = make_uint4(hi1 ^ c.y ^ k0, lo1, hi0 ^ c.w ^ k1, lo0);
    k0 += W0;
    k1 += W1;
  }
  return c;
}

// Philox#uniform: the top 24 bits of a word, centred, in (0, 1).
__device__ __forceinline__ double vae4j_uniform(unsigned int w) {
  return ((w >> 8) + 0.5) * (1.0 / 16777216.0);
}

// Backend#normalNoise: out[i] for i in [0, n) is element i of the standard-normal stream of
// (seed, stream), stream = vae4j_step_value(counter, streamBase, streamStride). Element i comes
// from the Philox block with counter (lo(i/4), hi(i/4), lo(stream), hi(stream)) and key (lo(seed),
// hi(seed)); Box-Muller turns (u0, u1) into elements 4b, 4b+1 and (u2, u3) into 4b+2, 4b+3. The
// transcendental functions run in double, as on the CPU, so both agree to float rounding. One
// thread per Philox block.
// Philox block b of vae4j_normal_noise: elements 4b .. 4b+3 (those below n) of out.
__device__ __forceinline__ void vae4j_normal_block(float* out, long long n, unsigned long long seed,
                                                   unsigned long long stream, long long b) {
  const uint4 w = vae4j_philox(
      make_uint4((unsigned int)b, (unsigned int)((unsigned long long)b >> 32),
                 (unsigned int)stream, (unsigned int)(stream >> 32)),
      (unsigned int)seed, (unsigned int)(seed >> 32));
  const unsigned int words[4] = {w.x, w.y, w.z, w.w};
#pragma unroll
  for (int pair = 0; pair < 2; pair++) {
    const double r = sqrt(-2.0 * log(vae4j_uniform(words[2 * pair])));
    double s, c;
    sincos(2.0 * 3.14159265358979323846 * vae4j_uniform(words[2 * pair + 1]), &s, &c);
    const long long i = b * 4 + 2 * pair;
    if (i < n) out[i] = (float)(r * c);
    if (i + 1 < n) out[i + 1] = (float)(r * s);
  }
}

extern "C" __global__ void vae4j_normal_noise(float* out, long long n, unsigned long long seed,
                                              const long long* counter, long long streamBase,
                                              long long streamStride) {
  const unsigned long long stream =
      (unsigned long long)vae4j_step_value(counter, streamBase, streamStride);
  const long long blocks = (n + 3) / 4;
  VAE4J_GRID_STRIDE(b, blocks) vae4j_normal_block(out, n, seed, stream, b);
}

// Backend#stackedNormalNoise: model m's perModel floats at out + m * perModel are the first
// perModel of vae4j_normal_noise(seed = table[m].seed, stream), stream = vae4j_step_value(counter,
// streamBase, streamStride): each model its own Philox stream, one thread per (model, Philox block).
extern "C" __global__ void vae4j_stacked_normal_noise(float* out, long long perModel,
                                                      const vae4j_stack_model* table, int models,
                                                      const long long* counter,
                                                      long long streamBase,
                                                      long long streamStride) {
  const unsigned long long stream =
      (unsigned long long)vae4j_step_value(counter, streamBase, streamStride);
  const long long blocks = (perModel + 3) / 4, n = blocks * models;
  VAE4J_GRID_STRIDE(i, n) {
    const long long model = i / blocks;
    vae4j_normal_block(out + model * perModel, perModel, table[model].seed, stream,
                       i - model * blocks);
  }
}

// Backend#reparameterize: stats [rows, 2*latent] holds mu in columns [0, latent) and logvar in
// [latent, 2*latent); z = mu + exp(logvar / 2) * eps with eps, z [rows, latent].
extern "C" __global__ void vae4j_reparameterize(const float* stats, const float* eps, float* z,
                                                int rows, int latent) {
  const long long n = (long long)rows * latent;
  VAE4J_GRID_STRIDE(i, n) {
    const long long r = i / latent, j = i - r * latent;
    const float mu = stats[r * 2 * latent + j], logvar = stats[r * 2 * latent + latent + j];
    z[i] = mu + expf(0.5f * logvar) * eps[i];
  }
}

// Backend#reparameterizeBackward, accumulating into dstats [rows, 2*latent]: dmu += dz and
// dlogvar += dz * eps * 0.5 * exp(logvar / 2).
extern "C" __global__ void vae4j_reparameterize_backward(const float* dz, const float* stats,
                                                         const float* eps, float* dstats, int rows,
                                                         int latent) {
  const long long n = (long long)rows * latent;
  VAE4J_GRID_STRIDE(i, n) {
    const long long r = i / latent, j = i - r * latent;
    const long long mu = r * 2 * latent + j, logvar = mu + latent;
    const float g = dz[i];
    dstats[mu] += g;
    dstats[logvar] += g * eps[i] * 0.5f * expf(0.5f * stats[logvar]);
  }
}

// Backend#dropout and #dropoutBackward (the same mask, in place on the output or its gradient):
// x [rows, cols] holds rows [firstRow, firstRow + rows) of a pass; element (r, c) is kept, times
// scale, when word c % 4 of the Philox block with counter (c / 4, 0x80000000 | layer << 24 |
// firstRow + r, lo(step), hi(step)) and key (lo(seed), hi(seed)) has its top 24 bits >= threshold,
// else set to 0; step = vae4j_step_value(counter, stepBase, stepStride), so a CUDA graph's replays
// draw each step's masks. CPU twin: dev.vae4j.backend.cpu.CpuLatent#applyMask
// (dev.vae4j.backend.DropoutMask). One thread per Philox block of a row.
extern "C" __global__ void vae4j_dropout(float* x, int rows, int cols, int firstRow,
                                         unsigned long long seed, const long long* counter,
                                         long long stepBase, long long stepStride, int layer,
                                         unsigned int threshold, float scale) {
  const unsigned long long step =
      (unsigned long long)vae4j_step_value(counter, stepBase, stepStride);
  const int blocksPerRow = (cols + 3) / 4;
  const long long blocks = (long long)rows * blocksPerRow;
  VAE4J_GRID_STRIDE(i, blocks) {
    const int r = (int)(i / blocksPerRow), b = (int)(i - (long long)r * blocksPerRow);
    const uint4 w = vae4j_philox(
        make_uint4((unsigned int)b,
                   0x80000000u | ((unsigned int)layer << 24) | (unsigned int)(firstRow + r),
                   (unsigned int)step, (unsigned int)(step >> 32)),
        (unsigned int)seed, (unsigned int)(seed >> 32));
    const unsigned int words[4] = {w.x, w.y, w.z, w.w};
    float* row = x + (long long)r * cols;
#pragma unroll
    for (int j = 0; j < 4; j++) {
      const int c = 4 * b + j;
      if (c < cols) row[c] = (words[j] >> 8) >= threshold ? row[c] * scale : 0.0f;
    }
  }
}
