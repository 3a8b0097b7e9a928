# syntax=docker/dockerfile:1
# vae4j for nvidia-docker: a CUDA 13 build stage (JDK 17, Maven, nvcc for the kernel fatbin) and a
# CUDA 13 runtime stage with cuDNN 9 (libcudart, libcublas, libcublasLt, libcudnn*.so.9 for the
# convolutional models) with a headless JRE 17 and the jar.
#
#   docker build -t vae4j .
#   docker run --rm --gpus all -v "$PWD/runs:/runs" vae4j train --device cuda
#
# The CUDA version of both base images must have the major version of the bytedeco cuda bindings
# in pom.xml (cuda.version), and the runtime must be at least as new as them (minor version). The
# build stage needs no cuDNN: the bindings link against it only when a model first convolves.
# DockerfileTest checks that, the Maven command and jar paths, and every COPY source.

FROM nvidia/cuda:13.3.0-devel-ubuntu24.04 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml README.md ./
COPY native/ native/
COPY src/main/ src/main/
# nvcc is in this image: a missing one must fail the build, not yield a jar without kernels.
ENV VAE4J_REQUIRE_NVCC=1
# No class-data-sharing archive: it belongs to the JVM and the jar path that made it, not the runtime stage's.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -DskipTests -Dvae4j.skipCds=true

FROM nvidia/cuda:13.3.0-cudnn-runtime-ubuntu24.04
# fontconfig and a font: the charts (latent.png, ROC curves) lay out text, which the JRE's font
# support cannot do without them; the first GPU run, on a machine lacking them, lost latent.png.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless fontconfig fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /nonexistent --shell /usr/sbin/nologin vae4j \
 && mkdir -p /data /runs \
 && chown vae4j:vae4j /runs
COPY --from=build /src/target/lib/ /opt/vae4j/lib/
COPY --from=build /src/target/vae4j.jar /opt/vae4j/vae4j.jar

# CUDA minor version compatibility: CUDA 13.x libraries run on any CUDA 13 driver (>= 580), so the
# container toolkit need not insist on the driver that shipped with 13.3.
ENV NVIDIA_DISABLE_REQUIRE=1
# Option defaults (any option: VAE4J_ + its long name, e.g. VAE4J_BATCH_SIZE); the command line wins.
# auto: CUDA when the container has a GPU (--gpus all), else the CPU, saying why.
ENV VAE4J_DEVICE=auto
# digits: the bundled MNIST digits; /data for IDX files mounted there (-v ...:/data:ro).
ENV VAE4J_DATA=digits

VOLUME ["/data", "/runs"]
# Run folders default to runs/<timestamp> relative to here, which is the /runs volume.
WORKDIR /
USER vae4j
# The serial collector: vae4j allocates little once training, and G1 would hold ~200 MB more.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector", "-jar", "/opt/vae4j/vae4j.jar"]
CMD ["info"]
