/**
 * Internal to vae4j, not part of its API (see {@link dev.vae4j}). The VAE network as Backend calls, its parameter layout, initialization and Adam.
 */
package dev.vae4j.model;
