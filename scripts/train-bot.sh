#!/usr/bin/env bash
# Trains the assistant's model only when it is missing or out of date.
#
# "Out of date" means the hash of everything the model is built from (bot/config.yml,
# bot/domain/, bot/data/, bot/components/ and the bot environment's lock)
# differs from the one recorded when bot/models/signpost.tar.gz was trained
# (bot/models/signpost.source-hash). `--force` trains anyway.
set -euo pipefail
cd "$(dirname "$0")/.."

export RASA_TELEMETRY_ENABLED=false
MODEL=bot/models/signpost.tar.gz
STAMP=bot/models/signpost.source-hash

say() { printf '\033[1m[train-bot]\033[0m %s\n' "$*"; }

source_hash() {
  find bot/config.yml bot/domain bot/data bot/components knowledge/topics requirements/bot.lock \
    -type f \( -name '*.yml' -o -name '*.yaml' -o -name '*.py' -o -name '*.lock' \) \
    -not -path '*/__pycache__/*' -print0 \
    | sort -z \
    | xargs -0 sha256sum \
    | sha256sum | cut -c1-32
}

wanted=$(source_hash)
if [ "${1:-}" != "--force" ] && [ -f "$MODEL" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ]; then
  say "model is up to date ($MODEL, sources $wanted)"
  exit 0
fi

say "training $MODEL (sources $wanted); this takes a few minutes on 2 cores"
start=$(date +%s)
(
  cd bot
  ../.venv-bot/bin/rasa train \
    --config config.yml --domain domain --data data \
    --out models --fixed-model-name signpost
)
echo "$wanted" > "$STAMP"
say "trained in $(( $(date +%s) - start ))s"
