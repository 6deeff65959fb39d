"""What the evaluation scripts share: parsing messages with the trained model, and writing a
script's section of docs/nlu-evaluation.md between its own markers.

The scripts run as `.venv-bot/bin/python bot/eval/<script>.py`, so this directory is on the path.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "bot" / "models" / "signpost.tar.gz"
NLU_REPORT = REPO / "docs" / "nlu-evaluation.md"


def parse_all(texts: list[str], model: Path = MODEL) -> list[dict[str, Any]]:
    """Each text's parse data from the trained model: the whole NLU pipeline, as the assistant runs it."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(run())


def write_section(section: str, start: str, end: str, path: Path = NLU_REPORT) -> None:
    """Replace the block from `start` to `end` with `section` (which carries both markers), or add it
    at the end of the file."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# NLU evaluation\n"
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
