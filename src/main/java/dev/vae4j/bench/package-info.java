/**
 * What {@code vae4j bench} measures: {@link dev.vae4j.bench.Benchmark} (timed rounds of the
 * training step against its GEMM-only rate, API) and {@link dev.vae4j.bench.Machine} (the facts a
 * result names); {@code JitWarmup} is internal.
 */
package dev.vae4j.bench;
