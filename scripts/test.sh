#!/usr/bin/env bash
# Every test: the directory and API on SQLite and on a real PostgreSQL, then the bot.
# Speed and memory figures are benchmarks (scripts/bench-*.py), never timed tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

section "static checks"
.venv/bin/ruff check --select F,E9 api directory scripts tests/api tests/browser tests/stack tests/production
.venv/bin/python -m directory.fallback --check

section "directory and API on SQLite"
.venv/bin/python -m pytest tests/api -q -p no:cacheprovider

section "directory and API on PostgreSQL"
bash scripts/with-postgres.sh .venv/bin/python -m pytest tests/api -q -p no:cacheprovider

section "pages in a real browser (Debian's Chromium, Playwright, axe-core)"
.venv/bin/python -m pytest tests/browser -q -p no:cacheprovider

section "triage assistant (Rasa): data validation, training if needed, test stories, actions"
bash scripts/test-bot.sh

section "the whole stack: gateway, Rasa, action server, directory, Redis, Chromium"
.venv/bin/python -m pytest tests/stack -q -p no:cacheprovider

section "the production shape: PostgreSQL, Redis, two Rasa replicas, two API processes, and faults"
.venv/bin/python -m pytest tests/production -q -p no:cacheprovider
