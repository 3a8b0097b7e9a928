#!/usr/bin/env bash
# The GPU check of vae4j: the gpu-tagged tests (every CUDA op against the CPU backend, recorded
# steps, cuBLASLt layers, the golden fixture, the cuDNN convolutions against the CPU's, ...), the training-throughput benchmark, TF32's
# accuracy cost (dev.vae4j.backend.cuda.Tf32Accuracy), short train/eval/sample runs of the CLI on
# the GPU (the default MLP, and a conv model, which needs cuDNN 9), the JMH suite with -p backend=cuda, and vae4j bench beside PyTorch on the same GPU
# (benchmarks/pytorch_reference.py, eager and CUDA graph, batch 128 and 4096), on a machine with an
# NVIDIA GPU that may be offline and have no Java; and issue 18's bar for many models at once, 32
# models of 784-400-20 trained in one stacked step (vae4j bench --models 32, FP32 and --tf32), and
# a 2x2 sweep of the bundled digits trained stacked beside the same sweep one trial at a time.
#
#   benchmarks/gpu-check.sh --prepare   # here (Maven, JDK, network for one jar): builds the kit
#   benchmarks/gpu-check.sh             # there: runs the tests and the benchmarks, prints tables
#   benchmarks/gpu-check.sh --pytorch   # there: only vae4j bench beside PyTorch (batch 128, 4096)
#   benchmarks/gpu-check.sh --models    # there: only vae4j bench --models 32, FP32 and --tf32
#   benchmarks/gpu-check.sh --sweep     # there: only the stacked sweep beside the one in turn
#   benchmarks/gpu-check.sh --tests [CLASS...]  # there: only the gpu-tagged tests (or these classes)
#   benchmarks/gpu-check.sh --bf16      # there: only vae4j bench --precision bf16 beside fp32
#   benchmarks/gpu-check.sh --cli       # there: only the CLI runs (train/eval/sample, conv train/eval)
#   benchmarks/gpu-check.sh --cpu-bench # there: issue 21's CPU table on 2 of the host's cores
#
# Results go to benchmarks/gpu-kit/results/ (emptied first), or to $GPU_CHECK_RESULTS (kept, so that
# several of the modes above can write into one folder).
#
# The kit (benchmarks/gpu-kit/, git-ignored, ~60 MiB) holds a jlink'd Java runtime and oneDNN's
# and OpenBLAS's natives (each xz-compressed, unpacked on first use), the vae4j jar and its runtime
# jars (native jars trimmed to the libraries vae4j loads), the compiled test classes, the JUnit
# console launcher and the JMH suite. Carry the parts a stage needs (the working tree and they must
# fit in 64 MiB: docs/gpu-results.md lists them) to the GPU machine beside the working tree.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
kit=$root/benchmarks/gpu-kit
junit_console=org.junit.platform:junit-platform-console-standalone:1.11.4
# Modules the library, its tests and JUnit need: java.desktop for the PNGs (javax.imageio),
# jdk.incubator.vector for the CPU backend's loops, jdk.management and jdk.jfr for the compiler
# directive that keeps those loops compiled on their own (KernelInlining: without jdk.jfr the
# DiagnosticCommand MBean lists one command, and the kit's bf16 CPU training ran at 24,000
# samples/s against 58,000 on the full JDK, Zen 5, 2026-12-04).
modules=java.base,java.desktop,java.logging,java.management,jdk.management,jdk.jfr,java.xml,jdk.unsupported,jdk.incubator.vector

log() { printf 'gpu-check: %s\n' "$*" >&2; }

# Copies jar $1 to $2 keeping only entries that match the extended regex $3 (and the metadata);
# $4, if given, is zip's compression option (-0: stored, for a jar that is then xz-compressed).
trim_jar() {
  local src=$1 dst=$2 keep=$3 level=${4:--6} tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && unzip -q "$src" && find . -name '*.so*' | { grep -Ev "$keep" || true; } | xargs -r rm -f \
    && find . -path '*/include/*' -delete && zip -q -r "$level" "$dst" .)
  rm -rf "$tmp"
}

# Jar $2 trimmed to the natives matching $3, stored, in $kit/$1.tar.xz (folder $1 once unpacked).
pack_natives() {
  local name=$1 jar=$2 keep=$3
  mkdir -p "$kit/$name"
  trim_jar "$jar" "$kit/$name/$(basename "$jar")" "$keep" -0
  tar -C "$kit" -cf - "$name" | xz -T0 -6 > "$kit/$name.tar.xz"
  rm -rf "${kit:?}/$name"
}

prepare() {
  command -v jlink >/dev/null || { log "jlink not found: --prepare needs a JDK 17+"; exit 1; }
  log "building the jar and the test classes"
  # Online: on a fresh machine Maven has yet to fetch the build's plugins and jars.
  (cd "$root" && mvn -B -q package -DskipTests)
  rm -rf "$kit"
  mkdir -p "$kit/lib" "$kit/test-classes"
  cp "$root/target/vae4j.jar" "$kit/"
  for jar in "$root"/target/lib/*.jar; do
    case $(basename "$jar") in
      # cuDNN's JNI library only: libcudnn*.so.9 itself comes from the GPU machine (see below).
      cuda-*-linux-x86_64.jar) trim_jar "$jar" "$kit/lib/$(basename "$jar")" 'libjni(cudart|cublas|cudnn)\.so' ;;
      # The CPU backend the GPU checks compare against runs on oneDNN (its convolutions need it).
      # oneDNN's natives travel as a stored jar in an xz tar (16 MiB, against 28 for the jar),
      # unpacked on first use as the runtime is. (oneDNN's preset loads OpenCL's, whose natives,
      # 0.3 MiB, stay in lib/.) OpenBLAS's, its fallback, go into a tar of their own (6 MiB) that
      # only --cpu-bench needs: without them oneDNN runs unconfined (OpenMpThreads), and the
      # tests and the kit's other parts fill the 64 MiB a device call carries.
      openblas-*-linux-x86_64.jar) pack_natives openblas "$jar" 'lib(openblas\.so|jniopenblas_nolapack|gfortran|quadmath|gcc_s)' ;;
      dnnl-*-linux-x86_64.jar) pack_natives natives "$jar" 'lib(dnnl\.so|jnidnnl|gomp)' ;;
      *) cp "$jar" "$kit/lib/" ;;
    esac
  done
  # Test classes only: the test resources travel with the working tree (src/test/resources).
  (cd "$root/target/test-classes" && find . -name '*.class' -print0 | tar --null -cf - -T -) \
    | tar -C "$kit/test-classes" -xf -
  log "building the JMH suite (benchmarks/) against this vae4j"
  (cd "$root" && mvn -B -q install -DskipTests && mvn -B -q -f benchmarks/pom.xml compile \
    && mvn -B -q -f benchmarks/pom.xml dependency:copy-dependencies -DoutputDirectory="$kit/jmh" \
      -DincludeArtifactIds=jmh-core,jopt-simple,commons-math3)
  cp -r "$root/benchmarks/target/classes" "$kit/jmh/classes"
  log "fetching the JUnit console launcher ($junit_console)"
  (cd "$root" && mvn -B -q dependency:copy -Dartifact="$junit_console" -DoutputDirectory="$kit" \
    -Dmdep.stripVersion=true)
  log "linking a Java runtime ($modules)"
  # Uncompressed modules, then xz: about 17 MiB against 31 for jlink's own zip compression.
  jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=0 \
    --output "$kit/jre" 2>/dev/null
  tar -C "$kit" -cf - jre | xz -T0 -6 > "$kit/jre.tar.xz"
  rm -rf "$kit/jre"
  local mib tests_mib tree_mib
  mib=$(du -sm "$kit" | cut -f1)
  # What a device call carries for the tests: the working tree and the kit but jmh/ and OpenBLAS.
  tests_mib=$(cd "$kit" && du -cm jre.tar.xz lib natives.tar.xz junit-platform-console-standalone.jar test-classes \
    vae4j.jar | tail -n 1 | cut -f1)
  tree_mib=$(( ($(cd "$root" && git ls-files -z | xargs -0 du -cb | tail -n 1 | cut -f1) + 1048575) / 1048576 ))
  log "kit ready: $kit ($mib MiB; for the tests $tests_mib MiB, with the working tree's $tree_mib MiB)"
  if (( tests_mib + tree_mib > 63 )); then log "the tests' carry is over 63 MiB: too big for a device call"; exit 1; fi
}

# Folders holding the CUDA 13 runtime, cuBLAS and cuDNN 9: the system toolkit (cuDNN's tar or
# packages put it there or in the default linker path), or the pip packages that PyTorch installs
# (nvidia-cuda-runtime, nvidia-cublas, nvidia-cudnn, cuda-toolkit), found through python3.
cuda_library_dirs() {
  local dirs=() d
  for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
    [[ -e $d/libcublas.so.13 || -e $d/libcudnn.so.9 ]] && dirs+=("$d")
  done
  if command -v python3 >/dev/null; then
    while IFS= read -r d; do dirs+=("$d"); done < <(python3 - <<'PY'
import glob, os, site, sys
roots = list(site.getsitepackages()) + [site.getusersitepackages()] + sys.path
found = []
for r in roots:
    libs = glob.glob(os.path.join(r, "nvidia", "**", "lib*.so.13*"), recursive=True)
    libs += glob.glob(os.path.join(r, "nvidia", "**", "libcudnn*.so.9*"), recursive=True)
    for lib in libs:
        d = os.path.dirname(lib)
        if d not in found:
            found.append(d)
print("\n".join(found))
PY
)
  fi
  local IFS=:
  echo "${dirs[*]}"
}

# Sets java, cp (library, runtime jars, test classes), tools_cp (cp + JUnit's API, which
# Tf32Accuracy needs to read the fixture through GoldenFixtureTest) and out (emptied), and puts
# the CUDA libraries on LD_LIBRARY_PATH.
setup_runtime() {
  [[ -d $kit ]] || { log "no kit at $kit: run benchmarks/gpu-check.sh --prepare first"; exit 1; }
  java=$kit/jre/bin/java
  if [[ ! -x $java ]]; then
    if [[ -f $kit/jre.tar.xz ]]; then
      # tar needs the xz program; Python's tarfile does not.
      tar -C "$kit" -xJf "$kit/jre.tar.xz" 2>/dev/null \
        || python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$kit/jre.tar.xz" "$kit"
    else
      java=$(command -v java)
    fi
  fi
  local packed
  for packed in natives openblas; do
    if [[ -f $kit/$packed.tar.xz && ! -d $kit/$packed ]]; then
      tar -C "$kit" -xJf "$kit/$packed.tar.xz" 2>/dev/null \
        || python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$kit/$packed.tar.xz" "$kit"
    fi
  done
  local libs
  libs=$(cuda_library_dirs)
  export LD_LIBRARY_PATH=${libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  log "CUDA libraries from: ${libs:-the system library path}"
  # cuDNN 9 only for the conv models and tests: without it they are skipped (tests) or fall back
  # to the CPU (--device auto), so say up front which it will be.
  local dir cudnn=
  for dir in ${libs//:/ } $(ldconfig -p 2>/dev/null | sed -n 's|.*=> \(.*\)/libcudnn\.so\.9$|\1|p'); do
    [[ -e $dir/libcudnn.so.9 ]] && { cudnn=$dir/libcudnn.so.9; break; }
  done
  log "cuDNN: ${cudnn:-libcudnn.so.9 not found: the convolution tests will be skipped and conv models run on the CPU}"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2

  cp=$kit/test-classes:$root/src/test/resources:$kit/vae4j.jar
  local jar
  for jar in "$kit"/lib/*.jar "$kit"/natives/*.jar "$kit"/openblas/*.jar; do [[ -e $jar ]] && cp=$cp:$jar; done
  tools_cp=$cp:$kit/junit-platform-console-standalone.jar
  if [[ -n ${GPU_CHECK_RESULTS:-} ]]; then
    out=$GPU_CHECK_RESULTS
  else
    out=$kit/results
    rm -rf "$out"
  fi
  mkdir -p "$out"
}

# The kit's Java, with the module the CPU backend's loops need.
kit_java() {
  "$java" --add-modules jdk.incubator.vector "$@"
}

# The gpu-tagged tests (all, or the test classes named), as a JUnit tree on stdout.
gpu_tests() {
  log "gpu-tagged tests${*:+: $*}"
  local select=(--scan-class-path "$kit/test-classes") c
  if (( $# )); then
    select=()
    for c in "$@"; do select+=(--select-class "$c"); done
  fi
  kit_java -jar "$kit/junit-platform-console-standalone.jar" execute --class-path "$cp" \
    "${select[@]}" --include-tag gpu --details=tree --disable-banner --disable-ansi-colors \
    --reports-dir "$out"
}

# The default MLP trained for 5 epochs of the bundled digits on the GPU, then eval and sample.
cli_train() {
  log "training on the bundled digits with --device cuda, then eval and sample from the run"
  local run=$out/run
  { kit_java -cp "$tools_cp" dev.vae4j.cli.Main train --device cuda \
      --epochs 5 --out "$run" \
    && kit_java -cp "$tools_cp" dev.vae4j.cli.Main eval --device cuda \
      --run "$run" \
    && kit_java -cp "$tools_cp" dev.vae4j.cli.Main sample --device cuda \
      --run "$run" --out "$out/samples.png"; } > "$out/train.txt" 2>&1
}

# A conv model (cuDNN) trained for 3 epochs of the bundled digits on the GPU, then eval.
cli_conv_train() {
  log "training a conv model (--conv 32,64) with --device cuda (cuDNN), then eval from the run"
  local conv_run=$out/conv-run
  { kit_java -cp "$tools_cp" dev.vae4j.cli.Main train --device cuda --conv 32,64 --hidden 256 --latent 20 \
      --epochs 3 --out "$conv_run" \
    && kit_java -cp "$tools_cp" dev.vae4j.cli.Main eval --device cuda --run "$conv_run"; } > "$out/conv-train.txt" 2>&1
}

# vae4j bench --device cuda in FP32 and --precision bf16 (cuBLASLt, BF16 inputs, FP32 compute) at
# batch 128 and 4096, as a table with bf16's speed-up; non-zero if a bench fails.
bf16_beside_fp32() {
  local batch precision rc=0
  echo "| vae4j bench --device cuda (784-400-20), precision | batch | samples/s | ms/step | / fp32 |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  for batch in 128 4096; do
    for precision in fp32 bf16; do
      log "vae4j bench --device cuda --precision $precision --batch-size $batch"
      kit_java -cp "$tools_cp" dev.vae4j.cli.Main bench --device cuda --json --precision "$precision" \
        --batch-size "$batch" --steps 2000 --warmup 200 --max-warmup-seconds 10 \
        > "$out/bench-$precision-$batch.json" 2> "$out/bench-$precision-$batch.err" \
        || { echo "| $precision failed: $(tail -n 1 "$out/bench-$precision-$batch.err") | $batch | | | |"; rc=1; }
    done
    python3 - "$out/bench-fp32-$batch.json" "$out/bench-bf16-$batch.json" <<'PY' || true
import json, sys
rows = [json.load(open(f))[0] for f in sys.argv[1:]]
for label, r in zip(["fp32", "bf16"], rows):
    ratio = r["samples_per_second"] / rows[0]["samples_per_second"]
    print(f"| {label} | {r['batch_size']} | {r['samples_per_second']:,.0f} | {r['ms_per_step']:.3f} | {ratio:.2f} |")
PY
  done
  return $rc
}

# Issue 21's CPU table on this machine's processor, on 2 of its cores (taskset: the dev VMs have
# 2), as docs/benchmarks.md's Intel section took it on an H200 machine's Xeon host: vae4j bench
# fp32 and bf16 twice each (784-400-20), fp32 once more copying every GEMM output back at once
# (-Dvae4j.deferGemmOutputs=false: the build before that change), 784-128-2, inference at batch 1000, --breakdown of early
# and of late steps (after 1,500, where moments of zero gradients have gone subnormal), those
# again with the subnormals kept (-Dvae4j.flushSubnormals=false), oneDNN's kernels, and PyTorch's
# CPU reference on the same cores when python3 has torch. Needs the kit's OpenBLAS natives
# (openblas.tar.xz), without which oneDNN would run unconfined, unlike a user's run.
cpu_bench() {
  compgen -G "$kit/openblas/*.jar" >/dev/null \
    || { log "no OpenBLAS natives in the kit (carry benchmarks/gpu-kit/openblas.tar.xz): oneDNN would run unconfined"; return 1; }
  local pin=() p round rc=0
  if command -v taskset >/dev/null; then pin=(taskset -c 0,1); else log "no taskset: on all $(nproc) cores"; fi
  local jvm=("${pin[@]}" "$java" -XX:+UseSerialGC --add-modules jdk.incubator.vector -cp "$cp")
  local bench=("${jvm[@]}" dev.vae4j.cli.Main bench --device cpu)
  for round in 1 2; do
    for p in fp32 bf16; do
      log "cpu bench 784-400-20 $p, round $round"
      "${bench[@]}" --max-warmup-seconds 10 --json --steps 1000 --precision "$p" > "$out/cpu-400-$p-$round.json" 2> "$out/cpu-400-$p-$round.err" || rc=1
    done
  done
  log "cpu bench 784-400-20 fp32 with every GEMM output copied back at once, as before 2026-12-04 (-Dvae4j.deferGemmOutputs=false)"
  "${jvm[@]}" -Dvae4j.deferGemmOutputs=false dev.vae4j.cli.Main bench --device cpu --max-warmup-seconds 10 --json --steps 1000 \
    > "$out/cpu-400-fp32-copyback.json" 2> "$out/cpu-400-fp32-copyback.err" || rc=1
  for p in fp32 bf16; do
    log "cpu bench 784-128-2 $p; inference $p"
    "${bench[@]}" --max-warmup-seconds 10 --json --steps 2000 --hidden 128 --latent 2 --precision "$p" > "$out/cpu-128-$p.json" 2> "$out/cpu-128-$p.err" || rc=1
    "${bench[@]}" --max-warmup-seconds 10 --json --inference --precision "$p" > "$out/cpu-inference-$p.json" 2> "$out/cpu-inference-$p.err" || rc=1
  done
  log "cpu bench --breakdown, early steps, after 1,500, and after 1,500 keeping the subnormals"
  "${bench[@]}" --max-warmup-seconds 10 --breakdown --steps 500 > "$out/cpu-breakdown.txt" 2>&1 || rc=1
  "${bench[@]}" --max-warmup-seconds 10 --breakdown --steps 500 --warmup 1500 > "$out/cpu-breakdown-late.txt" 2>&1 || rc=1
  "${jvm[@]}" -Dvae4j.flushSubnormals=false dev.vae4j.cli.Main bench --device cpu --max-warmup-seconds 10 --breakdown \
    --steps 500 --warmup 1500 > "$out/cpu-breakdown-late-subnormals.txt" 2>&1 || rc=1
  for p in fp32 bf16; do
    ONEDNN_VERBOSE=1 "${bench[@]}" --steps 20 --warmup 10 --max-warmup-seconds 0 --precision "$p" 2>&1 \
      | { grep -E '^onednn_verbose.*,exec,' || true; } | cut -d, -f4-12 | sort | uniq -c | sort -rn | sed -n '1,12p' \
      > "$out/cpu-onednn-$p.txt"
  done
  if command -v python3 >/dev/null && python3 -c 'import torch' 2>/dev/null; then
    local t shape
    for shape in "400 20" "128 2"; do
      for t in 1 2; do
        # shellcheck disable=SC2086 # the shape is two words
        "${pin[@]}" python3 "$root/benchmarks/pytorch_cpu_reference.py" $shape "$t" >> "$out/cpu-pytorch.txt" 2>&1 || true
      done
    done
  fi
  python3 - "$out" <<'PY'
import glob, json, os, sys
out, machine = sys.argv[1], "unknown"
print("| run | model | precision | samples/s | ms/step | GEMM-only samples/s | step / GEMM-only |")
print("| --- | --- | --- | ---: | ---: | ---: | ---: |")
for f in sorted(glob.glob(os.path.join(out, "cpu-*.json"))):
    try:
        r = json.load(open(f))[0]
    except (ValueError, IndexError, OSError):
        print(f"| {os.path.basename(f)} | failed | | | | | |"); continue
    name = os.path.basename(f)[4:-5]
    precision = next(t for t in name.split("-") if t in ("fp32", "bf16"))
    print(f"| {name} | {r['model']} | {precision} | {r['samples_per_second']:,.0f} | {r['ms_per_step']:.3f} "
          f"| {r['gemm_only_samples_per_second']:,.0f} | {r['samples_per_second'] / r['gemm_only_samples_per_second']:.0%} |")
    machine = f"{r['machine']['cpu']}, {r['machine']['cpus']} CPUs"
print(f"\nmachine: {machine}")
PY
  grep -E "where a step|between the ops|update |GEMMs alone|optimizer state" "$out"/cpu-breakdown*.txt || true
  [[ -f $out/cpu-pytorch.txt ]] && grep -h pytorch "$out/cpu-pytorch.txt"
  head -n 4 "$out"/cpu-onednn-*.txt
  return $rc
}

run_checks() {
  setup_runtime
  set +e
  gpu_tests > "$out/tests.txt" 2>&1
  local tests_rc=$?
  log "throughput benchmark"
  kit_java -cp "$tools_cp" dev.vae4j.backend.cuda.GpuThroughput > "$out/benchmark.txt" 2>&1
  local bench_rc=$?
  log "TF32 accuracy (golden fixture gradients, FP32 vs TF32)"
  kit_java -cp "$tools_cp" dev.vae4j.backend.cuda.Tf32Accuracy > "$out/tf32.txt" 2>&1
  local tf32_rc=$?
  cli_train
  local train_rc=$?
  cli_conv_train
  local conv_rc=$?
  log "JMH GPU benchmarks (-p backend=cuda)"
  local jmh_cp=$cp:$kit/jmh/classes
  for jar in "$kit"/jmh/*.jar; do jmh_cp=$jmh_cp:$jar; done
  kit_java -cp "$jmh_cp" dev.vae4j.jmh.BenchLauncher -p backend=cuda -rf json \
    -rff "$out/jmh.json" > "$out/jmh.txt" 2>&1
  local jmh_rc=$?
  local compare_rc=0
  compare_with_pytorch > "$out/pytorch-comparison.md" || compare_rc=$?
  local models_rc=0
  models_at_once > "$out/models-at-once.md" || models_rc=$?
  local sweep_rc=0
  stacked_sweep > "$out/stacked-sweep.md" || sweep_rc=$?
  set -e

  tail -n 40 "$out/tests.txt"
  echo
  echo "| check | result |"
  echo "| --- | --- |"
  echo "| gpu tests | $(grep -E 'tests (successful|failed|skipped)' "$out/tests.txt" | tr -s ' ' | tr '\n' ' ' | sed 's/\[ *//g; s/ *\]//g') |"
  echo "| benchmark | exit $bench_rc |"
  echo "| TF32 accuracy | exit $tf32_rc |"
  echo "| train/eval/sample on cuda | exit $train_rc |"
  echo "| conv train/eval on cuda (cuDNN) | exit $conv_rc |"
  echo "| JMH (backend=cuda) | exit $jmh_rc |"
  echo "| vae4j bench beside PyTorch | exit $compare_rc |"
  echo "| vae4j bench --models 32 (FP32, TF32) | exit $models_rc |"
  echo "| vae4j sweep --parallel-mode stacked (2x2 grid) | exit $sweep_rc |"
  echo
  cat "$out/benchmark.txt"
  echo
  cat "$out/tf32.txt"
  echo
  cat "$out/pytorch-comparison.md"
  echo
  cat "$out/models-at-once.md"
  echo
  cat "$out/stacked-sweep.md"
  echo
  grep -E 'epoch|ELBO|nats|wrote|error' "$out/train.txt" | tail -n 12
  echo
  grep -E 'epoch|ELBO|nats|wrote|error|cuDNN' "$out/conv-train.txt" | tail -n 12
  echo
  sed -n '/^Benchmark/,$p' "$out/jmh.txt"
  (( tests_rc == 0 && bench_rc == 0 && tf32_rc == 0 && compare_rc == 0 && models_rc == 0 && sweep_rc == 0 && train_rc == 0 \
    && conv_rc == 0 && jmh_rc == 0 ))
}

# vae4j bench --device cuda beside PyTorch's eager and CUDA-graph runs of the same model, loss,
# Adam and batch (benchmarks/pytorch_reference.py), at batch 128 (launch-bound) and 4096
# (GEMM-bound), as a table with vae4j's ratio to each; non-zero if vae4j's bench fails.
compare_with_pytorch() {
  local batch rc=0 have_torch=1
  command -v python3 >/dev/null && python3 -c 'import torch' 2>/dev/null || have_torch=0
  echo "| implementation | batch | samples/s | ms/step | vae4j / this |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  for batch in 128 4096; do
    log "vae4j bench and PyTorch (eager, CUDA graph) at batch $batch"
    if ! kit_java -cp "$tools_cp" dev.vae4j.cli.Main bench --device cuda --json \
        --batch-size "$batch" --steps 2000 --warmup 200 --max-warmup-seconds 10 > "$out/vae4j-bench-$batch.json" 2> "$out/vae4j-bench-$batch.err"; then
      echo "| vae4j bench failed: $(tail -n 1 "$out/vae4j-bench-$batch.err") | $batch | | | |"
      rc=1
      continue
    fi
    if (( have_torch )); then
      python3 "$root/benchmarks/pytorch_reference.py" --batch "$batch" > "$out/pytorch-$batch.jsonl" 2> "$out/pytorch-$batch.err" \
        || echo "| PyTorch failed: $(tail -n 1 "$out/pytorch-$batch.err") | $batch | | | |"
    fi
    python3 - "$out/vae4j-bench-$batch.json" "$out/pytorch-$batch.jsonl" <<'PY'
import json, os, sys
vae4j = json.load(open(sys.argv[1]))[0]
rows = [json.loads(l) for l in open(sys.argv[2]) if l.strip()] if os.path.exists(sys.argv[2]) else []
b = vae4j["batch_size"]
print(f"| vae4j ({vae4j['model']}) | {b} | {vae4j['samples_per_second']:,.0f} | {vae4j['ms_per_step']:.3f} | 1.00 |")
for r in rows:
    ratio = vae4j["samples_per_second"] / r["samples_per_s"]
    print(f"| PyTorch {r['torch']} {r['mode']} | {b} | {r['samples_per_s']:,.0f} | {r['ms_per_step']:.3f} | {ratio:.2f} |")
PY
  done
  (( have_torch )) || echo "PyTorch not importable here: vae4j's rows only."
  return $rc
}

# Issue 18's GPU bar: 32 models of 784-400-20 at batch 128 trained at once, stacked in one step
# replayed as a CUDA graph (vae4j bench --device cuda --models 32), in FP32 and with --tf32 (the
# one-model row then TF32 too), against one model alone: at least 6x its samples/s in FP32, 10x with
# TF32. A table row each; non-zero if a bench fails (not if the bar is missed: the table says so).
models_at_once() {
  local rc=0 label bar
  echo "| vae4j bench --models 32 (784-400-20, batch 128) | one model samples/s | 32 at once samples/s | ms/stacked step | speed-up | bar |"
  echo "| --- | ---: | ---: | ---: | ---: | --- |"
  for label in fp32 tf32; do
    local flags=()
    bar=6
    if [[ $label == tf32 ]]; then flags=(--tf32); bar=10; fi
    log "vae4j bench --device cuda --models 32 ${flags[*]:-}"
    if ! kit_java -cp "$tools_cp" dev.vae4j.cli.Main bench --device cuda --json --models 32 ${flags[@]+"${flags[@]}"} \
        --steps 2000 --warmup 200 --max-warmup-seconds 10 > "$out/models-32-$label.json" 2> "$out/models-32-$label.err"; then
      echo "| $label: vae4j bench failed: $(tail -n 1 "$out/models-32-$label.err") | | | | | |"
      rc=1
      continue
    fi
    python3 - "$out/models-32-$label.json" "$label" "$bar" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
one, many, bar = d["one_model"][0], d["models_at_once"], float(sys.argv[3])
x = many["speedup_over_one_model"]
verdict = f"{'met' if x >= bar else 'missed'} ({bar:g}x)"
print(f"| {sys.argv[2]}, {many['mode']} | {one['samples_per_second']:,.0f} | {many['aggregate_samples_per_second']:,.0f} "
      f"| {many['ms_per_step']:.3f} | {x:.2f}x | {verdict} |")
PY
  done
  return $rc
}

# vae4j sweep on CUDA: a 2x2 grid (lr x beta) of 784-400-20 trials, 1 epoch of the bundled digits,
# stacked (--parallel 4, the CUDA default mode) beside the same sweep one trial at a time
# (--parallel-mode side-by-side, which on CUDA runs them in turn): each one's wall time and best
# trial; the models agree to float rounding, not bit for bit. Non-zero if either sweep fails.
stacked_sweep() {
  local mode start ms
  echo "| vae4j sweep, 2x2 grid, 1 epoch of digits | wall s | best |"
  echo "| --- | ---: | --- |"
  for mode in stacked side-by-side; do
    log "vae4j sweep --device cuda --parallel 4 --parallel-mode $mode"
    rm -rf "$out/sweep-$mode"
    start=$(date +%s%N)
    if ! kit_java -cp "$tools_cp" dev.vae4j.cli.Main sweep --out "$out/sweep-$mode" --device cuda --parallel 4 \
        --parallel-mode "$mode" --grid lr=1e-3,3e-3 --grid beta=0.5,1 --epochs 1 \
        > "$out/sweep-$mode.txt" 2>&1; then
      echo "| $mode: failed: $(tail -n 1 "$out/sweep-$mode.txt") | | |"
      return 1
    fi
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    printf '| %s | %d.%03d | %s |\n' "$mode" $((ms / 1000)) $((ms % 1000)) "$(cat "$out/sweep-$mode/best")"
  done
  grep -E 'trials stacked|not stacked' "$out/sweep-stacked.txt" || true
}

case ${1:-} in
  --prepare) prepare ;;
  "") run_checks ;;
  --pytorch) setup_runtime; compare_with_pytorch ;;
  --models) setup_runtime; models_at_once ;;
  --sweep) setup_runtime; stacked_sweep ;;
  --tests) shift; setup_runtime; gpu_tests "$@" ;;
  --bf16) setup_runtime; bf16_beside_fp32 ;;
  --cli) setup_runtime; cli_train && cli_conv_train; rc=$?; tail -n 8 "$out/train.txt" "$out/conv-train.txt"; exit $rc ;;
  --cpu-bench) setup_runtime; cpu_bench ;;
  *) echo "usage: $0 [--prepare | --pytorch | --models | --sweep | --tests [CLASS...] | --bf16 | --cli | --cpu-bench]" >&2; exit 2 ;;
esac
