"""Keyword safety nets for crisis, injury and distress, and for danger now in the other offered
languages: plain patterns beside the model (components.safety_signals) that no retraining can
lose. English danger now has its own, older net (components.danger_signs).

- crisis: suicidal feelings or self-harm ("i don't want to be alive anymore", "i've been cutting
  myself again", "chcę się zabić", "خودکشی", "main marna chahti hoon").
- injury: an injury that needs medical help: strangled or choked (harm can follow hours or days
  later), passed out, hurt while pregnant, bleeding after a sexual assault, broken bones.
- distress: distress that may or may not be suicidal ("i can't do this anymore"): a gentle
  check-in with the crisis lines, never the end of the conversation.
- danger: danger now in Polish, Urdu, Punjabi, Gujarati, Somali and Arabic (typed in their own
  scripts or, for Urdu and Punjabi, in Latin letters as on phones).

The phrases in other languages are drafts by the Signpost developers, not yet reviewed by native
speakers (docs/languages.md), like the training examples. A false alarm costs one extra message;
a miss can cost far more, so they lean towards firing. Each list is matched on text folded the
same way as the phrases: Latin text as components.danger_signs.normalise makes it (no accents,
text-speak spelled out), Arabic-script text without vowel marks and with one form of each
letter that Urdu and Arabic write differently.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Dict, Iterable, List, Optional, Set, Tuple

from components.danger_signs import normalise

SIGNALS = ("danger", "crisis", "injury", "distress")

# ---- English ----
_EN: Dict[str, Tuple[str, ...]] = {
    "crisis": (
        r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|burn|burning|starve|starving|punish|punishing) "
        r"(?:myself|herself|himself|themselves)\b",
        r"\bself ?harm|\bsuicid",
        r"\b(?:end|ending|take|taking) (?:my|her|his|their) (?:own )?li(?:fe|ves)\b|\bend it all\b",
        r"\bend (?:it|everything)\b.{0,20}\b(?:for good|forever|tonight)\b",
        r"\b(?:want|wanted|wanting|going|ready) to die\b|\bwish (?:i|she|he) (?:was|were) (?:dead|never born)\b",
        r"\bbetter off (?:dead|without me|without her|if i was not here|if i were not here)\b",
        r"\b(?:do not|never|not) want to (?:be alive|live|be here|wake up|exist|be around)\b",
        r"\bno (?:point|reason) (?:in |to |of )?(?:living|live|go on|going on|being alive|carrying on|being here)\b",
        r"\bwhat(?: is|s) the point (?:in |of )?(?:living|life|being alive|going on|carrying on|being here)\b",
        r"\b(?:not|never) (?:to )?wake up\b",
        r"\b(?:want|need|wish) (?:it|everything|this|the pain|all of this) (?:all )?to (?:stop|end) (?:for good|forever)\b",
        r"\b(?:tired|sick) of (?:living|being alive|life)\b|\bcannot go on living\b",
        r"\bhang (?:myself|herself|himself)\b|\bjump (?:off|in front of)\b",
        r"\b(?:overdose|overdosed|overdosing)\b",
        r"\ball (?:of )?(?:my |the |her )?(?:pills|tablets|meds|medication)\b",
    ),
    "injury": (
        r"\bstrangl|\bchok(?:ed|ing) (?:me|her)\b|\bchoked\b|\bsuffocat",
        r"\b(?:squeez|grabb|press|held|hold)\w* (?:me |her )?(?:by )?(?:my|her|the) (?:neck|throat)\b",
        r"\b(?:neck|throat) (?:hurts|is sore|is bruised|is swollen)\b",
        r"\b(?:passed|blacked|knocked (?:me |her )?) ?out\b|\bunconscious\b|\bfainted\b|\bconcuss",
        r"\b(?:bleeding|blood)\b",
        r"\b(?:broke|broken|fractured|dislocated|cracked) (?:my|her|his) (?:arm|leg|nose|ribs?|jaw|wrist|hand|"
        r"fingers?|tooth|teeth|collarbone|cheekbone|skull|ankle|elbow|shoulder)\b",
        r"\b(?:arm|leg|nose|ribs?|jaw|wrist|hand|fingers?|tooth|teeth|collarbone) (?:is |are )?(?:broken|fractured)\b",
        r"\b(?:head injury|hit my head|banged my head|black eye|stitches|burned me|burnt me|scalded|bite marks)\b",
    ),
    "distress": (
        r"\bcannot (?:do|take|cope with|handle|deal with|bear|stand|face) (?:this|it|him|any more|anymore|life)\b",
        r"\bcannot cope\b|\bnot coping\b|\bcannot (?:go on|carry on|keep going|keep doing this)\b",
        r"\b(?:do not|not) want to (?:carry on|go on|keep going)\b",
        r"\b(?:it is|this is|everything is|life is|its) (?:all )?(?:getting )?too much\b|\ball too much\b",
        r"\bfalling apart\b|\bbreaking down\b|\bbreaking point\b|\bgiving up\b|\bgive up on\b|\bhopeless\b",
        r"\bcannot (?:any ?more|anymore)\b|\bi am done\b|\bi have had enough\b|\bno way out\b",
    ),
}
_PREGNANT = re.compile(r"\bpregnan")
_HURT = re.compile(
    r"\b(?:hit|hits|kick|kicked|kicks|punch|punched|push|pushed|hurt|stamp|stamped|shoved|threw|beat|beaten|"
    r"stomach|belly|bump|knee|kneed|slapped|bleeding)\b"
)

# ---- the other offered languages ----
# Latin-script phrases, folded like normalise(): lower case, no accents. Matched at a word start.
_LATIN: Dict[str, Dict[str, Tuple[str, ...]]] = {
    "crisis": {
        "pl": ("zabic sie", "zabije sie", "sie zabic", "sie zabije", "sie zabilam", "sie zabilem", "zabijesz sie", "odebrac sobie zycie", "samoboj", "nie chce zyc",
               "nie chce juz zyc", "skonczyc ze soba", "skoncze ze soba", "tne sie", "ciac sie", "ciecie sie",
               "okaleczam", "okaleczac sie", "okaleczyc sie", "sie okalecz", "samookalecz", "chce umrzec", "chcialabym umrzec", "chcialbym umrzec",
               "nie chce sie obudzic", "lepiej beze mnie", "nie ma sensu zyc", "po co zyc", "mysle o smierci",
               "odkladam leki", "odkladam tabletki", "zbieram tabletki", "skoczyc pod pociag", "skocze pod pociag",
               "rzucic sie pod", "rzuce sie pod", "skoczyc z mostu", "skocze z mostu"),
        "so": ("is dil", "isdil", "naftayda iska", "inaan dhinto", "inaan is dilo", "dhimasho rabaa",
               "waan dhiman rabaa", "nolosha ka daalay", "ka daalay nolosha", "is gooy", "isku dhaawac",
               "ma rabo inaan noolaado", "ma doonayo inaan noolaado"),
        "ur-latn": ("khudkushi", "khud kushi", "khudkashi", "khudkhushi", "marna chahti", "marna chahta",
                    "mar jana chahti", "mar jana chahta", "marna chahti hun", "jeena nahi chahti",
                    "jina nahi chahti", "jeena nahi chahta", "zinda nahi rehna", "zinda nahi rehna chahti",
                    "apni jaan le", "apni jan le", "khud ko maar", "khud ko mar", "khud ko nuksan",
                    "khud ko nuqsan", "khud ko kaat", "apne aap ko maar", "apne aap ko kaat", "mar jaun",
                    "mar jaon", "mar jaoon", "jeene ka koi faida", "jeene ka kya faida"),
        "pa-latn": ("marna chaundi", "marna chaunda", "mar jana chaundi", "jeena nahi chaundi",
                    "jina nahi chaundi", "jina nai chaundi", "jeena nai chaundi", "apne aap nu maar",
                    "apne aap nu mar", "khud nu maar", "khud nu mar", "apni jaan de", "jaan de devan",
                    "mar jawan", "mar javan", "atamhatya", "aatamhatya"),
    },
    "injury": {
        "pl": ("dusil", "dusila", "udusic", "podduszal", "zemdlal", "stracilam przytomnosc",
               "stracilem przytomnosc", "krwawi", "krwawienie", "krew", "zlamal mi", "zlamana", "zlamany",
               "uderzyl mnie w brzuch", "kopnal mnie w brzuch"),
        "so": ("i ceejiyay", "ceejiyay", "ceejin", "dhiig", "miyir beel", "miyirkii", "lafta jabay",
               "lafta jabiyay", "gacanta jabiyay"),
        "ur-latn": ("gala daba", "gala dabaya", "gala ghont", "gala ghoont", "gala ghota", "behosh", "be hosh",
                    "khoon", "khun beh", "haddi toot", "haddi tod", "pet mein laat", "pet pe laat"),
        "pa-latn": ("gala ghut", "gala ghutt", "gala dab", "behosh", "be hosh", "khoon", "khun", "haddi tut",
                    "dhidh te laat", "pet te laat"),
    },
    "distress": {
        "pl": ("nie dam rady", "nie daje rady", "juz nie moge", "nie moge juz", "mam dosc", "nie wytrzymam",
               "nie radze sobie", "to mnie przerasta"),
        "so": ("waa igu badan tahay", "ma sii wadi karo", "ma sii adkeysan karo"),
        "ur-latn": ("bardasht nahi", "bardaasht nahi", "aur nahi hota", "bas bohat ho gaya", "bohat ho gaya", "mujh se nahi hota", "hamat nahi"),
        "pa-latn": ("hor nahi hunda", "hor nai hunda", "bardasht nahi", "bas ho gaya",
                    "menu nahi hunda", "mere ton nahi hunda"),
    },
    "danger": {
        "pl": ("ratunku", "zabije mnie", "zabic mnie", "chce mnie zabic", "ma noz", "z nozem", "nozem",
               "pod drzwiami", "przed domem", "wlamuje sie", "wywaza drzwi", "dobija sie", "zamknal mnie",
               "zamknela mnie", "nie wypuszcza mnie", "dusi mnie", "bije mnie teraz", "teraz mnie bije",
               "wlasnie mnie bije", "wlasnie mnie uderzyl", "zaraz mnie zabije", "idzie po mnie", "idzie za mna",
               "pod oknem", "mnie dorwie"),
        "so": ("i dili doono", "i dilayaa", "wuu i dilayaa", "mindi",
               "mindi haysta", "qori", "albaabka jabinayaa", "albaabka garaacayaa", "igu xiray", "i xiray",
               "hadda i garaacayaa", "hadda wuu i", "wuu i garaacayaa", "wuxuu i garaacayaa", "hadda i dilayaa",
               "halkan joogaa", "debedda joogaa"),
        "ur-latn": ("bachao", "bachaao", "bacha lo", "maar raha", "mar raha", "maar rahi", "mar rahi",
                    "peet raha", "maar dalega", "mar dalega", "maar dega", "maar de ga", "jaan se maar",
                    "chaku", "chakoo", "churi", "chhuri", "pistol", "bandook", "darwaza tor", "darwaza toor",
                    "kamre mein band", "bahar khara", "bahar khada", "abhi maar", "abhi mar"),
        "pa-latn": ("bachao", "bachaao", "maar reha", "mar reha", "maar riha", "mar riha", "kutt reha", "kut reha",
                    "kutt riha", "maar devega", "mar devega", "maar dega", "jaan ton maar", "chaku", "chhuri",
                    "churi", "darwaza tod", "darwaja tod", "kamre ch band", "bahar khada",
                    "hune maar", "hun maar", "hunne maar"),
    },
}
# Arabic, Urdu, Gurmukhi and Gujarati script phrases, folded by _fold_script (as the text is).
_SCRIPT: Dict[str, Dict[str, Tuple[str, ...]]] = {
    "crisis": {
        "ur": ("خودکشی", "خود کشی", "مرنا چاہتی", "مرنا چاہتا", "مر جانا چاہتی", "مر جانا چاہتا", "جینا نہیں چاہتی",
               "جینا نہیں چاہتا", "زندہ نہیں رہنا", "اپنی جان لے", "خود کو مار", "خود کو نقصان", "اپنے آپ کو مار",
               "اپنے آپ کو نقصان", "خود کو کاٹ", "اپنے آپ کو کاٹ", "جینے کا کوئی فائدہ", "مر جاؤں"),
        "pa": ("ਖੁਦਕੁਸ਼ੀ", "ਖ਼ੁਦਕੁਸ਼ੀ", "ਆਤਮਹੱਤਿਆ", "ਆਤਮ ਹੱਤਿਆ", "ਮਰਨਾ ਚਾਹੁੰਦੀ", "ਮਰਨਾ ਚਾਹੁੰਦਾ", "ਮਰ ਜਾਣਾ ਚਾਹੁੰਦੀ",
               "ਜੀਣਾ ਨਹੀਂ", "ਜਿਉਣਾ ਨਹੀਂ", "ਜੀਉਣਾ ਨਹੀਂ", "ਆਪਣੇ ਆਪ ਨੂੰ ਮਾਰ", "ਆਪਣੇ ਆਪ ਨੂੰ ਨੁਕਸਾਨ", "ਆਪਣੇ ਆਪ ਨੂੰ ਕੱਟ",
               "ਆਪਣੀ ਜਾਨ ਲੈ", "ਜਾਨ ਦੇ ਦੇਵਾਂ", "ਮਰ ਜਾਵਾਂ"),
        "gu": ("આત્મહત્યા", "આપઘાત", "મરવા માંગુ", "મરવા માગુ", "મરી જવા માંગુ", "મરી જવું છે", "જીવવા નથી",
               "જીવવું નથી", "પોતાને મારી", "પોતાની જાતને મારી", "પોતાને નુકસાન", "પોતાની જાતને નુકસાન", "જાતને કાપ",
               "જીવ આપી દઉં", "મરી જાઉં"),
        "ar": ("انتحار", "انتحر", "اقتل نفسي", "قتل نفسي", "اريد ان اموت", "بدي موت", "عايزه اموت", "عايز اموت",
               "ما بدي عيش", "لا اريد ان اعيش", "ما عدت اريد العيش", "اذي نفسي", "اوذي نفسي", "اذيت نفسي",
               "اجرح نفسي", "جرحت نفسي", "انهاء حياتي", "انهي حياتي", "اموت وارتاح"),
    },
    "injury": {
        "ur": ("گلا دبا", "گلا گھونٹ", "گلہ دبا", "بے ہوش", "بیہوش", "خون بہ", "خون نکل", "خون آ", "ہڈی ٹوٹ",
               "پیٹ میں لات", "پیٹ پر لات"),
        "pa": ("ਗਲਾ ਘੁੱਟ", "ਗਲਾ ਦਬਾ", "ਬੇਹੋਸ਼", "ਖੂਨ", "ਖ਼ੂਨ", "ਹੱਡੀ ਟੁੱਟ", "ਢਿੱਡ ਤੇ ਲੱਤ", "ਢਿੱਡ 'ਚ ਲੱਤ"),
        "gu": ("ગળું દબા", "ગળુ દબા", "ગળું દાબ", "બેભાન", "લોહી", "હાડકું તૂટ", "પેટમાં લાત", "પેટ પર લાત"),
        "ar": ("خنق", "خنقني", "اغمي علي", "اغمى علي", "فقدت الوعي", "نزيف", "انزف", "ينزف", "تنزف",
               "كسر يدي", "كسر ذراعي", "كسر انفي", "ضربني على بطني", "رفسني في بطني"),
    },
    "distress": {
        "ur": ("برداشت نہیں", "اور نہیں ہوتا", "بس بہت ہو گیا", "مجھ سے نہیں ہوتا", "ہمت نہیں"),
        "pa": ("ਹੋਰ ਨਹੀਂ ਹੁੰਦਾ", "ਬਰਦਾਸ਼ਤ ਨਹੀਂ", "ਬਸ ਹੋ ਗਿਆ", "ਮੇਰੇ ਤੋਂ ਨਹੀਂ ਹੁੰਦਾ", "ਹਿੰਮਤ ਨਹੀਂ"),
        "gu": ("સહન નથી થતું", "હવે નથી થતું", "મારાથી નથી થતું", "હિંમત નથી"),
        "ar": ("ما عدت احتمل", "لا استطيع التحمل", "ما بقدر اتحمل", "كثير علي", "انهرت", "ما عاد فيني"),
    },
    "danger": {
        "ur": ("بچاؤ", "بچاو", "مجھے بچا", "مار رہا", "مار رہی", "پیٹ رہا", "مار ڈالے گا", "مار دے گا", "جان سے مار",
               "چاقو", "چھری", "پستول", "بندوق", "دروازہ توڑ", "کمرے میں بند", "باہر کھڑا", "ابھی مار"),
        "pa": ("ਬਚਾਓ", "ਬਚਾ ਲਓ", "ਮਾਰ ਰਿਹਾ", "ਮਾਰ ਰਹੀ", "ਕੁੱਟ ਰਿਹਾ", "ਮਾਰ ਦੇਵੇਗਾ", "ਮਾਰ ਦੇਊਗਾ", "ਜਾਨੋਂ ਮਾਰ", "ਜਾਨ ਤੋਂ ਮਾਰ",
               "ਚਾਕੂ", "ਛੁਰੀ", "ਪਿਸਤੌਲ", "ਬੰਦੂਕ", "ਦਰਵਾਜ਼ਾ ਤੋੜ", "ਦਰਵਾਜਾ ਤੋੜ", "ਕਮਰੇ ਵਿੱਚ ਬੰਦ", "ਬਾਹਰ ਖੜ੍ਹਾ", "ਹੁਣ ਮਾਰ",
               "ਹੁਣੇ ਮਾਰ"),
        "gu": ("બચાવો", "મને બચાવ", "મારી રહ્યો", "મારી રહી", "મારે છે અત્યારે", "મારી નાખશે", "જાનથી મારી", "છરી",
               "ચાકુ", "ચપ્પુ", "બંદૂક", "પિસ્તોલ", "દરવાજો તોડ", "રૂમમાં બંધ", "બહાર ઊભો", "હમણાં માર", "અત્યારે માર"),
        "ar": ("النجده", "ساعدوني", "انقذوني", "الحقوني", "يضربني الان", "يضربني هلق", "عم يضربني",
               "يخنقني", "يقتلني", "سيقتلني", "راح يقتلني", "بدو يقتلني", "هيقتلني", "سكين", "سكينه", "مسدس",
               "سلاح", "يكسر الباب", "عند الباب", "قفل علي", "حبسني", "محبوسه"),
    },
}
# Urdu and Punjabi typed in Latin letters: common function words of each, to answer in the
# language the person writes (romanised text gives Lingua nothing to go on).
_ROMANISED_MARKERS = {
    "ur": {"mujhe", "mujhay", "mera", "meri", "mere", "hai", "hain", "raha", "rahi", "nahi", "nahin", "kya",
           "woh", "wo", "hum", "kar", "karo", "ko", "se", "mein", "abhi", "chahti", "chahta", "shohar", "shauhar",
           "ghar", "bahut", "bohat", "hoon", "hun"},
    "pa": {"menu", "mainu", "mera", "meri", "mere", "hai", "reha", "rahi", "nahi", "nai", "ki", "oh", "asi",
           "kar", "nu", "ton", "vich", "ch", "hune", "hun", "chaundi", "chaunda", "gharwala", "haan", "tusi",
           "sanu", "kithe", "jaanda", "tenu", "ohde", "kehnda", "ajj", "aa", "si"},
}
_PUNJABI_ONLY = {"menu", "mainu", "reha", "nu", "ton", "vich", "ch", "hune", "chaundi", "chaunda", "gharwala",
                 "haan", "tusi", "sanu", "kithe", "nai", "asi", "tenu", "ohde", "kehnda", "ajj", "aa", "si"}
_URDU_ONLY = {"mujhe", "mujhay", "raha", "ko", "se", "mein", "abhi", "chahti", "chahta", "shohar", "shauhar",
              "hoon", "woh", "hum", "bohat", "bahut"}

_VOWEL_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0a3c\u0a4d\u0a70\u0a71\u0abc\u0acd]")
_LETTER_FORMS = str.maketrans({
    "\u064a": "\u06cc", "\u0649": "\u06cc", "\u06d2": "\u06cc",  # yeh: Arabic, alef maksura, Urdu barree
    "\u0643": "\u06a9",  # kaf
    "\u0629": "\u0647", "\u06c1": "\u0647", "\u06be": "\u0647", "\u06c3": "\u0647",  # teh marbuta, heh forms
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # alef forms
    "\u0624": "\u0648", "\u0626": "\u06cc",  # hamza carriers
    "\u200c": " ", "\u200d": "", "\u200f": "", "\u200e": "", "\u0640": "",  # joiners, marks, tatweel
})


def _fold_script(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_LETTER_FORMS)
    return re.sub(r"\s+", " ", _VOWEL_MARKS.sub("", text)).strip()


def _compile_latin(phrases: Iterable[str]) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True)) + ")")


def _compile_script(phrases: Iterable[str]) -> re.Pattern:
    folded = {_fold_script(p) for p in phrases}
    return re.compile("|".join(re.escape(p) for p in sorted(folded, key=len, reverse=True)))


_ENGLISH = {signal: tuple(re.compile(p) for p in patterns) for signal, patterns in _EN.items()}
_LATIN_PATTERNS = {signal: {lang: _compile_latin(phrases) for lang, phrases in by_lang.items()}
                   for signal, by_lang in _LATIN.items()}
_SCRIPT_PATTERNS = {signal: {lang: _compile_script(phrases) for lang, phrases in by_lang.items()}
                    for signal, by_lang in _SCRIPT.items()}


def _english_signals(plain: str) -> Set[str]:
    found = {signal for signal, patterns in _ENGLISH.items() if any(p.search(plain) for p in patterns)}
    if _PREGNANT.search(plain) and _HURT.search(plain):
        found.add("injury")
    return found


# Danger told as the past in the other languages ("years ago he used to threaten to kill me"),
# with nothing that places it now, is a disclosure, as in components.danger_signs.
_PAST_OTHER = re.compile(
    r"\b(?:saal pehle|saal pehla|saal pehlan|pehle|pehla|deta tha|deti thi|karta tha|dinda si|karda si|"
    r"lata temu|kiedys|dawno|sano ka hor|sannado ka hor|waqti hore)\b"
)
_PAST_OTHER_SCRIPT = ("سال پہلے", "پہلے", "دیتا تھا", "کرتا تھا", "ਸਾਲ ਪਹਿਲਾਂ", "ਪਹਿਲਾਂ", "વર્ષો પહેલાં", "પહેલાં",
                      "من زمان", "قبل سنين", "قبل سنوات", "زمان")
_NOW_OTHER = re.compile(r"\b(?:abhi|ab bhi|hune|hun|teraz|wlasnie|zaraz|hadda|haatan)\b")
_NOW_OTHER_SCRIPT = ("ابھی", "اب بھی", "ਹੁਣ", "હમણાં", "અત્યારે", "الآن", "الان", "هلق", "دلوقتي", "حاليا")


# Dying of something harmless ("bore ho ke mar jaungi", "hass hass ke mar gaye", "umieram z nudow",
# "متت من الضحك"): the words of dying, not a wish to die or a threat. The model and the intent
# still read such a message; only the nets stand back.
_HYPERBOLE_LATIN = re.compile(
    r"\b(?:bhook se|bhukh se|bhuk se|bore ho|boriyat se|garmi se|thand se|has has|hans hans|hass hass|haye main|"
    r"haaye main|hae main|bhukh naal|garmi naal|umieram z (?:nudow|glodu|smiechu|zimna|goraca|ciekawosci)|"
    r"z nudow|ze smiechu|qosol|gaajo|harraad|"
    r"dying (?:to|for)|die of (?:boredom|laughter|laughing|embarrassment|shame)|died laughing|dying laughing|"
    r"i would kill for|killed it|killing it|dead on my feet|(?:phone|battery) is (?:about to die|dying|dead))\b"
)
_HYPERBOLE_SCRIPT = ("بھوک سے", "بوریت سے", "گرمی سے", "ہنس ہنس", "ਭੁੱਖ ਨਾਲ", "ਹੱਸ ਹੱਸ", "ਹਾਏ ਮੈਂ ਮਰ", "ਗਰਮੀ ਨਾਲ",
                     "કંટાળાથી", "ભૂખથી", "હસી હસી", "ગરમીથી", "من الضحك", "من الجوع", "من الملل", "من الحر",
                     "بموت فيها", "بموت فيه", "بموت عليها", "بموت عليه")


def _hyperbole(plain: str, folded: str) -> bool:
    return bool(_HYPERBOLE_LATIN.search(plain)) or any(h in folded for h in _HYPERBOLE_FOLDED)


def hyperbole(text: Optional[str]) -> bool:
    """Whether the text dies of something harmless ("dying to know", "hass hass ke mar gaye")."""
    if not text or not isinstance(text, str):
        return False
    return _hyperbole(normalise(text.replace("\u0142", "l").replace("\u0141", "L")), _fold_script(text))


def _told_as_past(plain: str, folded: str) -> bool:
    past = _PAST_OTHER.search(plain) or any(p in folded for p in _PAST_OTHER_FOLDED)
    now = _NOW_OTHER.search(plain) or any(n in folded for n in _NOW_OTHER_FOLDED)
    return bool(past) and not now


_PAST_OTHER_FOLDED = tuple(_fold_script(p) for p in _PAST_OTHER_SCRIPT)  # folded once, not per message
_NOW_OTHER_FOLDED = tuple(_fold_script(n) for n in _NOW_OTHER_SCRIPT)
_HYPERBOLE_FOLDED = tuple(_fold_script(h) for h in _HYPERBOLE_SCRIPT)


# An injury happening now, or just now ("he strangled me a minute ago, he's in the next room"), is
# danger now as well as a reason for medical help.
_JUST_NOW = re.compile(
    r"\b(?:right now|just now|(?:a|few|\d+) (?:minutes?|mins?) ago|still here|still in the (?:house|flat)|"
    r"in the next room|przed chwila|abhi abhi|hune|hunne|(?:\d+|kuch|do|das) (?:min|minute|minat)\w* (?:pehle|pehlan))\b"
)
# Only words for "just now": the plain "now" of the other languages also tells of being fine now.
_JUST_NOW_SCRIPT = ("ابھی ابھی", "ਹੁਣੇ", "હમણાં જ", "અત્યારે", "للتو", "قبل شوي", "قبل شوية")
_JUST_NOW_FOLDED = tuple(_fold_script(n) for n in _JUST_NOW_SCRIPT)


def _happening_now(plain: str, folded: str) -> bool:
    return bool(_JUST_NOW.search(plain)) or any(n in folded for n in _JUST_NOW_FOLDED)


def signs(text: Optional[str]) -> Dict[str, List[str]]:
    """{signal: [languages whose phrases matched]} for every signal the text shows."""
    if not text or not isinstance(text, str):
        return {}
    plain = normalise(text.replace("\u0142", "l").replace("\u0141", "L"))  # Polish ł has no decomposition
    folded = _fold_script(text)
    found: Dict[str, List[str]] = {}
    for signal in _english_signals(plain):
        found.setdefault(signal, []).append("en")
    for signal, by_lang in _LATIN_PATTERNS.items():
        for lang, pattern in by_lang.items():
            if pattern.search(plain):
                found.setdefault(signal, []).append(lang)
    for signal, by_lang in _SCRIPT_PATTERNS.items():
        for lang, pattern in by_lang.items():
            if pattern.search(folded):
                found.setdefault(signal, []).append(lang)
    if "danger" in found and set(found["danger"]) != {"en"} and _told_as_past(plain, folded):
        del found["danger"]
    if "injury" in found and "danger" not in found and _happening_now(plain, folded):
        found["danger"] = list(found["injury"])
    if _hyperbole(plain, folded):
        for signal in ("danger", "crisis"):
            if signal in found and set(found[signal]) != {"en"}:
                del found[signal]
    return found


def romanised_language(text: Optional[str]) -> Optional[str]:
    """"ur" or "pa" when Latin-letter text reads as romanised Urdu or Punjabi, else None."""
    if not text or not isinstance(text, str):
        return None
    words = set(re.findall(r"[a-z]+", text.lower()))
    urdu, punjabi = len(words & _ROMANISED_MARKERS["ur"]), len(words & _ROMANISED_MARKERS["pa"])
    if max(urdu, punjabi) < 2:
        return None
    # Words only one language uses count twice; on a tie, Urdu (the more common in the pilots).
    urdu += len(words & _URDU_ONLY)
    punjabi += len(words & _PUNJABI_ONLY)
    return "pa" if punjabi > urdu else "ur"
