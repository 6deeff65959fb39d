"""`rasa data validate`, failing on every warning but one that Rasa 3.6 cannot avoid.

    .venv-bot/bin/python scripts/validate_bot_data.py

Rasa's validator warns "The utterance 'X' is not used in any story or rule" for a
response that only a custom action sends, or that a form asks with (it looks at
stories and rules alone). The actions send fixed responses by name on purpose, so
those warnings are expected; this script allows exactly those responses (named in
actions/*.py) and fails on any other warning, just as `--fail-on-warnings` would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BOT_DIR = REPO_ROOT / "bot"
RASA = REPO_ROOT / ".venv-bot" / "bin" / "rasa"

UNUSED_UTTERANCE = re.compile(
    r"The utterance '(?P<name>utter_\w+)' is not used in any story or rule\."
)
WARNING = re.compile(r"UserWarning: (?P<message>.*)$|\bWARNING\s+(?P<logged>rasa\..*)$")
RESPONSE_NAME = re.compile(r"""["'](utter_[a-z0-9_]+)["']""")
# The catalogue of responses, not a use of them.
CATALOGUE = "responses.py"


def responses_sent_by_actions() -> set[str]:
    names: set[str] = set()
    for path in (REPO_ROOT / "actions").glob("*.py"):
        if path.name != CATALOGUE:
            names |= set(RESPONSE_NAME.findall(path.read_text(encoding="utf-8")))
    return names


def unexpected_warnings(output: str, allowed: set[str]) -> list[str]:
    found = []
    for line in output.splitlines():
        match = WARNING.search(line)
        if not match:
            continue
        message = (match.group("message") or match.group("logged")).strip()
        unused = UNUSED_UTTERANCE.search(message)
        if unused and unused.group("name") in allowed:
            continue
        found.append(message)
    return found


def main() -> int:
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    completed = subprocess.run(
        [
            str(RASA),
            "data",
            "validate",
            "--data",
            "data",
            "--domain",
            "domain",
            "--config",
            "config.yml",
        ],
        cwd=BOT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    output = completed.stdout + completed.stderr
    allowed = responses_sent_by_actions()
    unexpected = unexpected_warnings(output, allowed)
    if completed.returncode != 0 or unexpected:
        print(output)
        for message in unexpected:
            print(f"unexpected warning: {message}")
        print(
            f"rasa data validate: exit code {completed.returncode}, {len(unexpected)} unexpected warning(s)"
        )
        return 1
    print(
        f"rasa data validate: no warnings (besides {len(allowed)} responses that actions send by name)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
