package dev.vae4j.model.layer;

/**
 * What a model configuration says about one layer, before it has a place in the parameter buffer:
 * its kind and sizes. {@link #build} turns it into a {@link Layer} given the shape it receives, its
 * PyTorch name and the offset of its parameters. The kinds: {@link LinearSpec}, {@link Conv2dSpec},
 * {@link ConvTranspose2dSpec} and {@link ReshapeSpec} (flat rows to images).
 */
public sealed interface LayerSpec permits LinearSpec, Conv2dSpec, ConvTranspose2dSpec, ReshapeSpec {
  /** The bound layer: parameters from {@code offset}, named {@code name.weight} and so on. */
  Layer build(String name, Shape input, long offset);

  /**
   * Whether the layer runs on {@code ConvOps}, which a GPU backend can run only where cuDNN is
   * installed; backend selection asks before it picks one.
   */
  default boolean convolutional() {
    return false;
  }
}
