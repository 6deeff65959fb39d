"""The knowledge base (knowledge/topics/, locales/knowledge.*.yml): every topic says where its
answer comes from, when it was checked and whether anyone has reviewed it; every answer exists in
English; no answer in any language holds a phone number or web address that is not in the
reference file (../shared/reference/helplines.md) or the topic's own sources; a translation that
exists has every topic and keeps the English numbers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from directory.ids import stable_id
from knowledge import load_topics
from knowledge.answers import service_id
from knowledge.base import REPO, TopicError, _topic

LOCALES = REPO / "locales"
REFERENCE = REPO.parent / "shared" / "reference" / "helplines.md"
SEED_NATIONAL = REPO / "directory" / "seed" / "national.yaml"
LANGUAGES = ("en", "pl", "ur", "pa", "gu", "so", "ar")
TOPICS = load_topics()

# A run of digits, possibly split by spaces or hyphens ("0808 2000 247", "999", "55").
NUMBER = re.compile(r"(?<![\w])\d[\d \-]*\d(?![\w])|(?<![\w])\d(?![\w])")
# An Act's year ("Domestic Abuse Act 2021") is not a phone number.
ACT_YEAR = re.compile(r"Act (?:19|20)\d\d\b")
URL = re.compile(r"(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:uk|org|com)(?:/[^\s,;)]*)?")

# Western digits for the scripts the translations use, so "٩٩٩" is checked as "999".
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹੦੧੨੩੪੫੬੭੮੯૦૧૨૩૪૫૬૭૮૯", "0123456789" * 4)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def phone_numbers(text: str) -> set[str]:
    text = ACT_YEAR.sub("", text.translate(DIGITS))
    found = {_digits(m.group(0)) for m in NUMBER.finditer(text)}
    # Single digits and small counts ("7 days", "12 months", "30 minutes") are not phone numbers,
    # except "55", which is: the Silent Solution's key presses.
    return {n for n in found if len(n) >= 3 or n == "55"}


def reference_numbers() -> set[str]:
    text = REFERENCE.read_text(encoding="utf-8")
    numbers = {_digits(m.group(0)) for m in NUMBER.finditer(text)}
    return {n for n in numbers if n}


def answers(language: str) -> dict[str, dict]:
    path = LOCALES / f"knowledge.{language}.yml"
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8"))[language]


def test_there_are_at_least_forty_topics():
    assert len(TOPICS) >= 40


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_topic_names_its_source_date_and_review(topic):
    assert topic.sources
    for source in topic.sources:
        assert source.publisher.strip()
        if source.url.startswith("https://"):
            continue
        assert (REPO / source.url).is_file(), f"{source.url} is neither https nor a file in the repository"
    assert dt.date(2026, 1, 1) <= topic.checked <= dt.date.today()
    assert topic.review_status in ("machine_draft_unreviewed", "reviewed")
    # Honest about review: nobody has reviewed these drafts yet.
    assert topic.reviewed is (topic.reviewed_by is not None)


def test_a_topic_file_missing_its_review_status_is_refused(tmp_path):
    good = (REPO / "knowledge" / "topics" / f"{TOPICS[0].slug}.yml").read_text(encoding="utf-8")
    broken = tmp_path / f"{TOPICS[0].slug}.yml"
    broken.write_text(good.replace("status: machine_draft_unreviewed", "status: fine"), encoding="utf-8")
    with pytest.raises(TopicError):
        _topic(broken)
    broken.write_text(re.sub(r"sources:\n(?:[- ] .*\n)+", "sources: []\n", good), encoding="utf-8")
    with pytest.raises(TopicError, match="no source"):
        _topic(broken)


def test_every_named_helpline_is_a_national_service_in_the_seed():
    slugs = {s["slug"] for s in yaml.safe_load(SEED_NATIONAL.read_text(encoding="utf-8"))["services"]}
    for topic in TOPICS:
        assert set(topic.helplines) <= slugs, topic.slug
        for slug in topic.helplines:
            assert service_id(slug) == stable_id("service", slug)


def test_every_topic_has_a_title_and_answer_in_english():
    english = answers("en")
    assert set(english) == {t.key for t in TOPICS}
    for topic in TOPICS:
        assert english[topic.key]["title"].strip()
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", english[topic.key]["answer"].strip()) if s]
        assert 2 <= len(sentences) <= 6, (topic.slug, len(sentences))


def test_no_answer_tells_people_they_must_report_to_the_police():
    for topic in TOPICS:
        text = answers("en")[topic.key]["answer"].lower()
        assert "you must report" not in text and "you have to report" not in text, topic.slug


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_number_in_every_answer_is_in_the_reference_file(language):
    known = reference_numbers()
    for key, entry in answers(language).items():
        for number in phone_numbers(entry["answer"]) | phone_numbers(entry["title"]):
            assert number in known, f"{language} {key}: {number} is not in {REFERENCE.name}"


def test_the_number_check_catches_an_invented_number():
    # 0808 157 0192: in Ofcom's range of freephone numbers kept for drama, so never a real line.
    assert phone_numbers("Call 0808 157 0192 or 999, under the Domestic Abuse Act 2021.") == {"08081570192", "999"}
    assert "08081570192" not in reference_numbers()
    assert phone_numbers("اضغطي ٥٥") == {"55"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_web_address_in_an_answer_is_a_source_or_in_the_reference_file(language):
    reference = REFERENCE.read_text(encoding="utf-8")
    by_key = {t.key: t for t in TOPICS}
    for key, entry in answers(language).items():
        for address in URL.findall(entry["answer"]):
            bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", address).rstrip("./")
            sources = " ".join(s.url for s in by_key[key].sources)
            assert bare in reference or bare in sources, f"{language} {key}: {address}"


# The six translations are machine drafts, unreviewed (the header of each file says so).
@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_a_translation_has_every_topic_and_the_english_numbers(language):
    translated = answers(language)
    if not translated:
        pytest.fail(f"locales/knowledge.{language}.yml is missing")
    english = answers("en")
    missing = sorted(set(english) - set(translated))
    assert not missing, f"{language} lacks {missing}"
    for key, entry in english.items():
        assert translated[key]["title"].strip() and translated[key]["answer"].strip()
        assert phone_numbers(translated[key]["answer"]) == phone_numbers(entry["answer"]), (language, key)
