#!/usr/bin/env bash
# Compiles native/*.cu into one fatbin resource for dev.vae4j.backend.cuda, run by Maven in
# generate-resources (see pom.xml, "nvcc" execution). Usage: build.sh OUTPUT_DIR WORK_DIR
#
# Writes OUTPUT_DIR/vae4j_kernels.fatbin (SASS for sm_80/86/89/90, PTX for compute_90 so newer
# GPUs can JIT it) and OUTPUT_DIR/vae4j_kernels.txt ("arch kernel registers" per line, from ptxas'
# resource report), which the Java side and its tests read. Without nvcc it writes neither and
# exits 0, so the jar still builds and the CUDA backend says "this build has no CUDA kernels";
# set VAE4J_REQUIRE_NVCC=1 to make a missing nvcc an error (CI does). Compile errors, warnings and
# register spills fail the build.
set -euo pipefail

out_dir=$1
work_dir=$2
src_dir=$(cd "$(dirname "$0")" && pwd)
fatbin=$out_dir/vae4j_kernels.fatbin
listing=$out_dir/vae4j_kernels.txt

find_nvcc() {
  if [[ -n "${CUDA_HOME:-}" && -x "$CUDA_HOME/bin/nvcc" ]]; then echo "$CUDA_HOME/bin/nvcc"; return; fi
  if [[ -x /usr/local/cuda/bin/nvcc ]]; then echo /usr/local/cuda/bin/nvcc; return; fi
  command -v nvcc || true
}

nvcc=$(find_nvcc)
if [[ -z "$nvcc" ]]; then
  if [[ "${VAE4J_REQUIRE_NVCC:-0}" == 1 ]]; then
    echo "vae4j: nvcc not found (CUDA_HOME, /usr/local/cuda, PATH) and VAE4J_REQUIRE_NVCC=1" >&2
    exit 1
  fi
  echo "vae4j: nvcc not found (CUDA_HOME, /usr/local/cuda, PATH): building without CUDA kernels"
  rm -f "$fatbin" "$listing"
  exit 0
fi

# Up to date when both outputs are newer than every source and this script.
if [[ -f "$fatbin" && -f "$listing" ]]; then
  newest=$(ls -t "$src_dir"/*.cu "$src_dir"/*.cuh "$src_dir"/build.sh "$fatbin" | head -1)
  if [[ "$newest" == "$fatbin" ]]; then
    echo "vae4j: CUDA kernels up to date ($fatbin)"
    exit 0
  fi
fi

mkdir -p "$out_dir" "$work_dir"
# One translation unit including every op file, so nvcc emits one fatbin (one cuModuleLoadData).
unity=$work_dir/vae4j_kernels.cu
: > "$unity"
for f in "$src_dir"/*.cu; do echo "#include \"$f\"" >> "$unity"; done

log=$work_dir/nvcc.log
start=$(date +%s.%N)
# --no-compress keeps kernel names readable in the fatbin bytes, which the unit tests check.
# -Xptxas -v reports registers and spills per kernel; -warn-spills with -Werror turns a spill into
# a failed build, since a spilling kernel is a performance bug we want to see at once.
if ! "$nvcc" -fatbin --no-compress -O3 -std=c++17 -I"$src_dir" \
    -gencode arch=compute_80,code=sm_80 \
    -gencode arch=compute_86,code=sm_86 \
    -gencode arch=compute_89,code=sm_89 \
    -gencode arch=compute_90,code='[sm_90,compute_90]' \
    -Werror all-warnings -Xptxas -v,-warn-spills,-Werror \
    --threads 0 -o "$work_dir/vae4j_kernels.fatbin" "$unity" > "$log" 2>&1; then
  cat "$log" >&2
  echo "vae4j: nvcc failed (see above)" >&2
  exit 1
fi
seconds=$(echo "$(date +%s.%N) - $start" | bc)

# ptxas prints, per kernel and arch: "Compiling entry function 'NAME' for 'sm_XX'", then a
# "Used N registers" line. Belt and braces: any non-zero spill count fails even if ptxas did not.
if grep -E '[1-9][0-9]* bytes spill (stores|loads)' "$log" >&2; then
  echo "vae4j: register spills in CUDA kernels (see above)" >&2
  exit 1
fi
sed -nE \
  -e "s/.*Compiling entry function '([A-Za-z0-9_]+)' for '(sm_[0-9]+)'.*/\\2 \\1/p" \
  -e 's/.*Used ([0-9]+) registers.*/= \1/p' "$log" \
  | while read -r first second; do
      if [[ "$first" == "=" ]]; then
        [[ -n "${kernel:-}" ]] && echo "$kernel $second"
        kernel=
      else
        kernel="$first $second"
      fi
    done | sort > "$work_dir/vae4j_kernels.txt"
if [[ ! -s "$work_dir/vae4j_kernels.txt" ]]; then
  cat "$log" >&2
  echo "vae4j: no kernels found in the ptxas report" >&2
  exit 1
fi
mv "$work_dir/vae4j_kernels.txt" "$listing"
mv "$work_dir/vae4j_kernels.fatbin" "$fatbin"
printf 'vae4j: compiled %d kernel images into %s in %.1f s (%s)\n' \
  "$(wc -l < "$listing")" "$fatbin" "$seconds" "$("$nvcc" --version | tail -1)"
