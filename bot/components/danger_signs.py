"""Signs in a message that someone may be in danger right now.

A keyword safety net beside the NLU model: plain patterns no retraining can lose.
It errs on the side of showing the emergency guidance: a false alarm costs one
extra message, a miss can cost far more. The text is normalised first, so
misspellings and text-speak ("hes outsde rn", "he's gna kil me") still match.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

# Text-speak and contractions, token by token, to plain words.
SPELLINGS = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "pleas": "please",
    "rn": "right now",
    "atm": "at the moment",
    "nw": "now",
    "noww": "now",
    "asap": "right now",
    "2nite": "tonight",
    "2night": "tonight",
    "tonite": "tonight",
    "tnight": "tonight",
    "2day": "today",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "im": "i am",
    "ive": "i have",
    "hell": "he will",
    "shell": "she will",
    "theyll": "they will",
    "cant": "cannot",
    "cnt": "cannot",
    "dont": "do not",
    "wont": "will not",
    "gonna": "going to",
    "gna": "going to",
    "gunna": "going to",
    "goin": "going",
    "gon": "going to",
    "wants2": "wants to",
    "2": "to",
    "hlp": "help",
    "halp": "help",
    "hep": "help",
    "helpp": "help",
    "kil": "kill",
    "kll": "kill",
    "kiil": "kill",
    "kilk": "kill",
    "murda": "murder",
    "nife": "knife",
    "knif": "knife",
    "knive": "knife",
    "kinfe": "knife",
    "nives": "knives",
    "pils": "pills",
    "pillz": "pills",
    "tabs": "tablets",
    "oded": "overdosed",
    "od'd": "overdosed",
    "odd'd": "overdosed",
    "outsid": "outside",
    "outsde": "outside",
    "outide": "outside",
    "ousdie": "outside",
    "oustide": "outside",
    "outsidee": "outside",
    "outisde": "outside",
    "outsdie": "outside",
    "dorr": "door",
    "dor": "door",
    "choakin": "choking",
    "chokin": "choking",
    "stranglin": "strangling",
    "hittin": "hitting",
    "hitin": "hitting",
    "bleedin": "bleeding",
    "lockd": "locked",
    "sum": "some",
    "wana": "want to",
    "wanna": "want to",
    "attak": "attack",
    "attackin": "attacking",
    "beatin": "beating",
    "kickin": "kicking",
    "bangin": "banging",
    "comin": "coming",
    "tryin": "trying",
    "tryna": "trying to",
    "downin": "downing",
    "emergancy": "emergency",
    "emergeny": "emergency",
    "emergncy": "emergency",
}

# Longer danger words tolerate one slip (a typo, a swapped pair of letters).
FUZZY_WORDS = (
    "outside",
    "overdose",
    "overdosed",
    "strangling",
    "strangled",
    "choking",
    "suicide",
    "suicidal",
    "weapon",
    "machete",
    "emergency",
    "hostage",
    "attacking",
    "threatening",
)
_CONTRACTIONS = (
    ("won't", "will not"),
    ("can't", "cannot"),
    ("n't", " not"),
    ("'s", " is"),
    ("'re", " are"),
    ("'m", " am"),
    ("'ll", " will"),
    ("'ve", " have"),
    ("'d", " would"),
)

# Hyperbole, not danger: British "dead" meaning "very" ("i'm dead on my feet"), and dying of
# something harmless ("i'll die of boredom").
_DEAD_AS_VERY = (r"on my feet|tired|bored|serious|jealous|excited|proud|happy|good|nice|funny|chuffed|busy|lucky|"
                 r"nervous|embarrassed|late|hungry")
_DIE_OF_IDIOM = (r"of (?:boredom|embarrassment|shame|laughter|laughing|hunger|thirst|heat|cold|old age|happiness|"
                 r"excitement|cuteness)|laughing|happy")
SOON = r"tomorrow|tonight|today|this week|this weekend|next week|right now|now"
PERSON = (
    r"(?:he|she|they|him|her|them|someone|somebody|a man|the man|people|"
    r"my (?:ex|partner|husband|boyfriend|bf|wife|girlfriend|gf|dad|father|stepdad|mum|mother|"
    r"brothers?|sons?|uncles?|family|cousins?|in laws))"
)
VICTIM = (
    r"(?:me|us|her|him|them|my (?:little |baby |big |younger |older |best )?"
    r"(?:kids|children|baby|son|daughter|mum|sister|brother|cousin|niece|friend)|the (?:kids|children|baby))"
)
VIOLENT_ACT = r"(?:hit|hitting|beat|beating|attack|attacking|hurt|hurting|kick|kicking|punch|punching|rape|raping|stab|stabbing|choke|choking|strangle|strangling|suffocate|suffocating|drown|drowning|chase|chasing|throw|throwing|pin|pinning)"
PLACE_NEARBY = r"(?:outside|downstairs|upstairs|here|at the door|at my door|in the (?:house|flat|garden|next room|kitchen|hall|hallway|street|car park|driveway|drive|stairs)|in my (?:house|flat|room|garden))"

# (what the sign is, pattern on the normalised text)
DANGER_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        # Someone is here, or on the way
        ("someone_here", rf"\b{PERSON} (?:is|are) (?:still |now |just |right )?{PLACE_NEARBY}"),
        ("someone_here", r"\b(?:is|are) (?:\w+ )?outside\b"),
        (
            "someone_here",
            r"\boutside (?:my|the|our) (?:house|home|flat|door|window|room|work|school|place)\b",
        ),
        (
            "someone_coming",
            rf"\b{PERSON} (?:is|are) (?:coming|getting in|breaking in|back|looking for (?:me|us))\b",
        ),
        ("someone_coming", r"\b(?:is|are) on (?:his|her|their|the|my) way\b"),
        ("someone_coming", r"\b(?:he|she|they|has|have) found (?:me|us)\b"),
        (
            "someone_coming",
            r"\bjust (?:turned up|arrived|got (?:home|back|in)|broke in|broken in)\b",
        ),
        ("someone_coming", r"\b(?:come|coming) (?:back|home) any minute\b|\bany minute\b"),
        (
            "someone_coming",
            r"\b(?:break|breaking|broke|kick|kicking|smash|smashing|bang|banging|knock|knocking) (?:in |down |on |at )?(?:the |my |our )?(?:door|window)s?\b",
        ),
        (
            "someone_coming",
            r"\b(?:broken|broke) into (?:my|our|the)\b|\b(?:has|have|is|he|she|they) (?:broken|smashed|kicked) (?:in|the door (?:in|down))\b",
        ),
        (
            "someone_coming",
            r"\bclimbing (?:over|through|in)\b|\b(?:waiting|standing|hanging around) (?:by|outside|near|at) (?:my|the|our) (?:car|door|house|flat|work|school)\b",
        ),
        (
            "someone_coming",
            r"\b(?:just followed|walking behind|chasing) (?:me|us|her)\b|\bslowing down next to (?:me|us)\b",
        ),
        ("someone_coming", r"\b(?:trying|try|tried) to (?:get|break) (?:in|into)\b"),
        # Weapons, fire
        (
            "weapon",
            r"\b(?:knife|knives|gun|guns|weapon|weapons|blade|machete|acid|shotgun(?! wedding)|firearm|armed|screwdriver|hammer|baseball bat)\b"
            r"(?! (?:licen[cs]e|certificate|permit)s?\b)",
        ),
        (
            "fire",
            r"\b(?:set fire|petrol|burn (?:the|our|my) (?:house|flat|home)|burn (?:it|the place) down)\b",
        ),
        # Threats to kill or hurt
        (
            "threat_to_kill",
            rf"\b(?:kill|kills|murder|stab|shoot|strangle|burn|slit) {VICTIM}\b|\bslit (?:my|her|his) throat\b|\b(?:i am|we are) dead\b(?! (?:{_DEAD_AS_VERY})\b)",
        ),
        (
            "threat_to_kill",
            r"\b(?:threatened|threatening|threatens) to (?:jump|kill (?:himself|herself|themselves))\b",
        ),
        (
            "threat_to_kill",
            rf"\b(?:going to|will|want to|wants to|threatened to|threatening to|threatens to|said he would|says he will) (?:kill|murder|stab|shoot|strangle|hurt|hit|beat|attack|burn|throw|drown) (?:{VICTIM}|the)\b",
        ),
        ("threat_to_kill", r"\babout to (?:hurt|hit|kill|attack|beat|rape|stab|cut)\b"),
        ("threat_to_kill", rf"\b(?:going to|will) (?:be )?(?:killed|murdered|hurt|beaten|die(?! (?:{_DIE_OF_IDIOM})\b))\b"),
        (
            "threat_to_kill",
            r"\b(?:not going to|will not) (?:survive|see the morning)\b|\btonight is the night\b",
        ),
        (
            "threat_to_kill",
            rf"\b(?:hurt|kill|beat|get) {VICTIM} (?:when|once|as soon as) (?:he|she|they) (?:gets?|comes?)\b",
        ),
        # Being attacked now
        (
            "attack_now",
            rf"\b(?:is|are|keeps?|him|her|them|stop) (?:just )?{VIOLENT_ACT} {VICTIM}\b",
        ),
        (
            "attack_now",
            r"\b(?:hands?|fingers) (?:round|around|on) (?:my|her|his) (?:throat|neck)\b|\bby the throat\b",
        ),
        (
            "attack_now",
            r"\b(?:badly hurt|cannot move|lying on the floor|been beaten)\b|\bout of the window\b|\bin the boot\b",
        ),
        (
            "attack_now",
            r"\b(?:run|running) (?:me|us) (?:over|down)\b|\bramming\b|\bdriving at (?:me|us)\b|\bsmash(?:ing|ed)? (?:everything|the (?:house|place|door))\b",
        ),
        ("attack_now", r"\b(?:following|chasing) (?:me|us)\b.*\bnow\b"),
        ("attack_now", r"\b(?:arm|leg|nose|ribs?|jaw|wrist|hand) (?:is |are )?broken\b"),
        ("attack_now", rf"\b{VIOLENT_ACT} (?:me|us) (?:right )?now\b"),
        (
            "attack_now",
            r"(?<!after )(?<!about )(?<!of )(?<!from )\b(?:being|getting) (?:attacked|beaten|strangled|choked|raped|hurt|stabbed|chased|followed)\b",
        ),
        (
            "attack_now",
            r"\bjust (?:\w+ )?(?:stabbed|hit|punched|kicked|strangled|choked|attacked|raped|hurt|beat|shot|shook)\b",
        ),
        (
            "attack_now",
            rf"\b(?:trying|tries|tried) to (?:rape|kill|strangle|drown|suffocate|stab|hurt) {VICTIM}\b",
        ),
        (
            "attack_now",
            r"\b(?:cannot|can not) breathe?\b|\bunder (?:the )?water\b|\bbleeding\b|\bbleach\b",
        ),
        (
            "attack_now",
            r"\b(?:i have|i am|has|have|is|are) (?:been )?(?:stabbed|shot|kidnapped|drugged|spiked|unconscious)\b|\b(?:stabbed|shot) (?:me|us|her|him)\b|\bkidnapped\b",
        ),
        (
            "attack_now",
            r"\b(?:cannot|can not|will not|wont) wake (?:up|her|him|them)\b|\bshook the baby\b",
        ),
        ("attack_now", r"\b(?:forcing|forced) (?:pills|tablets) (?:down|into)\b"),
        # Held, hiding, cannot get away
        (
            "held",
            r"\b(?:locked|trapped|shut) (?:me |us |myself |ourselves )?(?:in|inside|up)\b|\bbarricaded\b",
        ),
        (
            "held",
            rf"\b(?:cannot|will not let {VICTIM}) (?:get out|escape|out|leave the (?:house|room|car|flat))\b",
        ),
        (
            "held",
            r"\bwill not let (?:me|us) (?:call|phone|ring) (?:anyone|anybody|the police|999|for help)\b",
        ),
        (
            "held",
            r"\b(?:keeping|holding) (?:me|us) (?:hostage|prisoner|captive|here)\b|\bheld against (?:my|her|our|their) will\b|\bbeing held\b",
        ),
        (
            "held",
            r"\b(?:hiding|hidden) (?:from|in|under|upstairs|downstairs|with|behind)\b|\bwe are hiding\b",
        ),
        ("held", r"\b(?:do not|dont) know where i am\b|\b(?:driving|taking) me somewhere\b"),
        ("held", r"\b(?:trying|try|tried) to (?:get|drag|pull|force) (?:me|us|her) into\b"),
        ("held", r"\b(?:cannot|can not) (?:talk|speak)\b"),
        # Self-harm and suicide
        (
            "self_harm",
            r"\b(?:taken|took|take|swallowed|downed) (?:an |some |all (?:of )?(?:my |the )?|too many |to many |loads of |a lot of |a load of |a (?:whole )?(?:packet|box|bottle) of )?(?:\d+ )?(?:\w+ )?(?:pills|tablets|painkillers|antidepressants|medication|meds|paracetamol|overdose|something)\b",
        ),
        ("self_harm", r"\boverdosed?\b|\bparacetamol\b|\b(?:pills|tablets) in front of me\b"),
        # Suicidal feelings on their own get the crisis route (components.crisis_signs); with
        # a time that is now, or an intent to act, they are danger now as well.
        (
            "self_harm",
            rf"\b(?:kill (?:myself|herself|himself|themselves)|end my life|end it all|end it|want to die|suicide|suicidal|hurt myself|cut myself|take my (?:own )?life|do it)\b.*\b(?:{SOON})\b",
        ),
        (
            "self_harm",
            rf"\b(?:{SOON})\b.*\b(?:kill (?:myself|herself|himself)|end my life|end it all|hurt myself|cut myself|take my (?:own )?life)\b",
        ),
        (
            "self_harm",
            r"\b(?:going to|about to|gonna|ready to) (?:kill (?:myself|herself|himself|themselves)|end (?:it|my life|her life)|take my (?:own )?life|hurt myself|cut myself)\b",
        ),
        (
            "self_harm",
            r"\b(?:going to|want to) jump\b|\b(?:on|at) the edge of\b|\bstanding on (?:the|a) (?:bridge|roof|ledge)\b|\btied a rope\b|\bkeep myself safe\b",
        ),
        (
            "self_harm",
            r"\b(?:goodbye note|suicide note|the rope|hang myself|doing it tonight)\b",
        ),
        # Asking for help now
        (
            "urgent",
            r"(?<!\bnot )(?<!\bnot happening )\b(?:right now|help me now|help now|need help now|emergency|urgent|urgently|sos|"
            r"help help|happening now|999 now)\b",
        ),
        (
            "urgent",
            r"\b(?:please hurry|hurry up|come quick(?:ly)?|quick i need|help me someone|someone help|ambulance)\b",
        ),
        (
            "urgent",
            r"\b(?:call|ring|phone) (?:the police|999|an ambulance|for help)\b|\b(?:need|want|get) (?:the police|police|an ambulance|ambulance)\b",
        ),
        ("urgent", r"\b(?:immediate )?danger\b|\blife is (?:in danger|at risk)\b"),
        (
            "urgent",
            r"\b(?:not safe|unsafe) (?:now|tonight|here|at home)\b|\b(?:i am|we are|i feel|feel) not safe\b|\b(?:do not|dont) feel safe\b",
        ),
        ("urgent", r"\b(?:scared|afraid|fear|frightened) for (?:my|our|her|his) li(?:fe|ves)\b"),
        ("urgent", r"\b(?:scared|afraid|frightened) to go (?:home|back)\b"),
        # Children taken, taken abroad, cutting about to happen
        (
            "child_taken",
            r"\b(?:took|taken|taking|snatched|grabbed) (?:the|my|our) (?:kids|children|baby|son|daughter)\b",
        ),
        ("child_taken", r"\b(?:got|has) (?:the|my|our) (?:kids|children|baby) in the car\b"),
        (
            "taken_abroad",
            rf"\b(?:flight|plane|flying|fly) (?:is |leaves |is leaving )?(?:abroad |away |out )?(?:{SOON})\b",
        ),
        (
            "taken_abroad",
            rf"\b(?:taking|take|sending|send|flying|fly) {VICTIM} (?:abroad|away|back|home|to \w+)(?: \w+)? (?:{SOON})\b",
        ),
        (
            "taken_abroad",
            r"\b(?:airport|plane)\b.*\b(?:marry|married|marriage|wedding)\b|\b(?:marry|married|marriage|wedding)\b.*\b(?:airport|plane)\b",
        ),
        ("cutting_soon", r"\bcutter\b|\b(?:about|going) to cut (?:her|my|our|the)\b"),
        (
            "cutting_soon",
            rf"\b(?:cut|cutting) (?:is |will be |is going to be )?(?:{VICTIM} )?(?:{SOON})\b",
        ),
    )
)


def _within_one_edit(word: str, target: str) -> bool:
    """Damerau-Levenshtein distance at most 1 (one insertion, deletion,
    substitution, or swap of neighbouring letters)."""
    if word == target:
        return True
    if abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diffs = [i for i, (a, b) in enumerate(zip(word, target)) if a != b]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and word[diffs[0]] == target[diffs[1]]
            and word[diffs[1]] == target[diffs[0]]
        )
    shorter, longer = sorted((word, target), key=len)
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1 :] == shorter:
            return True
    return False


def _normalise_word(word: str) -> str:
    if word in SPELLINGS:
        return SPELLINGS[word]
    if len(word) >= 6:
        for target in FUZZY_WORDS:
            if _within_one_edit(word, target):
                return target
    return word


def normalise(text: str) -> str:
    """Lower case, plain letters, contractions and text-speak spelled out."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("`", "'")
    text = re.sub(r"\bodd?'d\b", "overdosed", text)  # before "'d" becomes " would"
    text = re.sub(r"([a-z])\1{2,}", r"\1\1", text)  # "outsideeee" -> "outsidee", "999" stays
    for short, long in _CONTRACTIONS:
        text = text.replace(short, long)
    words = re.findall(r"[a-z0-9']+", text)
    plain = " ".join(_normalise_word(w.strip("'")) for w in words if w.strip("'"))
    # "od" is text-speak for an overdose only after an English verb: in Polish it is the everyday
    # "from" or "since" ("od miesiecy", "uciekam od partnera"), so it is never spelled out alone.
    return _OVERDOSE_OD.sub(r"\1 overdose", plain)


_OVERDOSE_OD = re.compile(
    r"\b(took|take|taken|takes|taking|an|going to|want to|about to|tried to|trying to|did|done|do|had) od\b"
)


# Fewer false alarms. A threat or a weapon told as the past, with nothing that places it now,
# is a disclosure ("years ago my ex used to threaten to kill me"); a question about calling
# for help, or about how to tell whether someone is in danger, is a question.
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
PAST = re.compile(
    rf"\b(?:used to|years ago|months ago|weeks ago|last (?:year|month|summer|christmas)|when (?:we|i) (?:were|was)|"
    r"back then|in (?:19|20)\d\d|as a (?:child|kid|teenager|girl)|when i was (?:little|young|a kid|a child|\d+)|"
    r"in the past|once threatened|still think about|flashbacks?|nightmares?|my ex used|survived|ages ago|"
    rf"(?:a )?long time ago|a while ago|that was (?:ages|years|months|a long time)|back in (?:\d+|the day|{_MONTHS})|"
    rf"last (?:{_MONTHS})|in my (?:teens|twenties|thirties|last relationship|first marriage)|growing up|"
    r"when (?:we|i) (?:were|was) (?:together|married|with him|with her)|when we broke up)\b"
)
# "now" that places the person's safety, or the time of telling, rather than the danger:
# "i've got my own place now", "i'm 45 now", "it's not happening right now", "that was ages ago now".
SAFE_NOW = re.compile(
    r"(?<!not )(?<!never )\b(?:safe|own (?:place|flat|house|home)|moved (?:out|away|on)|left (?:him|her)|separated|"
    r"divorced|remarried|doing (?:well|ok|okay|better|fine)|settled|on bail|in (?:prison|jail)|behind bars)"
    r"(?: \w+){0,2} now\b|\b(?:ago|am \d+|is \d+|are \d+|years old) now\b|\bnot (?:happening )?(?:right )?now\b"
)
PRESENT = re.compile(
    rf"\b(?:{SOON}|this (?:morning|evening|afternoon)|outside|here|coming|on (?:his|her|their) way|again|"
    r"still (?:has|got|threatening|says)|keeps)\b"
)
PAST_TOLD = {"threat_to_kill", "weapon", "held", "attack_now", "fire"}
QUESTION = re.compile(
    r"\b(?:what happens|how (?:does|do|can|would|will|could)|does (?:the|it|silent|pressing)|do (?:they|the police)|"
    r"will (?:they|the police)|what if|what are the signs|signs (?:that|of)|how (?:can|do|would) (?:i|you) (?:tell|know)|"
    r"is (?:it|there) (?:true|ok|safe)|silent solution|press(?:ing)? 55)\b"
)


def danger_signs(text: Optional[str]) -> list[str]:
    """Every kind of danger the text shows, in pattern order, after the false-alarm guards."""
    if not text:
        return []
    plain = normalise(text)
    found = [label for label, pattern in DANGER_PATTERNS if pattern.search(plain)]
    if not found:
        return []
    if PAST.search(plain) and not PRESENT.search(SAFE_NOW.sub(" ", plain.replace("used to", ""))):
        found = [label for label in found if label not in PAST_TOLD]
    if QUESTION.search(plain) and set(found) <= {"urgent", "held"} and re.search(
            r"\b(?:call|ring|phone|dial|text|press|pressing)\b", plain):
        found = []  # "what happens if i ring 999 and cannot speak": a question about calling
    elif QUESTION.search(plain) and set(found) <= {"urgent"}:
        found = []
    return list(dict.fromkeys(found))


def danger_sign(text: Optional[str]) -> Optional[str]:
    """The kind of danger the text shows ("weapon", "self_harm", ...), or None."""
    found = danger_signs(text)
    return found[0] if found else None
