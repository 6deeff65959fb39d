"""Replace one marked section of docs/benchmarks.md, so each benchmark owns its part."""
from __future__ import annotations

import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\n"
    "Figures measured on this project's machine (2 cores, 24 GiB). Each section is written by\n"
    "the script named in it; re-run the script to refresh it. These are benchmarks, not tests.\n"
)


def write_section(name: str, body: str) -> None:
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else HEADER
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
    BENCHMARKS.write_text(text)


def load_note() -> str:
    """The machine's 1-minute load average, so a reader can tell a quiet run from a busy one."""
    import os

    one_minute = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    verdict = "quiet" if one_minute <= cores * 0.75 else "busy: other work competed, so figures are pessimistic"
    return f"1-minute load average at the end of the run: {one_minute:.2f} on {cores} cores ({verdict})."
