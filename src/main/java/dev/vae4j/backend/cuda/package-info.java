/**
 * Internal to vae4j, not part of its API (see {@link dev.vae4j}). The CUDA backend: cuBLAS GEMMs and vae4j's kernels through the driver API.
 */
package dev.vae4j.backend.cuda;
