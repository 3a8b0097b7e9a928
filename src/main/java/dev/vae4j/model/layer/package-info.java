/**
 * The layers a model is made of: {@link dev.vae4j.model.layer.Shape} and the {@link
 * dev.vae4j.model.layer.LayerSpec}s a {@code VaeConfig} lists are API; the bound {@link
 * dev.vae4j.model.layer.Layer}s (each owning its parameter views, output shape, forward and
 * backward calls, GEMMs and workspace needs) are internal.
 */
package dev.vae4j.model.layer;
