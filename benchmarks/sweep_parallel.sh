#!/usr/bin/env bash
# Issue 18's bar: a 3x3 grid of 784-400-20 trials (beta=0.5,1,2 x lr=3e-4,1e-3,3e-3), 3 Fashion-MNIST
# epochs each, trained (1) as 9 separate `vae4j train` runs, (2) as one sweep, trials one after another,
# (3) as one sweep with --parallel 2; prints each one's wall time and checks that every trial ends with
# the same model file (SHA-256) and the same metrics (timings aside) in all three, so the tables match.
# Usage: benchmarks/sweep_parallel.sh VAE4J OUT_DIR [PARALLEL]
# (VAE4J: target/vae4j after mvn package; OUT_DIR must not exist yet)
set -euo pipefail
vae4j=$1; out=$2; parallel=${3:-2}
fm=/usr/share/datasets/fashion-mnist
shared=(--data "$fm" --hidden 400 --latent 20 --epochs 3 --device cpu)
if [[ -e $out ]]; then echo "$out exists; give a new OUT_DIR" >&2; exit 2; fi
mkdir -p "$out/train"
now() { date +%s.%N; }
seconds() { python3 -c "print(f'{$2 - $1:.1f}')"; }

t0=$(now)
for beta in 0.5 1 2; do
  for lr in 3e-4 1e-3 3e-3; do
    name="beta=$beta,lr=$lr,seed=1"
    $vae4j train "${shared[@]}" --beta $beta --lr $lr --seed 1 --out "$out/train/$name" > "$out/train/$name.log" 2>&1
  done
done
t1=$(now)
$vae4j sweep --out "$out/in-turn" --grid beta=0.5,1,2 --grid lr=3e-4,1e-3,3e-3 "${shared[@]}" > "$out/in-turn.log" 2>&1
t2=$(now)
$vae4j sweep --out "$out/parallel" --parallel "$parallel" --grid beta=0.5,1,2 --grid lr=3e-4,1e-3,3e-3 "${shared[@]}" \
  > "$out/parallel.log" 2>&1
t3=$(now)

echo "9 train runs:               $(seconds $t0 $t1) s"
echo "sweep, one trial at a time: $(seconds $t1 $t2) s"
echo "sweep --parallel $parallel:          $(seconds $t2 $t3) s"
python3 - "$out" <<'PY'
import hashlib, json, pathlib, re, sys
out = pathlib.Path(sys.argv[1])
def digest(p): return hashlib.sha256(p.read_bytes()).hexdigest()[:16]
def metrics(p): return re.sub(r'"seconds":[^,]*,"samples_per_s":[^,]*,', '', p.read_text())
same = True
for run in sorted((out / "train").iterdir()):
    if not run.is_dir(): continue
    trial = run.name
    d = {k: digest(out / k / trial / "model.safetensors") for k in ("in-turn", "parallel")}
    d["train"] = digest(run / "model.safetensors")
    m = {k: metrics(out / k / trial / "metrics.jsonl") for k in ("in-turn", "parallel")}
    m["train"] = metrics(run / "metrics.jsonl")
    ok = len(set(d.values())) == 1 and len(set(m.values())) == 1
    same &= ok
    last = json.loads(m["train"].strip().splitlines()[-1])
    print(f"{trial:28s} model {d['train']} val_loss {last.get('val_loss', float('nan')):.3f} {'same in all three' if ok else 'DIFFERS: ' + str(d)}")
print("every trial identical in the 9 runs, the sweep and the parallel sweep" if same else "SOME TRIALS DIFFER")
PY
tail -n 14 "$out/parallel.log"
