"""Who can help this person with this kind of abuse, here, in order of relevance.

One set of rules, used by the directory (/signpost and the staff finder) and by the action
server for its bundled national lines when the directory cannot be reached. It is plain
Python over plain data, with no database and nothing newer than Python 3.10, so both
environments import this one file (the action server's image copies it): the rules are
written once.

The person first, then the need:

0. After a recent sexual assault (need `sarc`), an adult's first card is the SARC that
   serves the place, or, where no assured SARC does, the NHS SARC finder. Time matters.
1. Lines for who the person is: Childline for a child (the NSPCC Helpline first when an
   adult is asking about a child), Hourglass from 60, Galop for LGBT+ people, the Men's
   Advice Line and Mankind for men, the Respect Phoneline for someone worried about their
   own behaviour. Only those for this kind of abuse.
1a. When a particular need was asked for (somewhere safe to stay, legal advice, ...), the
   services for this kind of abuse that meet it, local before national: in an area with no
   local refuge service, the National Domestic Abuse Helpline's refuge referrals come first.
2. Local services for this kind of abuse that the person can contact themselves: the
   need asked for first, then the most specific help.
3. National lines to talk to about this kind of abuse, open to everyone: a line for
   something the person mentioned (images shared, exploitation, reporting without giving
   a name) first, then the line dedicated to this kind of abuse before lines covering many.
4. Local services for a related kind of abuse (domestic abuse services for stalking,
   forced marriage or honour-based abuse).
5. Other national help for this kind of abuse: legal advice, advocacy, services for
   particular communities.
6. Local services that take referrals from professionals only.
7. General lines, local then national.

Some lines are only offered when their subject comes up (`topics`): the Modern Slavery
helpline for exploitation, the Revenge Porn Helpline for shared images, Crimestoppers for
reporting without a name. A child is never offered an adult-only service, and after a
sexual assault gets the children's route instead of the NHS SARC finder.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Literal, Optional, Tuple, get_args

from vocabulary.areas import ENGLAND_GSS
from vocabulary.categories import CATEGORIES as CATEGORIES  # re-exported: the rules speak of it

NEEDS = (
    "helpline", "specialist_support", "safe_accommodation", "advocacy", "idva", "isva", "chisva",
    "sarc", "counselling", "legal_advice", "children_young_people", "own_behaviour", "information",
)
# Most specific help first when nobody asked for a particular need.
NEED_SPECIFICITY = (
    "own_behaviour", "sarc", "idva", "isva", "chisva", "safe_accommodation", "advocacy",
    "specialist_support", "counselling", "legal_advice", "children_young_people", "helpline", "information",
)
NEED_PARENT = {"idva": "advocacy", "isva": "advocacy", "chisva": "advocacy"}
# Local services for a related kind of abuse are worth a call too: honour-based abuse and
# forced marriage are domestic abuse when family members commit them; much stalking is by an ex.
RELATED_CATEGORIES = {
    "honour_based_abuse": ("forced_marriage", "domestic_abuse"),
    "forced_marriage": ("honour_based_abuse", "domestic_abuse"),
    "stalking": ("domestic_abuse",),
    "domestic_abuse": (),
    "sexual_violence": (),
    "fgm": (),
}
# Subjects that may come up in a conversation, and that some lines are only offered for.
TOPICS = ("exploitation", "image_abuse", "anonymous_reporting", "economic_abuse", "tech_abuse")
ADULT_AGE = 18
OLDER_PERSON_AGE = 60
OLDEST_AGE = 130
# The age question's answers, as the range of ages each covers.
AGE_BANDS = {"under_18": (0, ADULT_AGE - 1), "18_59": (ADULT_AGE, OLDER_PERSON_AGE - 1),
             "60_plus": (OLDER_PERSON_AGE, OLDEST_AGE), "18_plus": (ADULT_AGE, OLDEST_AGE)}
ABOUT = ("self", "someone_else")
# Who a service is only for (`audience`). Lines for a child: the child's own line, and
# the line for adults worried about a child.
Audience = Literal["children", "worried_about_child", "older_people", "lgbt", "men", "own_behaviour"]
AUDIENCES: Tuple[str, ...] = get_args(Audience)
SARC_NEED = "sarc"
GROUPS = ("local", "national", "general")
# Cards the assistant shows for one kind of abuse: few enough for a phone screen. The staff
# finder shows the same first cards first.
CARDS_SHOWN = 6

(TIER_URGENT, TIER_PERSON, TIER_ASKED, TIER_LOCAL, TIER_NATIONAL, TIER_RELATED, TIER_NATIONAL_OTHER,
 TIER_REFERRAL, TIER_GENERAL) = range(9)
# Needs with their own place in the order: a SARC (tier 0) and help with one's own behaviour
# (only those services are shown).
NEEDS_PLACED_ELSEWHERE = (SARC_NEED, "own_behaviour")


@dataclass(frozen=True)
class Person:
    """Who needs the help, as far as they have said: nothing here is required."""

    age: Optional[int] = None
    age_band: Optional[str] = None  # one of AGE_BANDS, when no exact age was given
    gender: Optional[str] = None  # female, male, other
    lgbt: Optional[bool] = None
    language: Optional[str] = None
    about: Optional[str] = None  # self, someone_else (the age is then theirs)
    topics: frozenset = frozenset()

    def ages(self) -> Optional[Tuple[int, int]]:
        if self.age is not None:
            return self.age, self.age
        return AGE_BANDS.get(self.age_band or "")

    @property
    def child(self) -> bool:
        ages = self.ages()
        return ages is not None and ages[1] < ADULT_AGE

    @property
    def older(self) -> bool:
        ages = self.ages()
        return ages is not None and ages[0] >= OLDER_PERSON_AGE


@dataclass(frozen=True)
class Offer:
    """What the rules need to know about one published service; `item` is the service itself
    (a database row for the directory, a /signpost service object for the action server)."""

    name: str
    categories: frozenset
    needs: frozenset
    eligibility: frozenset
    topics: frozenset
    audience: Optional[str]
    minimum_age: Optional[int]
    maximum_age: Optional[int]
    languages: frozenset  # primary language subtags
    general: bool
    national: bool
    areas: frozenset  # GSS codes of the local authorities it serves
    item: Any = None


@dataclass(frozen=True)
class Ranked:
    offer: Offer
    group: str  # local, national, general
    key: tuple

    @property
    def item(self) -> Any:
        return self.offer.item

    service = item  # the directory's name for it


def primary_language(code: Optional[str]) -> str:
    return (code or "").split("-")[0].lower()


def offer_from_answer(service: dict) -> Offer:
    """A /signpost service object (the bundle's national lines) as the rules see it."""
    eligibility = service.get("eligibility") or {}
    national = service.get("scope") == "national"
    categories = frozenset(service.get("categories") or [])
    return Offer(
        name=service["name"],
        categories=categories,
        needs=frozenset(service.get("needs") or []),
        eligibility=frozenset(eligibility.get("attributes") or []),
        topics=frozenset(service.get("topics") or []),
        audience=eligibility.get("audience"),
        minimum_age=eligibility.get("minimum_age"),
        maximum_age=eligibility.get("maximum_age"),
        languages=frozenset(primary_language(code) for code in service.get("languages") or []),
        general=bool(service.get("general", not categories)),
        national=national,
        areas=frozenset({ENGLAND_GSS} if national else service.get("areas") or []),
        item=service,
    )


def eligible(offer: Offer, person: Person, need: Optional[str]) -> bool:
    """Whether the service is open to this person at all."""
    audience = offer.audience
    if audience == "men" and person.gender != "male":
        return False
    if audience == "lgbt" and not person.lgbt:
        return False
    if audience in ("children", "worried_about_child") and not person.child:
        return False
    if audience == "older_people" and not person.older:
        return False
    if audience == "own_behaviour" and need != "own_behaviour":
        return False
    if "women_only" in offer.eligibility and person.gender == "male":
        return False
    ages = person.ages()
    if ages is not None:
        youngest, oldest = ages
        if offer.minimum_age is not None and oldest < offer.minimum_age:
            return False
        if offer.maximum_age is not None and youngest > offer.maximum_age:
            return False
    return True


def fits_topics(offer: Offer, person: Person) -> bool:
    """A line offered only for some subjects is offered when one of them came up."""
    return not offer.topics or bool(offer.topics & person.topics)


def _asked(offer: Offer, need: Optional[str]) -> int:
    if need is None:
        return 0
    wanted = {need} | {child for child, parent in NEED_PARENT.items() if parent == need}
    return 0 if offer.needs & wanted else 1


def _specificity(offer: Offer) -> int:
    return min((NEED_SPECIFICITY.index(n) for n in offer.needs if n in NEED_SPECIFICITY), default=99)


def _language_rank(offer: Offer, person: Person) -> int:
    """Asked in a language other than English: services that speak it, then services that
    arrange interpreters, then the rest. Nobody is hidden for their language."""
    wanted = primary_language(person.language)
    if not wanted or wanted == "en":
        return 0
    if wanted in offer.languages:
        return 0
    return 1 if "interpreters" in offer.eligibility else 2


def _audience_order(person: Person) -> Tuple[str, ...]:
    if person.about == "someone_else":
        return ("worried_about_child", "children") + AUDIENCES[2:]
    return AUDIENCES


def _serves_the_person(offer: Offer, person: Person) -> int:
    """0 when a service says it welcomes this person's group (men, LGBT+)."""
    if person.gender == "male" and "men" in offer.eligibility:
        return 0
    if person.lgbt and "lgbt" in offer.eligibility:
        return 0
    return 1


def rank(offers: Iterable[Offer], category: str, codes: Iterable[str], person: Person,
         need: Optional[str]) -> list:
    """The services for `category` near the local authorities `codes`, best first."""
    place = frozenset(codes)
    related = frozenset(RELATED_CATEGORIES[category])
    audiences = _audience_order(person)
    chosen = []
    for offer in offers:
        if not eligible(offer, person, need) or not fits_topics(offer, person):
            continue
        local = not offer.national and bool(offer.areas & place)
        if not (local or offer.national):
            continue
        if need == "own_behaviour" and "own_behaviour" not in offer.needs and not offer.general:
            continue
        if category in offer.categories:
            group = "local" if local else "national"
        elif offer.general or (local and offer.categories & related):
            group = "general"
        elif (offer.national and offer.categories & related and need is not None
              and need not in NEEDS_PLACED_ELSEWHERE and not _asked(offer, need)):
            # A national line for a related kind of abuse that meets the need asked for:
            # the refuge referrals of the domestic abuse helpline for forced marriage, say.
            group = "national"
        else:
            continue
        chosen.append((offer, group))

    # A national SARC finder stands in only where no SARC here fits the person, only when
    # it is needed now, and never for a child: a child gets the children's route.
    local_sarc = any(group == "local" and SARC_NEED in offer.needs for offer, group in chosen)
    chosen = [
        (offer, group) for offer, group in chosen
        if not (offer.national and SARC_NEED in offer.needs
                and (need != SARC_NEED or local_sarc or person.child))
    ]

    ranked = []
    for offer, group in chosen:
        referral_only = "professional_referral_only" in offer.eligibility
        if need == SARC_NEED and SARC_NEED in offer.needs and not person.child and group != "general":
            tier = TIER_URGENT
        elif group == "national" and offer.audience in audiences:
            tier = TIER_PERSON
        elif (need is not None and need not in NEEDS_PLACED_ELSEWHERE
              and (group != "general" or (not offer.national and offer.categories & related))
              and not _asked(offer, need) and not referral_only
              and "community_specific" not in offer.eligibility):
            tier = TIER_ASKED
        elif group == "local":
            tier = TIER_REFERRAL if referral_only else TIER_LOCAL
        elif group == "national":
            to_talk_to = ("helpline" in offer.needs or offer.topics & person.topics
                          or (need is not None and not _asked(offer, need)))
            community = "community_specific" in offer.eligibility
            tier = TIER_NATIONAL if to_talk_to and not community else TIER_NATIONAL_OTHER
        elif not offer.national and offer.categories & related:
            tier = TIER_RELATED
        else:
            tier = TIER_GENERAL
        key = (
            tier,
            audiences.index(offer.audience) if tier == TIER_PERSON else 0,
            (1 if offer.national else 0) if tier == TIER_ASKED else 0,
            0 if offer.topics & person.topics else 1,
            _asked(offer, need),
            _language_rank(offer, person),
            # General lines here before general lines everywhere.
            (1 if offer.national else 0) if tier == TIER_GENERAL else 0,
            _serves_the_person(offer, person) if tier in (TIER_LOCAL, TIER_RELATED) else 0,
            # A SARC is the most specific help when it is needed now; otherwise the services
            # for ongoing support come first.
            1 if SARC_NEED in offer.needs and need != SARC_NEED and group == "local" else 0,
            # Nationally, someone to talk to before information; a line dedicated to this
            # kind of abuse before lines covering many; lines for everyone before lines for
            # particular communities.
            0 if group == "local" or "helpline" in offer.needs else 1,
            1 if "community_specific" in offer.eligibility else 0,
            len(offer.categories) if group == "national" else 0,
            _specificity(offer),
            0 if "open_24_7" in offer.eligibility else 1,
            0 if "free_to_call" in offer.eligibility else 1,
            offer.name.lower(),
        )
        ranked.append(Ranked(offer=offer, group=group, key=key))
    ranked.sort(key=lambda item: item.key)
    return ranked


def never_empty(offers: Iterable[Offer], category: str) -> list:
    """Nothing fitted (an unusual combination excluded every line): never a dead end, so the
    national lines for the kind of abuse, without the eligibility rules."""
    lines = [
        Ranked(offer=offer, group="national", key=(len(offer.categories), offer.name.lower()))
        for offer in offers
        if offer.national and category in offer.categories and not offer.topics
    ]
    lines.sort(key=lambda item: item.key)
    return lines


def local_help_shown(category: str, need: Optional[str], shown: Iterable[dict]) -> bool:
    """For the commissioners' counts: whether the cards shown (/signpost service objects)
    included local help for this kind of abuse that meets the need asked for. A general
    service, or a local service for a related kind of abuse, is not local help for it."""
    return any(
        service.get("scope") == "local"
        and service.get("group") == "local"
        and category in (service.get("categories") or [])
        and (need is None or need in (service.get("needs") or []))
        for service in shown
    )
