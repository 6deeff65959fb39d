"""DangerFirstPolicy: emergency guidance first, after any message that shows danger,
ahead of rules and of an active form."""

from __future__ import annotations

import pytest
from components.danger_first_policy import DangerFirstPolicy
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction, confidence_scores_for
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from tests.bot.conftest import BOT_DIR

GUIDANCE = "action_emergency_guidance"


@pytest.fixture(scope="module")
def rasa_domain() -> Domain:
    return Domain.load(str(BOT_DIR / "domain"))


@pytest.fixture
def policy(tmp_path) -> DangerFirstPolicy:
    return DangerFirstPolicy.create(
        DangerFirstPolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("danger_first_policy"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def tracker_after(rasa_domain: Domain, *events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "test", [ActionExecuted("action_listen"), *events], slots=rasa_domain.slots
    )


def said(text, intent="disclose_domestic_abuse") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9})


def predicted(policy, tracker, rasa_domain) -> PolicyPrediction:
    return policy.predict_action_probabilities(tracker, rasa_domain)


def predicts_guidance(prediction: PolicyPrediction, rasa_domain: Domain) -> bool:
    return (
        prediction.max_confidence == 1.0
        and rasa_domain.action_names_or_texts[prediction.max_confidence_index] == GUIDANCE
    )


def test_danger_words_in_a_disclosure_bring_the_guidance_first(policy, rasa_domain):
    tracker = tracker_after(
        rasa_domain, said("he raped me and he's outside now", "disclose_sexual_violence")
    )
    prediction = predicted(policy, tracker, rasa_domain)
    assert predicts_guidance(prediction, rasa_domain)
    assert prediction.is_no_user_prediction  # so that it can outrank an active form


def test_the_danger_intent_brings_the_guidance_even_without_danger_words(policy, rasa_domain):
    tracker = tracker_after(
        rasa_domain,
        UserUttered("/immediate_danger", {"name": "immediate_danger", "confidence": 1.0}),
    )
    assert predicts_guidance(predicted(policy, tracker, rasa_domain), rasa_domain)


def test_no_danger_means_no_opinion(policy, rasa_domain):
    tracker = tracker_after(rasa_domain, said("my husband controls all the money"))
    assert predicted(policy, tracker, rasa_domain).max_confidence == 0.0


def test_once_the_guidance_is_given_the_other_policies_carry_on(policy, rasa_domain):
    tracker = tracker_after(
        rasa_domain,
        said("hes outside rn"),
        ActionExecuted(GUIDANCE),
        BotUttered("If you're in danger now, call 999."),
    )
    assert predicted(policy, tracker, rasa_domain).max_confidence == 0.0


def test_a_disclosure_handed_back_after_the_guidance_does_not_repeat_it(policy, rasa_domain):
    tracker = tracker_after(
        rasa_domain,
        said("he raped me and he's outside now", "immediate_danger"),
        ActionExecuted(GUIDANCE),
        ActionExecuted("action_listen"),
        UserUttered(None, {"name": "disclose_sexual_violence", "confidence": 0.6}),
    )
    assert predicted(policy, tracker, rasa_domain).max_confidence == 0.0


def test_the_start_of_a_conversation_is_not_danger(policy, rasa_domain):
    tracker = DialogueStateTracker.from_events(
        "test", [ActionExecuted("action_listen")], slots=rasa_domain.slots
    )
    assert predicted(policy, tracker, rasa_domain).max_confidence == 0.0


def test_the_guidance_outranks_an_active_form_and_the_rules(policy, rasa_domain):
    tracker = tracker_after(
        rasa_domain,
        ActiveLoop("triage_form"),
        ActionExecuted("triage_form"),
        ActionExecuted("action_listen"),
        said("no im 20 but hes got a knife", "deny"),
    )
    danger = predicted(policy, tracker, rasa_domain)
    # What RulePolicy (priority 6) predicts for an active form, and for a rule.
    loop = PolicyPrediction(
        confidence_scores_for("triage_form", 1.0, rasa_domain),
        "RulePolicy",
        6,
        is_no_user_prediction=True,
    )
    rule = PolicyPrediction(
        confidence_scores_for("action_signpost", 1.0, rasa_domain), "RulePolicy", 6
    )
    best = DefaultPolicyPredictionEnsemble._pick_best_policy([rule, loop, danger])
    assert best.policy_name == "DangerFirstPolicy"
    assert predicts_guidance(best, rasa_domain)


def test_training_changes_nothing(policy, rasa_domain):
    assert policy.train([], rasa_domain) == Resource("danger_first_policy")
