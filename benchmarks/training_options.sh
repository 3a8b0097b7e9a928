#!/usr/bin/env bash
# Issue 19's table: what each option does to test -ELBO and IWAE-1000 after 10 Fashion-MNIST
# epochs of 784-400-20, and its training samples/s. Usage: benchmarks/training_options.sh VAE4J OUT_DIR
# [ROW...] (VAE4J: target/vae4j after mvn package; a row already trained or evaluated is not redone)
set -euo pipefail
vae4j=$1; out=$2; mkdir -p "$out"
fm=/usr/share/datasets/fashion-mnist
declare -A opts=(
  [baseline]=""
  [dropout-0.2]="--dropout 0.2"
  [clip-1]="--clip-grad-norm 1"
  [cosine]="--lr-schedule cosine"
  [iwae5]="--iwae-k 5"
)
# Names given after the folders run only those rows: benchmarks/training_options.sh VAE4J OUT_DIR iwae5
rows=("${@:3}"); [[ ${#rows[@]} -gt 0 ]] || rows=(baseline dropout-0.2 clip-1 cosine iwae5)
for name in "${rows[@]}"; do
  run=$out/$name
  if [[ ! -f $run/model.safetensors ]]; then
    $vae4j train --data $fm --epochs 10 --device cpu --out "$run" --overwrite ${opts[$name]} > "$out/$name.train.log" 2>&1
  fi
  if [[ ! -f $out/$name.eval.json ]]; then
    $vae4j eval --run "$run" --k 1000 --device cpu --json > "$out/$name.eval.json" 2> "$out/$name.eval.log"
  fi
  sps=$(python3 -c "import json,sys; r=[json.loads(l) for l in open('$run/metrics.jsonl')]; print(round(sum(x['samples_per_s'] for x in r[1:])/max(1,len(r)-1)))")
  python3 - "$name" "$sps" "$out/$name.eval.json" <<'PY'
import json, sys
name, sps, f = sys.argv[1], sys.argv[2], sys.argv[3]
e = json.load(open(f))
print(f"| {name} | {e['negative_elbo']:.2f} | {e['negative_iwae']:.2f} | {sps} |")
PY
done
