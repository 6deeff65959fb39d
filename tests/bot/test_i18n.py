"""Every word comes from locales/: keys used in code exist in English, the domain's
responses are generated from the locale files, and no phone number is made up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions import i18n
from actions.responses import RESPONSES
from scripts.build_domain_responses import TARGET, render
from scripts.validate_bot_data import responses_sent_by_actions
from tests.bot.conftest import BOT_DIR, REPO_ROOT

LOCALES = REPO_ROOT / "locales"
ACTIONS = REPO_ROOT / "actions"
KEY_LITERAL = re.compile(
    r"""["']((?:chat|safety|info|services)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)["']"""
)
BOT_NAMESPACES = ("chat", "safety", "info", "services")


def english_texts() -> dict:
    """Every English text of the bot's namespaces, by key."""
    texts = {}

    def walk(prefix: str, node) -> None:
        if isinstance(node, dict):
            for name, child in node.items():
                walk(f"{prefix}.{name}", child)
        else:
            texts[prefix] = node

    for namespace in BOT_NAMESPACES:
        data = yaml.safe_load((LOCALES / f"{namespace}.en.yml").read_text(encoding="utf-8"))
        walk(namespace, data["en"])
    return texts


def english_keys() -> set[str]:
    return set(english_texts())


def keys_used_in_actions() -> set[str]:
    used = set()
    for path in ACTIONS.glob("*.py"):
        used |= set(KEY_LITERAL.findall(path.read_text(encoding="utf-8")))
    return used


def test_every_key_the_actions_use_is_in_english():
    used = keys_used_in_actions()
    assert len(used) > 40
    assert used - english_keys() == set()


def test_every_key_in_the_catalogue_of_responses_is_in_english():
    needed = {r.text_key for r in RESPONSES.values()} | {
        b.title_key for r in RESPONSES.values() for b in r.buttons
    }
    assert needed - english_keys() == set()


def test_every_english_key_is_used():
    catalogue = {r.text_key for r in RESPONSES.values()} | {
        b.title_key for r in RESPONSES.values() for b in r.buttons
    }
    assert english_keys() - keys_used_in_actions() - catalogue == set()


def test_every_english_text_is_a_string():
    """A bare Yes or No in YAML is a boolean, not a word."""
    assert {
        key: value for key, value in english_texts().items() if not isinstance(value, str)
    } == {}


def test_a_missing_key_fails_in_the_tests():
    with pytest.raises(KeyError):
        i18n.t("chat.no_such_key", "en")


def test_a_locale_without_the_text_falls_back_to_english():
    assert i18n.t("chat.goodbye", "cy") == i18n.t("chat.goodbye", "en")


@pytest.mark.parametrize(
    "code,expected",
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("EN_gb", "en"),
        ("xx", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_supported_locale(code, expected):
    assert i18n.supported_locale(code) == expected


def test_the_domain_responses_are_generated_from_the_locales():
    assert TARGET.read_text(encoding="utf-8") == render(), (
        "bot/domain/responses.yml is out of date: run .venv-bot/bin/python scripts/build_domain_responses.py"
    )


def _actions_in_data() -> set[str]:
    names = set()
    for folder in ("data/rules", "data/stories", "tests"):
        for path in (BOT_DIR / folder).glob("*.yml"):
            names |= set(re.findall(r"- action: (\w+)", path.read_text(encoding="utf-8")))
    return names


def test_no_domain_response_has_a_brace_rasa_would_read_as_a_slot():
    domain = yaml.safe_load(TARGET.read_text(encoding="utf-8"))
    assert "{" not in yaml.safe_dump(domain["responses"])
    kept_out = {name for name, response in RESPONSES.items() if not response.in_domain}
    assert kept_out == {
        "utter_ask_age_group_self",
        "utter_ask_age_group_other",
        "utter_ask_identity_self",
        "utter_ask_identity_other",
        "utter_ask_recent_assault",
    }
    assert kept_out.isdisjoint(domain["responses"])


def test_the_emergency_guidance_is_marked_as_danger_for_the_widget():
    domain = yaml.safe_load(TARGET.read_text(encoding="utf-8"))
    english, *others = domain["responses"]["utter_emergency_guidance"]
    assert english["custom"]["text"].startswith("If you're in danger now, call 999.")
    assert "condition" not in english
    # One variation per other language, each marked as danger, each with every route.
    assert {v["condition"][0]["value"] for v in others} == set(i18n.available_locales()) - {"en"}
    for guidance in (english, *others):
        assert guidance["custom"]["kind"] == "danger"
        for route in ("999", "55", "18000", "999bsl.co.uk"):
            assert route in guidance["custom"]["text"]


def test_every_response_is_used_by_the_dialogue_or_an_action():
    used = _actions_in_data() | responses_sent_by_actions()
    assert set(RESPONSES) - used == set()


def test_every_response_an_action_sends_exists():
    assert responses_sent_by_actions() - set(RESPONSES) == set()


PHONE_LIKE = re.compile(r"(?<![\d])(0\d(?:[ \-]?\d){8,9})(?![\d])")


def _digits(text: str) -> set[str]:
    return {re.sub(r"\D", "", m) for m in PHONE_LIKE.findall(text)}


def test_no_phone_number_is_made_up():
    """Every UK phone number in the bot's words, data and tests comes from the
    reference facts or the strategy seeds."""
    shared = REPO_ROOT.parent / "shared"
    sources = [shared / "reference" / "helplines.md", *sorted((shared / "seeds").glob("*.txt"))]
    # Never skipped: without the reference file nothing here could fail. CI and `make test`
    # check out the repository beside ../shared, as the README says.
    assert sources[0].exists(), f"the reference facts must sit beside the repository: {sources[0]}"
    known = set().union(*(_digits(p.read_text(errors="ignore")) for p in sources if p.exists()))
    files = [
        *LOCALES.glob("*.yml"),
        *ACTIONS.glob("*.py"),
        *BOT_DIR.rglob("*.yml"),
        *Path(__file__).parent.rglob("*.py"),
        *Path(__file__).parent.rglob("*.json"),
    ]
    found = {number: path for path in files for number in _digits(path.read_text(encoding="utf-8"))}
    assert {n: str(p) for n, p in found.items() if n not in known} == {}
    assert len(found) > 5  # the fixtures and tests do carry real numbers
