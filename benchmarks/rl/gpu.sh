#!/usr/bin/env bash
# Longer runs of the MiniGrid benchmark (benchmarks/rl/run.py) on a machine with an NVIDIA
# GPU and many CPU cores. The environments run on the CPU (MiniGrid is pure Python), so the
# script runs one process per seed in parallel; PPO's small network stays on the CPU too
# (a GPU does not speed up a 128-unit MLP on 2,048-step batches; it is there for larger
# networks if you swap one in). It starts on any machine, GPU or not.
#
#   bash benchmarks/rl/gpu.sh                # 4 seeds x 6 teachers, 2M steps each
#   STEPS=500000 SEEDS=8 bash benchmarks/rl/gpu.sh
#
# Results: $OUT_seed<s>.json (OUT=benchmarks/results/rl_minigrid_long by default), merged
# into $OUT.json and summarized by benchmarks/rl/report.py. Rerunning resumes: finished
# (teacher, seed) runs are kept.
set -euo pipefail
cd "$(dirname "$0")/../.."
STEPS=${STEPS:-2000000}
EVERY=${EVERY:-100000}
SEEDS=${SEEDS:-4}
BUFFER=${BUFFER:-4000}
TESTS=${TESTS:-40}
OUT=${OUT:-benchmarks/results/rl_minigrid_long}
PY=${PY:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
if command -v nvidia-smi >/dev/null 2>&1; then nvidia-smi --query-gpu=name --format=csv,noheader || true; fi
"$PY" -c "import minigrid, torch, teachkit" 2>/dev/null || "$PY" -m pip install -q -e '.[rl]'
pids=()
for ((s = 0; s < SEEDS; s++)); do
  out=${OUT}_seed$s.json
  PYTHONPATH=. "$PY" - "$s" "$out" <<PYEOF &
import sys, json, os, torch
sys.argv = ["run.py"]
from benchmarks.rl import run
torch.set_num_threads(1)
seed, out = $s, "$out"
tests = run.held_out($TESTS)
rows = json.load(open(out))["runs"] if os.path.exists(out) else []
done = {r["teacher"] for r in rows}
for name in run.TEACHERS:
    if name in done:
        continue
    rows.append(run.train(name, seed, $STEPS, $EVERY, tests, buffer=$BUFFER))
    json.dump({"meta": {"steps": $STEPS, "eval_every": $EVERY, "held_out": len(tests)}, "runs": rows}, open(out, "w"))
    print(name, seed, rows[-1]["curve"][-1], flush=True)
PYEOF
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
"$PY" - <<PYEOF
import glob, json
runs, meta = [], None
for f in sorted(glob.glob("${OUT}_seed*.json")):
    d = json.load(open(f)); runs += d["runs"]; meta = d["meta"]
json.dump({"meta": meta, "runs": runs}, open("${OUT}.json", "w"), indent=1)
PYEOF
PYTHONPATH=. "$PY" benchmarks/rl/report.py "${OUT}.json"
