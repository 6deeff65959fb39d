"""The keyword nets for crisis, injury and distress in every language, and for danger now in the
other offered languages (bot/components/crisis_signs.py): what they must catch, what they must
leave alone. The held-out suite (tests/safety/) measures the whole detector; these pin the nets."""

from __future__ import annotations

import pytest
from components.crisis_signs import romanised_language, signs

MUST_CATCH = [
    # crisis: suicidal feelings and self-harm
    ("i dont want to be alive anymore after what he did", "crisis"),
    ("whats the point in living", "crisis"),
    ("ive been cutting myself again since he left", "crisis"),
    ("everyone would be better off without me", "crisis"),
    ("i want it all to stop for good", "crisis"),
    ("my daughter has started self harming", "crisis"),
    ("Chcę się zabić", "crisis"),
    ("nie chce juz zyc", "crisis"),
    ("میں خودکشی کرنا چاہتی ہوں", "crisis"),
    ("main marna chahti hoon", "crisis"),
    ("ਮੈਂ ਮਰਨਾ ਚਾਹੁੰਦੀ ਹਾਂ", "crisis"),
    ("હું આત્મહત્યા કરવા માંગુ છું", "crisis"),
    ("waxaan rabaa inaan is dilo", "crisis"),
    ("أريد أن أموت", "crisis"),
    ("بدي موت", "crisis"),
    # injury
    ("he strangled me until i passed out on sunday, i feel dizzy", "injury"),
    ("im pregnant and he kicked me in the stomach this morning", "injury"),
    ("there's blood since he raped me", "injury"),
    ("he broke my arm yesterday", "injury"),
    ("on mnie dusił wczoraj", "injury"),
    ("خنقني امس", "injury"),
    ("usne mera gala dabaya", "injury"),
    # distress
    ("i can't do this anymore", "distress"),
    ("i dont want to carry on like this", "distress"),
    ("this is all too much", "distress"),
    ("nie dam rady", "distress"),
    ("mujh se nahi hota ab", "distress"),
    # danger now in the other languages
    ("ratunku on ma nóż", "danger"),
    ("woh mujhe maar raha hai", "danger"),
    ("oh menu maar reha hai", "danger"),
    ("وہ مجھے مار رہا ہے", "danger"),
    ("ਉਹ ਮੈਨੂੰ ਮਾਰ ਰਿਹਾ ਹੈ", "danger"),
    ("તે મને મારી રહ્યો છે", "danger"),
    ("wuu i garaacayaa hadda", "danger"),
    ("إنه يخنقني الآن", "danger"),
    ("معه سكين", "danger"),
    ("myślę żeby skoczyć pod pociąg", "crisis"),
    # an injury told as happening just now is danger now as well
    ("he choked me a few minutes ago and he's still here", "danger"),
    ("dusil mnie przed chwila", "danger"),
    ("usne abhi abhi mera gala dabaya", "danger"),
]

MUST_LEAVE_ALONE = [
    "hello", "thanks", "stop", "end the chat", "yes", "no", "Leicester", "LE1 6ZG",
    "my husband controls all the money",
    "he broke my phone",
    "i'm pregnant and he won't let me see my family",
    "he used to say he would kill me years ago",
    "how do i get a non molestation order",
    "what happens if i press 55",
    "my phone is about to die",
    "i need help finding a refuge",
    "mój mąż kontroluje wszystkie pieniądze",
    "potrzebuję pomocy, mąż mnie kontroluje",
    "mera shohar mujhe ghar se bahar nahi jane deta",
    "میرے والدین زبردستی میری شادی کرانا چاہتے ہیں",
    "زوجي يتحكم في أموالي",
    # Polish "od" is "from" or "since", never an overdose; FGM is not self-harm
    "uciekam od partnera, gdzie mogę mieszkać",
    "pisze do mnie od miesięcy z fałszywych kont",
    "czy okaleczenie narządów płciowych jest w UK nielegalne",
    # dying of something harmless
    "bhook se mar rahi hoon, kuch order karein?",
    "garmi se mar jaungi is bus mein",
    "umieram z nudów na tym spotkaniu",
    "بموت من الضحك على هالمقطع",
    "ہنس ہنس کے مر جاؤں گی",
]


@pytest.mark.parametrize("text", [
    "wczoraj mnie dusił ale teraz czuję się dobrze",  # "now" that tells of being fine
    "he strangled me last week, i'm fine now",
])
def test_an_injury_told_with_being_fine_now_is_not_danger_now(text):
    assert "injury" in signs(text) and "danger" not in signs(text), signs(text)


@pytest.mark.parametrize(("text", "signal"), MUST_CATCH)
def test_the_nets_catch(text, signal):
    assert signal in signs(text), signs(text)


@pytest.mark.parametrize("text", MUST_LEAVE_ALONE)
def test_the_nets_leave_ordinary_messages_alone(text):
    assert signs(text) == {}


@pytest.mark.parametrize(("text", "language"), [
    ("woh mujhe maar raha hai", "ur"), ("mera shohar mujhe bahut marta hai", "ur"),
    ("oh menu maar reha hai", "pa"), ("mainu bachao oh ghar vich hai", "pa"),
    ("he is hitting me", None), ("Leicester", None), ("hai", None),
])
def test_romanised_urdu_and_punjabi_are_told_apart(text, language):
    assert romanised_language(text) == language


@pytest.mark.parametrize("text", ["", None, "   ", "!!!", 42])
def test_nothing_in_nothing_out(text):
    assert signs(text) == {}
