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
 * <p>The API is this package ({@link dev.vae4j.Vae}, a model on a backend, and {@link
 * dev.vae4j.Backends}, which picks one) with {@link dev.vae4j.model.VaeConfig}, training ({@code
 * dev.vae4j.train}: {@code Trainer}, {@code TrainOptions}, {@code TrainingListener}), run folders
 * ({@code dev.vae4j.run}: {@code RunConfig}, {@code RunDirectory}, {@code Run}, {@code Pictures},
 * {@code TensorBoardListener}) and {@code dev.vae4j.bench.Benchmark}, together with the values they
 * take and give: datasets from {@code dev.vae4j.data}, the {@code Backend} handle and {@code
 * Likelihood} from {@code dev.vae4j.backend}, the file formats of {@code dev.vae4j.io}, and the
 * likelihood estimates, anomaly scores and ROC analysis of {@code dev.vae4j.eval} with the charts
 * of {@code dev.vae4j.plot}. Each package's own documentation says which of its classes are
 * internal; the packages {@code dev.vae4j.backend.cpu}, {@code dev.vae4j.backend.cuda} and {@code
 * dev.vae4j.cli} are internal as a whole: public only so that vae4j's own packages can reach each
 * other, and free to change in any release.
 */
package dev.vae4j;
