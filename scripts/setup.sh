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
# The browser tests lay the pages out under both font sets (tests/browser/conftest.py FONT_SETS).
[ -d /usr/share/fonts/truetype/dejavu ] || need_apt+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf ] || need_apt+=(fonts-liberation2)
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

# Both environments install from the lock files in requirements/ with --require-hashes:
# the locks decide what runs, not whatever the registry serves on the day (scripts/lock.sh
# refreshes them). pip itself is pinned for the same reason.
PIP_PIN="pip==24.0"   # Rasa 3.6's resolver needs pip < 24.1

api_hash=$(cat requirements/api-dev.lock requirements/build.lock pyproject.toml | sha256sum | cut -c1-16)
if ! stamp_ok .venv "$api_hash"; then
  py=""
  for v in 3.11 3.12 3.13; do py=$(find_python $v) && break; done
  [ -n "$py" ] || { echo "Python 3.11+ not found" >&2; exit 1; }
  log "creating .venv with $($py --version) from requirements/api-dev.lock"
  rm -rf .venv
  "$py" -m venv .venv
  .venv/bin/pip install -q "$PIP_PIN"
  .venv/bin/pip install -q --require-hashes --no-deps -r requirements/api-dev.lock
  # The project itself, editable, with nothing resolved beyond the lock.
  .venv/bin/pip install -q --require-hashes --no-deps -r requirements/build.lock
  .venv/bin/pip install -q --no-deps --no-build-isolation -e .
  .venv/bin/pip check
  echo "$api_hash" > .venv/.stamp
fi

bot_hash=$(cat requirements/bot.lock | sha256sum | cut -c1-16)
if [ "${SIGNPOST_SKIP_BOT:-}" != 1 ] && ! stamp_ok .venv-bot "$bot_hash"; then
  py=$(find_python 3.10) || { echo "Python 3.10 not found (pyenv or python3.10 on PATH)" >&2; exit 1; }
  log "creating .venv-bot with $($py --version) from requirements/bot.lock (Rasa takes a few minutes)"
  rm -rf .venv-bot
  "$py" -m venv .venv-bot
  .venv-bot/bin/pip install -q "$PIP_PIN"
  .venv-bot/bin/pip install -q --require-hashes --no-deps -r requirements/bot.lock
  .venv-bot/bin/pip check
  echo "$bot_hash" > .venv-bot/.stamp
fi
log "ready"
