/**
 * Run folders: {@link dev.vae4j.run.RunConfig}, the one owner of {@code config.json}; {@link
 * dev.vae4j.run.RunDirectory}, the files a training run writes; {@link dev.vae4j.run.Run}, a
 * finished folder read back; {@link dev.vae4j.run.Pictures} and {@link
 * dev.vae4j.run.TensorBoardListener}, what a run shows. All API.
 */
package dev.vae4j.run;
