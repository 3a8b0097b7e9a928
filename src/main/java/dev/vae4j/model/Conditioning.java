package dev.vae4j.model;

import java.util.List;

/**
 * What a conditional VAE (Sohn et al. 2015, {@code train --conditional}) is conditioned on: a
 * one-hot of the row's class among {@code classes}, appended to the encoder's input and to the
 * latent vector the decoder reads. {@link #NONE} (no classes) is the plain VAE.
 *
 * @param classes how many classes (0: not conditional)
 * @param names each class's name, label order, where the data name them; else empty
 */
public record Conditioning(int classes, List<String> names) {
  /** The plain, unconditional VAE. */
  public static final Conditioning NONE = new Conditioning(0, List.of());

  public Conditioning {
    if (classes < 0) throw new IllegalArgumentException("class count must be >= 0, got " + classes);
    names = names == null ? List.of() : List.copyOf(names);
    if (!names.isEmpty() && names.size() != classes) {
      throw new IllegalArgumentException(names.size() + " class names for " + classes + " classes");
    }
  }

  /** Conditioned on {@code classes} unnamed classes. */
  public static Conditioning of(int classes) {
    return new Conditioning(classes, List.of());
  }

  public boolean conditional() {
    return classes > 0;
  }

  /** Class {@code label}'s name, or the label itself where the classes have no names. */
  public String name(int label) {
    return names.isEmpty() ? Integer.toString(label) : names.get(label);
  }

  /**
   * The label {@code text} means: a class name, else a label number in [0, classes).
   *
   * @throws IllegalArgumentException naming the classes there are when it is neither
   */
  public int label(String text) {
    int named = names.indexOf(text);
    if (named >= 0) return named;
    try {
      int label = Integer.parseInt(text.trim());
      if (label >= 0 && label < classes) return label;
    } catch (NumberFormatException e) {
      // neither a name nor a number: the message below says what is
    }
    throw new IllegalArgumentException("--class '" + text + "' is not a class of this model: labels 0-" + (classes - 1)
        + (names.isEmpty() ? "" : " or " + String.join(", ", names)));
  }
}
