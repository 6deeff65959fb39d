#!/usr/bin/env bash
# Benchmarks (never timed tests): each script prints its figures and writes its own
# section of docs/benchmarks.md. Run on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python scripts/bench_geography.py
.venv/bin/python scripts/bench_api.py
.venv/bin/python scripts/bench_widget_size.py
.venv/bin/python scripts/bench_conversations.py
bash scripts/train-bot.sh
OMP_NUM_THREADS=1 .venv-bot/bin/python scripts/bench_understanding.py  # as Rasa runs: one thread
.venv/bin/python scripts/bench_insights.py
.venv/bin/python scripts/bench_load.py
