#!/usr/bin/env bash
# Runs the whole service on this machine with embedded defaults (SQLite, in-process
# stores): the directory API, and the assistant once the bot is part of the Procfile.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
if [ -f scripts/train-bot.sh ] && grep -q '^rasa:' Procfile; then
  bash scripts/train-bot.sh
fi
export RASA_TELEMETRY_ENABLED=false
exec .venv/bin/honcho start -f Procfile
