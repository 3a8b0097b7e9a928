/**
 * The model. API: {@link dev.vae4j.model.VaeConfig} (input shape, encoder and decoder layer specs,
 * latent size, likelihood). Internal to vae4j, not part of its API (see {@link dev.vae4j}): the VAE
 * network as Backend calls, its parameter layout, workspaces, initialization, Adam and the model
 * file's metadata.
 */
package dev.vae4j.model;
