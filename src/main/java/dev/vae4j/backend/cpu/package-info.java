/**
 * Internal to vae4j, not part of its API (see {@link dev.vae4j}). The CPU backend: oneDNN or OpenBLAS GEMMs and Java loops.
 */
package dev.vae4j.backend.cpu;
