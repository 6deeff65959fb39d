"""The persona table: who is asking, about what, where, and the cards they must see first.

Written out by hand from the issue and the seed directory, never computed by the ranking
rules, so that a change in the rules that hurts someone fails a test. Used through the real
/signpost API with the real seed (tests/api/test_personas.py) and through the real actions,
against a real directory and from the bundled national lines (tests/bot/test_personas.py).
Plain data: both test environments import it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from vocabulary.categories import CATEGORIES

__all__ = ["CATEGORIES"]
SIX = 6  # cards shown per kind of abuse

CHILDLINE = "Childline"
NSPCC = "NSPCC Helpline"
MENS_ADVICE_LINE = "Men's Advice Line"
MANKIND = "Mankind Initiative"
GALOP = "Galop"
HOURGLASS = "Hourglass"
NDAH = "National Domestic Abuse Helpline"
RAPE_CRISIS = "Rape Crisis 24/7 Rape and Sexual Abuse Support Line"
STALKING_HELPLINE = "National Stalking Helpline"
NSPCC_FGM = "NSPCC FGM Helpline"
KARMA_NIRVANA = "Karma Nirvana Honour-Based Abuse Helpline"
FORCED_MARRIAGE_UNIT = "Forced Marriage Unit"
MODERN_SLAVERY = "Modern Slavery and Exploitation Helpline"
REVENGE_PORN = "Revenge Porn Helpline"
CRIMESTOPPERS = "Crimestoppers (report concerns anonymously)"
NHS_SARC_FINDER = "NHS SARC finder"
JUNIPER_LODGE = "Juniper Lodge Sexual Assault Referral Centre"
BLUE_SKY = "The Blue Sky Centre (Sexual Assault Referral Centre)"
EMCYPSAS = "East Midlands Children and Young People's Sexual Assault Service (Coral Cove)"
FREEVA = "Freeva (Free From Violence and Abuse)"
REFUGE_WARWICKSHIRE = "Refuge - Warwickshire Domestic Violence and Abuse Service"
ROSA = "RoSA"
ELM = "Derbyshire Domestic Abuse Helpline (The Elm Foundation)"
DERBY_ADVOCATES = "Derby City Domestic and Sexual Violence Advocate Team"
LIVING_WITHOUT_ABUSE = "Living Without Abuse"

# Places, as the person gives them (a postcode), in each pilot area and outside.
PLACES = {
    "Leicester": ("leicester-leicestershire-rutland", "LE1 6ZG"),
    "Loughborough": ("leicester-leicestershire-rutland", "LE11 3TU"),
    "Hinckley": ("leicester-leicestershire-rutland", "LE10 1AA"),
    "Wigston": ("leicester-leicestershire-rutland", "LE18 4AB"),
    "Leamington": ("warwickshire", "CV32 4AA"),
    "Nuneaton": ("warwickshire", "CV11 4HL"),
    "Ilkeston": ("derby-derbyshire", "DE7 5AA"),
    "Derby": ("derby-derbyshire", "DE1 2FS"),
    "Chesterfield": ("derby-derbyshire", "S40 1LP"),
    "Manchester": ("outside", "M1 1AE"),
    "not said": (None, None),
}

# The first card for someone who says nothing about themselves, by place and kind of abuse.
FIRST_FOR_ANYONE = {
    "Leicester": {"domestic_abuse": FREEVA, "sexual_violence": FREEVA},
    "Loughborough": {"domestic_abuse": FREEVA, "sexual_violence": FREEVA},
    "Hinckley": {"domestic_abuse": FREEVA, "sexual_violence": FREEVA},
    "Wigston": {"domestic_abuse": FREEVA, "sexual_violence": FREEVA},
    "Leamington": {"domestic_abuse": REFUGE_WARWICKSHIRE, "sexual_violence": ROSA},
    "Nuneaton": {"domestic_abuse": REFUGE_WARWICKSHIRE, "sexual_violence": ROSA},
    "Ilkeston": {"domestic_abuse": ELM, "sexual_violence": RAPE_CRISIS},
    "Derby": {"domestic_abuse": DERBY_ADVOCATES, "sexual_violence": DERBY_ADVOCATES},
    "Chesterfield": {"domestic_abuse": ELM, "sexual_violence": RAPE_CRISIS},
    "Manchester": {"domestic_abuse": NDAH, "sexual_violence": RAPE_CRISIS},
    "not said": {"domestic_abuse": NDAH, "sexual_violence": RAPE_CRISIS},
}
# No pilot area has a local service for these yet: the national line comes first everywhere.
NATIONAL_FIRST = {
    "stalking": STALKING_HELPLINE,
    "fgm": NSPCC_FGM,
    "honour_based_abuse": KARMA_NIRVANA,
    "forced_marriage": FORCED_MARRIAGE_UNIT,
}
# Lines offered only when their subject comes up.
ONLY_WHEN_IT_COMES_UP = {MODERN_SLAVERY: "exploitation", REVENGE_PORN: "image_abuse",
                         CRIMESTOPPERS: "anonymous_reporting"}


@dataclass(frozen=True)
class Persona:
    """Who is asking. `age_band`, `gender`, `lgbt`, `about` as /signpost takes them; `slots`
    as the assistant's triage form records the same answers."""

    name: str
    age_band: str | None = None
    age: int | None = None
    gender: str | None = None
    lgbt: bool | None = None
    about: str | None = None
    slots: dict = field(default_factory=dict)

    def query(self) -> dict:
        wanted = {"age_band": self.age_band, "age": self.age, "gender": self.gender,
                  "lgbt": None if self.lgbt is None else str(self.lgbt).lower(), "about": self.about}
        return {k: v for k, v in wanted.items() if v is not None}


PERSONAS = (
    Persona("a girl under 18", age_band="under_18", about="self",
            slots={"about_self": "self", "age_group": "under_18", "identity": "neither"}),
    Persona("a parent worried about a child", age_band="under_18", about="someone_else",
            slots={"about_self": "someone_else", "age_group": "under_18", "identity": "neither"}),
    Persona("a woman", age_band="18_plus", about="self",
            slots={"about_self": "self", "age_group": "adult", "identity": "neither"}),
    Persona("a man", age_band="18_plus", gender="male", about="self",
            slots={"about_self": "self", "age_group": "adult", "identity": "male"}),
    Persona("an LGBT+ woman", age_band="18_plus", lgbt=True, about="self",
            slots={"about_self": "self", "age_group": "adult", "identity": "lgbt"}),
    Persona("a woman of 67", age=67, about="self",
            slots={"about_self": "self", "age_group": "adult", "age": 67.0, "identity": "neither"}),
    Persona("someone who would rather not say", slots={
        "about_self": "not_said", "age_group": "not_said", "identity": "not_said"}),
)


def first_cards(persona: Persona, category: str, place: str) -> list[str]:
    """The cards this persona must see first, in this order."""
    if persona.name == "a girl under 18":
        return [CHILDLINE, NSPCC]
    if persona.name == "a parent worried about a child":
        return [NSPCC, CHILDLINE]
    if persona.name == "a man" and category == "domestic_abuse":
        return [MENS_ADVICE_LINE, MANKIND]
    if persona.name == "an LGBT+ woman" and category != "fgm":
        return [GALOP]
    if persona.name == "a woman of 67" and category == "domestic_abuse":
        return [HOURGLASS]
    return [FIRST_FOR_ANYONE[place].get(category) or NATIONAL_FIRST[category]]


def table() -> list[tuple[Persona, str, str]]:
    """Every persona, every kind of abuse, every place."""
    return [(persona, category, place) for persona in PERSONAS for category in CATEGORIES for place in PLACES]


@dataclass(frozen=True)
class Story:
    """A whole situation from the issue, with what must and must not be among the six cards."""

    name: str
    category: str
    place: str
    query: dict
    slots: dict
    first: list
    among_six: list = field(default_factory=list)
    never: list = field(default_factory=list)
    texts: tuple = ()  # what the person wrote, for the actions to find the subjects in


STORIES = (
    Story("a girl under 18 in Leamington facing honour-based abuse", "honour_based_abuse", "Leamington",
          {"age_band": "under_18", "about": "self"},
          {"about_self": "self", "age_group": "under_18", "identity": "neither"},
          first=[CHILDLINE], among_six=[KARMA_NIRVANA]),
    Story("a girl under 18 in Ilkeston pressured sexually whose pictures were shared", "sexual_violence", "Ilkeston",
          {"age_band": "under_18", "about": "self", "topics": "image_abuse"},
          {"about_self": "self", "age_group": "under_18", "identity": "neither", "recent_assault": "no"},
          first=[CHILDLINE], among_six=[EMCYPSAS],
          never=[MODERN_SLAVERY, REVENGE_PORN, JUNIPER_LODGE],
          texts=("my boyfriend pressured me into sex and shared pictures of me",)),
    Story("a child in Wigston touched by her mother's boyfriend yesterday", "sexual_violence", "Wigston",
          {"age_band": "under_18", "about": "self", "need": "sarc"},
          {"about_self": "self", "age_group": "under_18", "identity": "neither", "recent_assault": "yes"},
          first=[CHILDLINE, NSPCC], never=[JUNIPER_LODGE, NHS_SARC_FINDER]),
    Story("a man in Loughborough abused by his wife", "domestic_abuse", "Loughborough",
          {"age_band": "18_plus", "gender": "male", "about": "self"},
          {"about_self": "self", "age_group": "adult", "identity": "male"},
          first=[MENS_ADVICE_LINE, MANKIND], among_six=[LIVING_WITHOUT_ABUSE, NDAH],
          never=[CRIMESTOPPERS, REVENGE_PORN]),
    Story("an LGBT+ woman in Hinckley abused by her girlfriend", "domestic_abuse", "Hinckley",
          {"age_band": "18_plus", "lgbt": "true", "about": "self"},
          {"about_self": "self", "age_group": "adult", "identity": "lgbt"},
          first=[GALOP], among_six=[FREEVA, NDAH]),
    Story("a woman raped at a party in Leicester in the last week", "sexual_violence", "Leicester",
          {"age_band": "18_plus", "about": "self", "need": "sarc"},
          {"about_self": "self", "age_group": "adult", "identity": "neither", "recent_assault": "yes"},
          first=[JUNIPER_LODGE], among_six=[FREEVA, RAPE_CRISIS], never=[MODERN_SLAVERY, REVENGE_PORN]),
    Story("a woman raped in Chesterfield in the last week", "sexual_violence", "Chesterfield",
          {"age_band": "18_plus", "about": "self", "need": "sarc"},
          {"about_self": "self", "age_group": "adult", "identity": "neither", "recent_assault": "yes"},
          first=[NHS_SARC_FINDER, RAPE_CRISIS]),
    Story("a woman raped in Nuneaton in the last week", "sexual_violence", "Nuneaton",
          {"age_band": "18_plus", "about": "self", "need": "sarc"},
          {"about_self": "self", "age_group": "adult", "identity": "neither", "recent_assault": "yes"},
          first=[BLUE_SKY], among_six=[ROSA], never=[NHS_SARC_FINDER]),
    Story("a girl under 18 in Derby after a sexual assault last night", "sexual_violence", "Derby",
          {"age_band": "under_18", "about": "self", "need": "sarc"},
          {"about_self": "self", "age_group": "under_18", "identity": "neither", "recent_assault": "yes"},
          first=[CHILDLINE, NSPCC, EMCYPSAS], never=[NHS_SARC_FINDER]),
    Story("a woman of 72 in Nuneaton abused by her son", "domestic_abuse", "Nuneaton",
          {"age": 72, "about": "self"},
          {"about_self": "self", "age_group": "adult", "age": 72.0, "identity": "neither"},
          first=[HOURGLASS, REFUGE_WARWICKSHIRE]),
    Story("a woman whose ex shares her intimate pictures, in Derby", "domestic_abuse", "Derby",
          {"age_band": "18_plus", "about": "self", "topics": "image_abuse"},
          {"about_self": "self", "age_group": "adult", "identity": "neither"},
          first=[DERBY_ADVOCATES, ELM], among_six=[REVENGE_PORN], never=[MODERN_SLAVERY, CRIMESTOPPERS],
          texts=("my ex keeps sharing my nudes online",)),
    Story("a woman forced to work for no money, in Leicester", "forced_marriage", "Leicester",
          {"age_band": "18_plus", "about": "self", "topics": "exploitation"},
          {"about_self": "self", "age_group": "adult", "identity": "neither"},
          first=[MODERN_SLAVERY], never=[REVENGE_PORN],
          texts=("they married me off and now I'm trafficked and made to work for nothing",)),
    Story("a neighbour who wants to report abuse next door without giving her name", "domestic_abuse", "Nuneaton",
          {"age_band": "18_plus", "about": "someone_else", "topics": "anonymous_reporting"},
          {"about_self": "someone_else", "age_group": "adult", "identity": "neither"},
          first=[REFUGE_WARWICKSHIRE], among_six=[CRIMESTOPPERS],
          texts=("can I report it anonymously, without giving my name?",)),
)
