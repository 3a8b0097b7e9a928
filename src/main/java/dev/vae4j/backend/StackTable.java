package dev.vae4j.backend;

/**
 * A stack's {@link StackModels} as a backend holds them for {@link StackedOps} (on the GPU, one
 * small device table, so that each op reads every model's constants in one launch). Made by
 * {@link StackedOps#uploadStack}, freed by {@link StackedOps#releaseStack}.
 */
public interface StackTable {
  /** The constants the table holds. */
  StackModels models();

  /** How many models. */
  default int count() {
    return models().count();
  }
}
