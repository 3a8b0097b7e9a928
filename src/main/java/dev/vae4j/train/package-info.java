/**
 * Training: {@link dev.vae4j.train.Trainer} (the epoch loop, API) with {@link
 * dev.vae4j.train.TrainOptions}, {@link dev.vae4j.train.TrainingListener} and the metrics it
 * reports, and the small classes it delegates to, internal to vae4j: the step as backend calls
 * ({@code TrainingStep}, which bench times too; {@code StackedTrainingStep}, M models of one
 * shape in one step), the epoch order, early stopping, the divergence
 * guard, the resumable state and its checkpoints.
 */
package dev.vae4j.train;
