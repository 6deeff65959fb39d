#!/usr/bin/env bash
# Refreshes the lock files in requirements/ from the declared dependencies:
#   pyproject.toml         -> requirements/api-dev.lock (API + dev tools, what .venv installs)
#                          -> requirements/api.lock     (API only, what the API image installs)
#   requirements/bot.in    -> requirements/bot.lock     (Rasa + actions + their tests, .venv-bot)
#   requirements/actions.in-> requirements/actions.lock (the action server image)
#   requirements/build.in  -> requirements/build.lock   (setuptools, to install the project editable)
# The narrower locks are constrained by the wider ones, so a package has one version
# everywhere. Every entry carries its hashes; setup.sh and the images install with
# --require-hashes, so the locks decide what runs, not whatever the registry serves today.
#
#   bash scripts/lock.sh                 # re-resolve, keeping current pins where they still fit
#   bash scripts/lock.sh --upgrade       # take the newest versions the declarations allow
#   bash scripts/lock.sh --upgrade-package pyyaml
# Then `make test`, and commit the locks with the change that needed them.
set -euo pipefail
cd "$(dirname "$0")/.."

uv=${UV:-.venv/bin/uv}
[ -x "$uv" ] || uv=$(command -v uv) || { echo "uv not found: run 'make setup' first" >&2; exit 1; }
platform=x86_64-manylinux_2_28   # the Debian machines and the python:3.1x-slim-bookworm images
compile() { "$uv" pip compile --quiet --generate-hashes --no-header --python-platform "$platform" "$@"; }

compile pyproject.toml --extra dev --python-version 3.11 -o requirements/api-dev.lock "$@"
compile pyproject.toml -c requirements/api-dev.lock --python-version 3.11 -o requirements/api.lock
compile requirements/build.in -c requirements/api-dev.lock --python-version 3.11 -o requirements/build.lock
compile requirements/bot.in --python-version 3.10 -o requirements/bot.lock "$@"
compile requirements/actions.in -c requirements/bot.lock --python-version 3.10 -o requirements/actions.lock
echo "locks written: $(ls requirements/*.lock | tr '\n' ' ')"
