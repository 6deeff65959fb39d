"""What the assistant's first reply does with each held-out knowledge question, through the
trained model (bot/models/signpost.tar.gz): the whole pipeline, classifier then KnowledgeTopics.

    .venv-bot/bin/python bot/eval/evaluate_knowledge_assistant.py [--no-docs]

Each question in bot/eval/heldout_knowledge.yml (never trained on) ends in one of:

- answered: the right topic answered straight away (ask_knowledge, confident; or a disclosure
  that reads as a question, answered before its triage), or one of the seven fixed answers that
  covers the topic (ask_what_is_idva for idva-isva, ...);
- offered: the right topic among the two or three offered as buttons (ask_knowledge unsure, or
  the fallback offering likely topics);
- wrong answer: another topic answered straight away;
- safety first: the message carried danger now, suicidal feelings or an injury (the safety
  answers come first, by design; after the emergency guidance a clear question is answered too,
  and counts as answered);
- other route: a disclosure's triage, the own-behaviour route, or the fallback without the topic.

Writes the table into docs/nlu-evaluation.md between the knowledge-assistant markers and the
figures into docs/knowledge-assistant-evaluation.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "bot")]
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

import yaml  # noqa: E402

from components.knowledge_topics import FIXED_ANSWERS as KNOWN_FIXED  # noqa: E402
from report import parse_all, write_section  # noqa: E402

HELDOUT = REPO / "bot" / "eval" / "heldout_knowledge.yml"
REPORT_JSON = REPO / "docs" / "knowledge-assistant-evaluation.json"
START, END = "<!-- knowledge-assistant:start -->", "<!-- knowledge-assistant:end -->"
OUTCOMES = ("answered", "offered", "wrong answer", "safety first", "other route")
SAFETY_FIRST = {"danger", "crisis", "injury"}
# The fixed answers and the topics each covers (the component's own table), and the own-behaviour route.
FIXED_ANSWERS = {**KNOWN_FIXED, "seek_help_own_behaviour": {"own-behaviour"}}


def heldout() -> list[tuple[str, str, str]]:
    data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    return [(lang, slug, q) for lang, topics in data.items() for slug, qs in topics.items() for q in qs]


def outcome(slug: str, parsed: dict) -> str:
    intent = (parsed.get("intent") or {}).get("name")
    knowledge = parsed.get("knowledge") or {}
    offered = [m["slug"] for m in knowledge.get("topics") or []]
    signals = set(parsed.get("safety_signals") or ())
    if "danger" in signals and knowledge.get("question") and knowledge.get("confident") and offered[:1] == [slug]:
        return "answered"  # actions/safety.py: the emergency guidance, then the answer
    if SAFETY_FIRST & signals:
        return "safety first"
    if intent == "ask_knowledge" and knowledge.get("confident"):
        return "answered" if offered[:1] == [slug] else "wrong answer"
    if intent and intent.startswith("disclose_") and knowledge.get("question") and knowledge.get("confident"):
        # actions/disclosure.py answers the question before the triage's questions.
        return "answered" if offered[:1] == [slug] else "wrong answer"
    if intent in FIXED_ANSWERS:
        return "answered" if slug in FIXED_ANSWERS[intent] else "wrong answer"
    if intent in ("ask_knowledge", "nlu_fallback") and slug in offered:
        return "offered"
    return "other route"


def measure() -> dict:
    cases = heldout()
    parsed = parse_all([q for _, _, q in cases])
    by_language: dict[str, Counter] = defaultdict(Counter)
    routes: dict[str, Counter] = defaultdict(Counter)
    for (language, slug, _question), result in zip(cases, parsed):
        found = outcome(slug, result)
        by_language[language][found] += 1
        if found == "other route":
            routes[language][(result.get("intent") or {}).get("name")] += 1
    table = {}
    for language, counts in by_language.items():
        total = sum(counts.values())
        table[language] = {"questions": total, **{o: round(counts[o] / total, 3) for o in OUTCOMES},
                           "other routes": dict(routes[language].most_common(4))}
    return table


def markdown(table: dict, when: str) -> str:
    rows = ["| language | questions | answered | offered | answered or offered | wrong answer | safety first | other route (most often) |",
            "|---|---|---|---|---|---|---|---|"]
    for language, r in table.items():
        routes = ", ".join(f"{k} {v}" for k, v in r["other routes"].items())
        rows.append(f"| {language} | {r['questions']} | {r['answered']:.2f} | {r['offered']:.2f} | "
                    f"{r['answered'] + r['offered']:.2f} | {r['wrong answer']:.2f} | {r['safety first']:.2f} | "
                    f"{r['other route']:.2f} ({routes}) |")
    return "\n".join([
        START,
        "## Knowledge base: what the assistant's first reply does",
        "",
        f"Measured {when} by `bot/eval/evaluate_knowledge_assistant.py` through the trained model: each held-out "
        "question (`bot/eval/heldout_knowledge.yml`, never trained on) is parsed by the whole pipeline, as the "
        "assistant would on the first message. *Answered*: the right topic straight away (or the fixed answer "
        "that covers it); *offered*: the right topic among the buttons; *safety first*: the message carried "
        "danger now, suicidal feelings or an injury, which are answered first by design; *other route*: "
        "mostly a disclosure's triage (the person described abuse while asking).",
        "",
        *rows,
        "",
        END,
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--no-docs", action="store_true", help="print only; write nothing")
    args = parser.parse_args(argv)
    table = measure()
    when = dt.date.today().isoformat()
    section = markdown(table, when)
    print(section)
    if not args.no_docs:
        write_section(section, START, END)
        REPORT_JSON.write_text(json.dumps({"measured": when, "by_language": table}, indent=2, ensure_ascii=False) + "\n",
                               encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
