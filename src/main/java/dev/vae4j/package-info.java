/**
 * vae4j's library API: everything the command line does, a Java program can do from here.
 *
 * <pre>{@code
 * try (Backend backend = Backends.auto().backend()) {       // CUDA when usable, else the CPU
 *   Vae model = Vae.create(VaeConfig.mnistDefault(), backend, 1L);
 *   Trainer.Result result = Trainer.fit(model, Datasets.bundledDigits(), TrainOptions.defaults());
 *   model.save(Path.of("model.safetensors"), Map.of());
 * }
 * }</pre>
 *
 * <p>The API is this package ({@link dev.vae4j.Vae}, {@link dev.vae4j.VaeConfig}, {@link
 * dev.vae4j.Trainer}, {@link dev.vae4j.TrainOptions}, {@link dev.vae4j.Backends}, {@link
 * dev.vae4j.TrainingListener}, {@link dev.vae4j.TensorBoardListener}, {@link
 * dev.vae4j.RunDirectory}, {@link dev.vae4j.Run}, {@link dev.vae4j.Pictures}) together with the
 * values it takes and gives: datasets from {@code dev.vae4j.data}, the {@code Backend} handle and
 * {@code Likelihood} from {@code dev.vae4j.backend}, the file formats of {@code dev.vae4j.io}, and
 * the likelihood estimates, anomaly scores and ROC analysis of {@code dev.vae4j.eval} with the
 * charts of {@code dev.vae4j.plot}. The packages {@code
 * dev.vae4j.model}, {@code dev.vae4j.backend.cpu}, {@code dev.vae4j.backend.cuda} and {@code
 * dev.vae4j.cli} are internal: public only so that vae4j's own packages can reach each other, and
 * free to change in any release.
 */
package dev.vae4j;
