"""Commissioner insights through the real stack: a real conversation, through the gateway,
Rasa with the trained model and the action server, ends up as exactly the expected counts,
and nothing else (docs/insights.md)."""
from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections import Counter

import httpx

from tests.stack.driver import Conversation
from tests.stack.test_widget_stack import BBC, choose, open_chat


def todays_counts(stack) -> Counter:
    database = sqlite3.connect(stack.workdir / "signpost.db")
    try:
        rows = database.execute("SELECT area, category, outcome, count FROM insight_count WHERE day = ?",
                                (dt.datetime.now(dt.UTC).date().isoformat(),)).fetchall()
    finally:
        database.close()
    return Counter({(area, category, outcome): count for area, category, outcome, count in rows})


def counted_since(stack, before: Counter, expected: Counter, seconds: float = 10) -> Counter:
    """What was counted since `before`, once it has arrived (counting runs after each reply)."""
    deadline = time.monotonic() + seconds
    while True:
        added = todays_counts(stack) - before
        if added == expected or time.monotonic() > deadline:
            return added
        time.sleep(0.1)


def test_a_real_conversation_is_counted_as_it_happens(stack):
    before = todays_counts(stack)
    chat = Conversation(stack.api, area="warwickshire")
    first = chat.send(text="he raped me and hes outside the house now")
    assert first[0]["kind"] == "danger"
    chat.send(text="hes still outside")  # danger again: still one conversation with danger guidance
    services = chat.answer_until_services(place="CV11 4HL")
    assert "RoSA" in [s["name"] for s in services]
    assert all("outcome" not in m and "signpost_outcome" not in m for m in chat.transcript)
    chat.client.post(f"{stack.api}/chat/sessions/{chat.session_id}/end", params={"exit": "quick"})
    chat.end()
    expected = Counter({
        ("warwickshire", "not_recorded", "danger_guidance_shown"): 1,
        ("warwickshire", "sexual_violence", "signposted_locally"): 1,
        ("warwickshire", "not_recorded", "quick_exit_used"): 1,
    })
    assert counted_since(stack, before, expected) == expected


def test_outside_the_pilot_and_leaving_early_are_counted(stack):
    before = todays_counts(stack)
    outside = Conversation(stack.api)
    outside.press("/disclose_stalking")
    assert outside.answer_until_services(place="Coventry")
    outside.end()
    left = Conversation(stack.api, area="derby-derbyshire")
    left.press("/disclose_forced_marriage")
    left.end()
    opened_only = Conversation(stack.api)
    opened_only.end()
    expected = Counter({
        ("outside", "stalking", "national_only"): 1,
        ("derby-derbyshire", "not_recorded", "left_before_answer"): 1,
    })
    assert counted_since(stack, before, expected) == expected


def test_the_commissioners_page_is_behind_the_key(stack):
    assert httpx.post(f"{stack.api}/insights", data={"key": "not-the-key"}).status_code == 401


def test_the_widgets_quick_exit_is_counted(page, stack):
    before = todays_counts(stack)
    open_chat(page, stack.api)  # the demo page embeds the widget for Warwickshire
    choose(page, "Stalking")
    page.get_by_role("button", name="Yes, it's happening to me").wait_for()
    page.get_by_role("button", name="Exit this page").click()
    page.wait_for_url(BBC)
    expected = Counter({("warwickshire", "not_recorded", "quick_exit_used"): 1,
                        ("warwickshire", "not_recorded", "left_before_answer"): 1})
    assert counted_since(stack, before, expected) == expected
