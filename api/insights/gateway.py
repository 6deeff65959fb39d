"""The gateway's side of the insights: it relays every reply and every ending, so it is where
outcomes are counted (the definitions are in docs/insights.md).

- The action server marks each answer with {"signpost_outcome": {"category", "area",
  "outcome"}} in its custom payload; `take_outcomes` removes the marks from the messages
  before the browser sees them, keeping only valid values.
- Danger guidance is recognised by its kind ("danger"), never by its words.
- Quick exit and "left before an answer" come from the ending, or from the sweep that
  finds conversations which expired unanswered.
- Who was reached: the answer also carries {"signpost_reach": {"area", "age_band",
  "identity", "language", "about"}}, counted once per conversation (its first answer), and
  the own-behaviour route {"signpost_route": {"route", "area"}}, counted each time it is shown.
Everything except taking the marks runs after the response has been sent.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from directory.models import InsightArea, InsightCategory, InsightDimension, InsightOutcome, InsightReachValue

from api import metrics
from api.insights.counting import InsightCounter, insight_area, insight_category, reach_value
from api.insights.tracker import MemoryOutcomeTracker, OutcomeTracker, RedisOutcomeTracker

log = logging.getLogger("signpost.insights")
ANSWER_OUTCOMES = {InsightOutcome.signposted_locally, InsightOutcome.national_only, InsightOutcome.no_local_service}
OUTCOME_KEY = "outcome"
REACH_KEY = "signpost_reach"
ROUTE_KEY = "signpost_route"
REACH_DIMENSIONS = (InsightDimension.age_band, InsightDimension.identity, InsightDimension.language,
                    InsightDimension.about)


@dataclass(frozen=True)
class Outcome:
    outcome: InsightOutcome
    area: InsightArea
    category: InsightCategory
    # Answered from the action server's bundled lines because the directory was down; the
    # emergency guidance that comes first then is a precaution, not danger recognised.
    from_bundle: bool = False


def _valid_mark(mark: object) -> Outcome | None:
    if not isinstance(mark, dict):
        return None
    try:
        outcome = InsightOutcome(mark.get("outcome"))
    except ValueError:
        return None
    if outcome not in ANSWER_OUTCOMES:
        return None
    return Outcome(outcome, insight_area(mark.get("area")), insight_category(mark.get("category")),
                   mark.get("from_bundle") is True)


def take_outcomes(messages: list[dict]) -> list[Outcome]:
    """The answers' marks, removed from the messages in place."""
    return [outcome for message in messages if (outcome := _valid_mark(message.pop(OUTCOME_KEY, None)))]


@dataclass(frozen=True)
class Reach:
    """Who an answer was for: counted once per conversation, at its first answer."""

    area: InsightArea
    values: tuple[tuple[InsightDimension, InsightReachValue], ...]


def _valid_reach(mark: object) -> Reach | None:
    if not isinstance(mark, dict):
        return None
    values = tuple(found for dimension in REACH_DIMENSIONS
                   if (found := reach_value(dimension.value, mark.get(dimension.value))) is not None)
    return Reach(insight_area(mark.get("area")), values) if values else None


def take_reach(messages: list[dict]) -> Reach | None:
    """The first valid reach mark; every mark is removed from the messages in place."""
    found = [reach for message in messages if (reach := _valid_reach(message.pop(REACH_KEY, None)))]
    return found[0] if found else None


def take_routes(messages: list[dict]) -> list[Reach]:
    """The routes shown (worried about their own behaviour), removed from the messages."""
    routes = []
    for message in messages:
        mark = message.pop(ROUTE_KEY, None)
        if isinstance(mark, dict) and (found := reach_value(InsightDimension.route.value, mark.get("route"))):
            routes.append(Reach(insight_area(mark.get("area")), (found,)))
    return routes


def shows_danger_guidance(messages: Iterable[dict]) -> bool:
    return any(message.get("kind") == "danger" for message in messages)


class GatewayInsights:
    def __init__(self, counter: InsightCounter, tracker: OutcomeTracker) -> None:
        self.counter = counter
        self.tracker = tracker

    def _safely(self, step, *args):
        try:
            return step(*args)
        except Exception as error:  # noqa: BLE001 - a count must never cost a reply
            metrics.INSIGHT_COUNT_FAILURES.inc()
            log.warning("insight_tracking_failed error_type=%s", type(error).__name__)
            return None

    def started(self, conversation: str, area: str | None) -> None:
        self._safely(self.tracker.start, conversation, insight_area(area).value)

    def replied(self, conversation: str, area: str | None, outcomes: list[Outcome], danger: bool,
                degraded: bool, reach: Reach | None = None, routes: tuple[Reach, ...] = ()) -> None:
        """After a reply to something the person sent."""
        metrics.CHAT_REPLIES.labels(str(degraded).lower()).inc()
        self._safely(self.tracker.engaged, conversation)
        where = insight_area(area)
        if degraded:
            # The gateway's own answer when the assistant cannot give one: the national lines.
            outcomes = [Outcome(InsightOutcome.national_only, where, InsightCategory.not_recorded)]
        elif danger and self._safely(self.tracker.first_danger, conversation):
            self.counter.increment(InsightOutcome.danger_guidance_shown, where, InsightCategory.not_recorded)
        first_answer = False
        if outcomes or routes:
            first_answer = bool(self._safely(self.tracker.answered, conversation))
        for outcome in outcomes:
            self.counter.increment(outcome.outcome, outcome.area, outcome.category)
        if first_answer and reach is not None and not degraded:
            for dimension, value in reach.values:
                self.counter.increment_reach(reach.area, dimension, value)
        for route in routes:
            for dimension, value in route.values:
                self.counter.increment_reach(route.area, dimension, value)

    def ended(self, conversation: str, quick_exit: bool) -> None:
        ended = self._safely(self.tracker.end, conversation, quick_exit)
        if ended is None:
            return
        area = insight_area(ended.area)
        if ended.quick_exit:
            self.counter.increment(InsightOutcome.quick_exit_used, area, InsightCategory.not_recorded)
        if ended.unanswered:
            self.counter.increment(InsightOutcome.left_before_answer, area, InsightCategory.not_recorded)

    def sweep(self, now: float | None = None) -> int:
        """Counts conversations that expired unanswered; any process may sweep at any time."""
        areas = self._safely(self.tracker.claim_expired, now) or []
        metrics.INSIGHT_SWEEPS.inc()
        for area in areas:
            self.counter.increment(InsightOutcome.left_before_answer, insight_area(area), InsightCategory.not_recorded)
        return len(areas)


async def sweep_forever(insights: GatewayInsights, interval_seconds: float) -> None:
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            await run_in_threadpool(insights.sweep)
        except Exception as error:  # noqa: BLE001 - the sweep must outlive any one failure
            log.warning("insight_sweep_failed error_type=%s", type(error).__name__)


def install(app, settings, sessions, redis_client=None) -> asyncio.Task:
    """Counting for this app: the tracker beside the chat sessions (Redis when they are in
    Redis), and the sweep for conversations that expire unanswered. Returns the sweep."""
    ttl = settings.chat_session_ttl_seconds
    tracker = RedisOutcomeTracker(redis_client, ttl) if redis_client is not None else MemoryOutcomeTracker(ttl)
    app.state.insights = GatewayInsights(InsightCounter(sessions), tracker)
    return asyncio.create_task(sweep_forever(app.state.insights, settings.insights_sweep_seconds))


def after_start(request, conversation: str, area: str | None) -> BackgroundTask:
    return BackgroundTask(request.app.state.insights.started, conversation, area)


def after_reply(request, conversation: str, area: str | None, messages: list[dict], degraded: bool) -> BackgroundTask:
    """Takes the answers' marks out of `messages` now; counts after the response is sent."""
    outcomes = take_outcomes(messages)
    reach, routes = take_reach(messages), tuple(take_routes(messages))
    precaution = degraded or any(outcome.from_bundle for outcome in outcomes)
    danger = not precaution and shows_danger_guidance(messages)
    return BackgroundTask(request.app.state.insights.replied, conversation, area, outcomes, danger, degraded,
                          reach, routes)


def after_end(request, conversation: str, quick_exit: bool) -> BackgroundTask:
    return BackgroundTask(request.app.state.insights.ended, conversation, quick_exit)
