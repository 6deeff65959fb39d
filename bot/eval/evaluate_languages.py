"""Triage understanding in every offered language: the trained model on the held-out sets in
bot/eval/heldout_languages/ (one file per language, never trained on), with English's own
held-out set (bot/eval/heldout_nlu.yml) restricted to the same intents beside them.

    .venv-bot/bin/python bot/eval/evaluate_languages.py              # score, write the report
    .venv-bot/bin/python bot/eval/evaluate_languages.py --no-docs    # print only

Per language: macro-F1 over the triage intents (the six kinds of abuse, danger now, worried
about my own behaviour, and the answers yes, no, rather not say and a place), recall of danger
now, and the share sent to the fallback. A message parsed as `nlu_fallback` (the model unsure,
or its language not read) counts as wrong for its intent, because the person is then asked to
use the buttons. The report goes into docs/nlu-evaluation.md between the language markers and
into docs/language-evaluation.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import yaml  # noqa: E402
from sklearn.metrics import f1_score, recall_score  # noqa: E402

from report import parse_all, write_section  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
BOT = REPO / "bot"
HELDOUT_DIR = BOT / "eval" / "heldout_languages"
ENGLISH_HELDOUT = BOT / "eval" / "heldout_nlu.yml"
MODEL = BOT / "models" / "signpost.tar.gz"
DOCS = REPO / "docs"
REPORT_MD = DOCS / "nlu-evaluation.md"
REPORT_JSON = DOCS / "language-evaluation.json"
START, END = "<!-- language-evaluation:start -->", "<!-- language-evaluation:end -->"

sys.path.insert(0, str(BOT))

INTENTS = (
    "disclose_domestic_abuse", "disclose_sexual_violence", "disclose_stalking", "disclose_fgm",
    "disclose_honour_based_abuse", "disclose_forced_marriage", "immediate_danger",
    "seek_help_own_behaviour", "affirm", "deny", "rather_not_say", "inform",
)
DANGER = "immediate_danger"
FALLBACK = "nlu_fallback"
FALLBACK_THRESHOLD = 0.25  # bot/config.yml's FallbackClassifier
LANGUAGES = ("en", "pl", "ur", "pa", "gu", "so", "ar", "ur_latn", "pa_latn")
# Issue 14's bar, per language.
TARGET_MACRO_F1 = 0.90


def load(path: Path) -> list[tuple[str, str]]:
    """(text, intent) for the triage intents in a Rasa NLU file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for block in data.get("nlu") or []:
        if block.get("intent") not in INTENTS:
            continue
        for line in str(block.get("examples") or "").splitlines():
            text = line.strip()
            if text.startswith("- "):
                cases.append((strip_annotations(text[2:].strip()), block["intent"]))
    return cases


def strip_annotations(text: str) -> str:
    """`[Leicester](place)` and `[x]{"entity": ...}` as the person typed them."""
    import re

    return re.sub(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})", r"\1", text)


def heldout_sets() -> dict[str, list[tuple[str, str]]]:
    sets = {"en": load(ENGLISH_HELDOUT)}
    for language in LANGUAGES[1:]:
        path = HELDOUT_DIR / f"{language}.yml"
        if path.exists():
            sets[language] = load(path)
    return sets


def read_as_is(parsed: dict[str, Any]) -> str:
    """The intent, had the language not been set aside: the model's own choice, unless it is
    under the fallback threshold. For comparing with what the pipeline does."""
    ranking = [r for r in parsed.get("intent_ranking") or [] if r["name"] != FALLBACK]
    if not parsed.get("language_detected") or not ranking:
        return parsed["intent"]["name"]
    return ranking[0]["name"] if ranking[0]["confidence"] >= FALLBACK_THRESHOLD else FALLBACK


def score(cases: list[tuple[str, str]], parsed: list[dict[str, Any]], as_is: bool = False) -> dict[str, Any]:
    gold = [intent for _, intent in cases]
    predicted = [read_as_is(p) if as_is else p["intent"]["name"] for p in parsed]
    present = [i for i in INTENTS if i in gold]
    misses = [
        {"text": text, "intent": intent, "predicted": guess,
         "language_detected": p.get("language_detected")}
        for (text, intent), guess, p in zip(cases, predicted, parsed) if guess != intent
    ]
    danger_recall = (recall_score(gold, predicted, labels=[DANGER], average="micro", zero_division=0)
                     if DANGER in gold else None)
    per_intent = f1_score(gold, predicted, labels=present, average=None, zero_division=0)
    return {
        "messages": len(cases),
        "macro_f1": round(float(f1_score(gold, predicted, labels=present, average="macro", zero_division=0)), 3),
        "danger_recall": None if danger_recall is None else round(float(danger_recall), 3),
        "danger_caught": sum(1 for g, p in zip(gold, predicted) if g == DANGER == p),
        "danger_total": gold.count(DANGER),
        "fallback_share": round(predicted.count(FALLBACK) / len(cases), 3) if cases else 0.0,
        "per_intent_f1": {i: round(float(f), 3) for i, f in zip(present, per_intent)},
        "confusions": Counter(f"{m['intent']} → {m['predicted']}" for m in misses).most_common(8),
        "misses": misses,
    }


def markdown(results: dict[str, dict[str, Any]], when: str, machine: str) -> str:
    lines = [
        START,
        "## Triage in every offered language (held-out sets)",
        "",
        f"Generated by `bot/eval/evaluate_languages.py` on {when} ({machine}); do not edit by hand. "
        "Each language's set (`bot/eval/heldout_languages/`) was written by someone who did not see the "
        "training data, the way people type on a phone (typos, missing diacritics, text-speak, long stories, "
        "third person, English words mixed in), and is never trained on (`tests/bot/test_nlu_data.py`). "
        "The non-English sets are unreviewed machine drafts, like the training examples; 34 of their messages "
        "that turned out word for word the same as training examples written independently (short answers such "
        "as \"wolę nie mówić\") were taken out. English is its own held-out set, restricted to the same intents. "
        "A message sent to the fallback counts as wrong. Before the triage was trained in other languages "
        "(issue 14), every such message went to the fallback: macro-F1 0.06.",
        "",
        f"| language | messages | macro-F1 (target {TARGET_MACRO_F1:.2f}) | danger now recall | to the fallback |",
        "|---|---:|---:|---:|---:|",
    ]
    for language in LANGUAGES:
        if language not in results:
            continue
        r = results[language]
        danger = f"{r['danger_recall']:.3f} ({r['danger_caught']}/{r['danger_total']})" if r["danger_total"] else "-"
        lines.append(f"| {language} | {r['messages']} | {r['macro_f1']:.3f} | {danger} | {r['fallback_share']:.1%} |")
    lines += ["", "Per intent (F1):", "",
              "| intent | " + " | ".join(lang for lang in LANGUAGES if lang in results) + " |",
              "|---|" + "---:|" * len(results)]
    for intent in INTENTS:
        cells = [f"{results[lang]['per_intent_f1'][intent]:.2f}" if intent in results[lang]["per_intent_f1"] else "-"
                 for lang in LANGUAGES if lang in results]
        lines.append(f"| {intent} | " + " | ".join(cells) + " |")
    lines += ["", "<details><summary>The commonest confusions, per language</summary>", ""]
    for language in LANGUAGES:
        if language in results and results[language]["confusions"]:
            lines.append(f"- **{language}**: " + "; ".join(f"{c} ({n})" for c, n in results[language]["confusions"]))
    lines += ["", "</details>", "", END]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--no-docs", action="store_true", help="print only, write nothing")
    parser.add_argument("--as-is", action="store_true",
                        help="score the model's own intent where the language was set aside (experiment)")
    args = parser.parse_args(argv)

    sets = heldout_sets()
    flat = [(language, text, intent) for language, cases in sets.items() for text, intent in cases]
    parsed = parse_all([text for _, text, _ in flat], args.model)
    results: dict[str, dict[str, Any]] = {}
    offset = 0
    for language, cases in sets.items():
        results[language] = score(cases, parsed[offset: offset + len(cases)], as_is=args.as_is)
        offset += len(cases)
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    section = markdown(results, when, machine)
    print(section)
    if not args.no_docs:
        write_section(section, START, END, REPORT_MD)
        REPORT_JSON.write_text(json.dumps({"measured_at": when, "results": results}, ensure_ascii=False, indent=1)
                               + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
