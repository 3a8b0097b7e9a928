/**
 * Hyperparameter sweeps: the trials a grid or random search names ({@link SweepSpace}), the
 * definition a sweep folder records ({@link SweepDefinition}), which trials a shard runs ({@link
 * Shard}) and the results table assembled from the trial run folders ({@link SweepResults}).
 */
package dev.vae4j.sweep;
