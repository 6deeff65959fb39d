#!/usr/bin/env bash
# Creates everything the project needs on a fresh Debian machine, idempotently:
# system packages (PostgreSQL, Redis, Chromium for browser tests), the API
# environment (.venv, Python 3.11+) and the bot environment (.venv-bot, Python 3.10).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

need_apt=()
command -v /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ] && [ "${SIGNPOST_SKIP_APT:-}" != 1 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  log "installing Debian packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

find_python() {  # $1 = wanted minor version prefix, e.g. 3.10; prints a usable interpreter
  local want=$1 cand
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E "^${want//./\\.}\.[0-9]+$" | sort -V -r); do
      cand="$(pyenv prefix "$v")/bin/python"; [ -x "$cand" ] && { echo "$cand"; return; }
    done
  fi
  for cand in "python$want" python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c "import sys; sys.exit(0 if sys.version.startswith('$want') else 1)"; then
      command -v "$cand"; return
    fi
  done
  return 1
}

stamp_ok() { [ -f "$1/.stamp" ] && [ "$(cat "$1/.stamp")" = "$2" ]; }

api_hash=$(cat pyproject.toml | sha256sum | cut -c1-16)
if ! stamp_ok .venv "$api_hash"; then
  py=""
  for v in 3.11 3.12 3.13; do py=$(find_python $v) && break; done
  [ -n "$py" ] || { echo "Python 3.11+ not found" >&2; exit 1; }
  log "creating .venv with $($py --version)"
  "$py" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[dev]'
  echo "$api_hash" > .venv/.stamp
fi

bot_hash=$(cat requirements-bot.txt | sha256sum | cut -c1-16)
if [ "${SIGNPOST_SKIP_BOT:-}" != 1 ] && ! stamp_ok .venv-bot "$bot_hash"; then
  py=$(find_python 3.10) || { echo "Python 3.10 not found (pyenv or python3.10 on PATH)" >&2; exit 1; }
  log "creating .venv-bot with $($py --version) (Rasa takes a few minutes)"
  "$py" -m venv .venv-bot
  .venv-bot/bin/pip install -q --upgrade 'pip<24.1'
  .venv-bot/bin/pip install -q -r requirements-bot.txt
  echo "$bot_hash" > .venv-bot/.stamp
fi
log "ready"
