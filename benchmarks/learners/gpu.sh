#!/usr/bin/env bash
# DKT, SAKT, AKT and simpleKT: epochs/s and held-out AUC at a real data set's size on a GPU.
#
#   bash benchmarks/learners/gpu.sh [--smoke] [out-dir]     # from the repository root
#
# Needs an NVIDIA GPU and a CUDA build of torch already installed (nothing is installed or
# downloaded). 400,000 synthetic answers on 110 skills; each model gets one timed epoch and
# then as many epochs as 50 s allow (at most 10): about 4 x 60 s, under 5 minutes in all.
# --smoke runs the same script on the CPU at a tiny size (seconds), to check that it works.
set -euo pipefail
PY="${PYTHON:-python}"
SMOKE=0
if [[ "${1:-}" == "--smoke" ]]; then SMOKE=1; shift; fi
OUT="${1:-${OUT:-runs/learners-gpu}}"
if [[ $SMOKE == 1 ]]; then
  PYTHONPATH=. "$PY" benchmarks/learners/gpu_kt.py --device cpu --learners 60 --steps 20 \
      --skills 5 --epochs 2 --budget 5 --out "$OUT"
else
  "$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'no CUDA GPU visible to torch')"
  PYTHONPATH=. timeout 290 "$PY" benchmarks/learners/gpu_kt.py --device cuda --out "$OUT"
fi
