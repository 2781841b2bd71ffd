"""Number grammar: which strings in a sentence are figures, and what interval they state.

The module knows nothing about *what* is counted; it finds figures and their bounds.

Figures
    digits with or without thousands separators and decimals ("63", "5,812", "5812", "1.5"),
    optionally followed by a scale word ("1.5 million"); number words, compounds and hyphenated
    forms ("two", "sixty-three", "two hundred and forty", "a dozen", "two dozen",
    "three million"); ranges ("between 20 and 30", "20-30", "20 to 30"); vague quantities
    ("dozens"); explicit zero ("no casualties", "no one was killed", "none of the buildings").

Bounds (see :mod:`ingest.claims.model` for the interval table)
    ``>=``  at least, no fewer than, no less than, a minimum of
    ``>``   more than, over, above, in excess of, upwards of, greater than   -> (v, None)
    ``<=``  up to, as many as, at most, no more than, a maximum of           -> (None, v]
    ``<=``  nearly, almost, close to, just under (approx) -> [0.9 v, v]
    ``~``   about, around, approximately, some, roughly, an estimated, estimated, circa
            -> [v (1 - APPROX_TOLERANCE), v (1 + APPROX_TOLERANCE)]
    ``<``   fewer than, less than, under, below                              -> (None, v)
    ``=``   a plain figure, also "rose to / climbed to / reached X" (the new figure X);
            "rose from 20 to 30" yields only 30.
    ``range`` "between 20 and 30", "20-30", "20 to 30" -> [20, 30], value None.

Vague quantities (bound ``range``, approx True, value None), interval [low, high]:

    ========================  ======================
    a handful (of)            [2, 6]
    a few                     [2, 5]     (only kept with a counted noun)
    several                   [3, 9]     (only kept with a counted noun)
    tens of                   [20, 99]
    dozens                    [24, 99]
    scores                    [40, 99]
    hundreds                  [200, 999]
    a few hundred             [200, 500]
    several hundred           [300, 900]
    thousands                 [2000, 9999]
    a few thousand            [2000, 5000]
    several thousand          [3000, 9000]
    tens of thousands         [20000, 99999]
    hundreds of thousands     [200000, 999999]
    millions                  [2000000, 99999999]
    ========================  ======================

Zero: "no casualties / deaths / fatalities / injuries / victims", "no one / nobody was killed
(hurt, injured, wounded)", "none of the <noun>" -> value 0, bound ``=``, [0, 0].  Hedged
absence ("no obvious signs of casualties", "no immediate reports of casualties") is not a zero
claim: "no" must directly govern the casualty noun.

Not figures (masked before figures are searched, see :func:`mask_non_figures`): dates
("January 2", "2 January 2023", "8/1/2023", "2023-01-02", "Wed 05 Apr 2017 at 0914"), years
after "in/since/until/by/during/..." and decades, times ("0:01 am", "5 p.m.", "10:30"),
identifiers ("No. 47", "hostel no. 47", "vocational school 19", "Resolution 2254", "G20",
"COVID-19", "Su-24", "S-400"), ordinals ("1st", "first"), ages ("aged 12", "5-year-old"),
compound adjectives ("10-year", "three-day"), list markers and phone numbers.

Weak mentions (``NumberMention.weak``) are figures only if the caller finds a counted noun:
bare four-digit numbers 1900-2099 (usually years), "one" (usually a determiner), "several",
"a few".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import _scan
from .model import APPROX_TOLERANCE

#: Character used to blank out non-figure spans (same length, so offsets are preserved).
MASK = "\x1f"

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

# (regex, low, high); longest phrases first so "tens of thousands" beats "tens of".
VAGUE: list[tuple[str, float, float]] = [
    (r"hundreds\s+of\s+thousands", 200_000, 999_999),
    (r"tens\s+of\s+thousands", 20_000, 99_999),
    (r"several\s+dozen", 36, 108),
    (r"several\s+hundred", 300, 900),
    (r"several\s+thousand", 3_000, 9_000),
    (r"a\s+few\s+hundred", 200, 500),
    (r"a\s+few\s+thousand", 2_000, 5_000),
    (r"a\s+handful", 2, 6),
    (r"a\s+few", 2, 5),
    (r"several", 3, 9),
    (r"tens(?=\s+of\b)", 20, 99),
    (r"dozens", 24, 99),
    (r"scores(?=\s+(?:of|dead|killed|injured|wounded|were|others|more)\b)", 40, 99),
    (r"hundreds", 200, 999),
    (r"thousands", 2_000, 9_999),
    (r"millions", 2_000_000, 99_999_999),
]
_VAGUE_INTERVALS = {
    re.sub(r"\(\?=.*\)|\\s\+", lambda g: "" if g.group(0).startswith("(?=") else " ", p): (lo, hi)
    for p, lo, hi in VAGUE
}
#: Vague quantities that need a counted noun to be a figure.
WEAK_VAGUE = ("several", "a few")

# Bound phrases -> (bound, approx, nearly) ; "nearly" means [0.9 v, v].
BOUND_PHRASES: dict[str, tuple[str, bool, bool]] = {
    "at least": (">=", False, False),
    "no fewer than": (">=", False, False),
    "no less than": (">=", False, False),
    "a minimum of": (">=", False, False),
    "more than": (">", False, False),
    "over": (">", False, False),
    "above": (">", False, False),
    "in excess of": (">", False, False),
    "upwards of": (">", False, False),
    "greater than": (">", False, False),
    "nearly": ("<=", True, True),
    "almost": ("<=", True, True),
    "close to": ("<=", True, True),
    "just under": ("<=", True, True),
    "about": ("~", True, False),
    "around": ("~", True, False),
    "approximately": ("~", True, False),
    "approx.": ("~", True, False),
    "some": ("~", True, False),
    "roughly": ("~", True, False),
    "an estimated": ("~", True, False),
    "estimated": ("~", True, False),
    "circa": ("~", True, False),
    "up to": ("<=", False, False),
    "as many as": ("<=", False, False),
    "at most": ("<=", False, False),
    "no more than": ("<=", False, False),
    "a maximum of": ("<=", False, False),
    "fewer than": ("<", False, False),
    "less than": ("<", False, False),
    "under": ("<", False, False),
    "below": ("<", False, False),
}

UNIT_WORDS = {
    "%": "%", "percent": "%", "per cent": "%",
    "meters": "m", "metres": "m", "meter": "m", "metre": "m", "m": "m",
    "kilometers": "km", "kilometres": "km", "kilometer": "km", "kilometre": "km", "km": "km",
    "miles": "mi", "mile": "mi",
    "dollars": "USD", "euros": "EUR", "pounds": "GBP",
    "hours": "hours", "hour": "hours", "minutes": "minutes", "minute": "minutes",
    "days": "days", "day": "days", "weeks": "weeks", "week": "weeks",
    "months": "months", "month": "months", "years": "years", "year": "years",
    "tons": "t", "tonnes": "t", "kg": "kg", "kilograms": "kg",
}
CURRENCY = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP"}


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len,
                           reverse=True))


_NUMWORD = _alt([*UNITS, *TENS, "hundred", "dozen", *SCALES])
_WORDNUM = (
    rf"(?:(?:a|an)\s+(?:hundred|thousand|million|billion|dozen)|(?:{_NUMWORD}))"
    rf"(?:(?:(?<=hundred)|(?<=thousand)|(?<=million))\s+and\s+(?:{_NUMWORD})"
    rf"|[\s-]+(?:{_NUMWORD}))*"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s+(?:thousand|million|billion))?"
#: "a quarter of a million", "half a million", "three quarters of a million"
_FRACTION = (r"(?:(?:a|one|three)\s+(?:quarters?|third)\s+of\s+an?|half\s+an?|"
             r"(?:a|one)\s+half\s+of\s+an?)\s+(?:thousand|million|billion)")
_CORE = rf"(?:{_DIGITS}|{_FRACTION}|{_WORDNUM})"
_UNIT = rf"(?:\s*%|\s+(?:{_alt(w for w in UNIT_WORDS if w != '%')})\b)"

_FIGURE = _scan.Folded(
    rf"(?:(?P<bound>{_alt(BOUND_PHRASES)})\s+)?"
    rf"(?:(?P<cur>us\$|[$€£])\s?|(?<![\w.,/:$€£-]))"
    rf"(?P<body>"
    rf"(?P<between>between\s+)(?P<r1>{_CORE})\s+and\s+(?P<r2>{_CORE})"
    rf"|(?P<c>{_DIGITS})\s*[-–]\s*(?P<d>{_DIGITS})"
    rf"|(?P<from>from\s+)?(?P<a>{_CORE})\s+to\s+(?P<b>{_CORE})"
    rf"|(?P<vague>{'|'.join(v[0] for v in VAGUE)})"
    rf"|(?P<n>{_CORE})"
    rf")"
    rf"(?P<unit>{_UNIT})?"
    rf"(?![\w%]|[.,]\d|-[A-Za-z0-9]|/\d|:\d)"
)
_FIGURE_RE = _FIGURE.ignorecase
_RISE_RE = re.compile(r"\b(?:rose|risen|rising|climbed|jumped|increased|grew|soared)\s*$",
                      re.IGNORECASE)

# ---- zero ---------------------------------------------------------------------------------
_ZERO_NOUNS = {
    "casualties": ("casualties", "people"),
    "deaths": ("killed", "people"),
    "fatalities": ("killed", "people"),
    "dead": ("killed", "people"),
    "injuries": ("injured", "people"),
    "injured": ("injured", "people"),
    "wounded": ("injured", "people"),
    "victims": (None, "people"),
    "loss of life": ("killed", "people"),
}
_ZERO_VERBS = {
    "killed": "killed", "died": "killed", "hurt": "injured", "injured": "injured",
    "wounded": "injured", "harmed": "injured",
}
_ZERO_RE = re.compile(
    rf"\b(?:no|zero)\s+(?:(?:reported|known|confirmed|civilian|human|military|other|further|"
    rf"new|serious|major)\s+)?(?P<noun>{_alt(_ZERO_NOUNS)})\b"
    rf"|\b(?:no\s+one|no-one|nobody|none)\s+(?:was|were|has\s+been|had\s+been|is|are|got)\s+"
    rf"(?:(?:seriously|badly|reportedly)\s+)?(?P<verb>{_alt(_ZERO_VERBS)})\b"
    rf"|\b(?:no\s+one|nobody)\s+(?P<died>died)\b"
    rf"|\bnone\s+of\s+the\b(?=\s+\w)",
    re.IGNORECASE,
)

# ---- non-figures --------------------------------------------------------------------------
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_WEEKDAYS = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*"
_ID_NOUNS = (
    "school|hostel|building|block|route|highway|road|resolution|flight|unit|brigade|division|"
    "battalion|regiment|article|paragraph|chapter|page|section|sector|gate|room|apartment|"
    "hospital|checkpoint|platform|phase|item|table|camp|zone|station|corps|lyceum|kindergarten|"
    "hall|floor|ward|plant|factory|warehouse|prison|grade|class|model|version|volume|figure|"
    "protocol|session|round|stage|category|terminal|code|tier|number|dormitory|bus|train|"
    "line|lane|track|district|channel|no|nr|nos"
)
#: Identifier nouns after which a number is a name even before "was" or "were" (after the
#: others it may count: "at the checkpoint 12 were killed", in texts that lost their commas).
_NAMING_NOUNS = "resolution|route|highway|article|flight|chapter|paragraph|terminal|protocol"
#: An age in digits or words ("12", "eight", "sixty-five").
_AGE = (rf"(?:\d+|(?:{'|'.join(TENS)})(?:[\s-](?:{'|'.join(u for u in UNITS if UNITS[u] < 10)}))?"
        rf"|(?:{'|'.join(sorted(UNITS, key=len, reverse=True))}))\b")
_NON_FIGURE_RE = re.compile("|".join(
    f"(?:{p})"
    for p in (
        # dates: "Wed 05 Apr 2017 at 0914", "2 January 2023", "January 2, 2023", "August 2013"
        rf"\b(?:{_WEEKDAYS}\.?,?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b\.?"
        rf"(?:,?\s+\d{{4}})?(?:\s+at\s+\d{{1,2}}:?\d{{2}}\b)?",
        rf"\b(?:{_WEEKDAYS}\.?,?\s+)?{_MONTHS}\b\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
        rf"(?:,?\s+\d{{4}})?(?:\s+at\s+\d{{1,2}}:?\d{{2}}\b)?",
        rf"\b{_MONTHS}\b\.?,?\s+\d{{4}}\b",
        r"\b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}\b",
        rf"\b{_MONTHS}\b\.?\s+\d{{5,6}}\b",  # "Jul 012016" (lost space)
        r"(?i:\b(?:updated|URL|ID|ref|tel|phone|fax|ext|issue)\.?:?(?:\s+\(?\d+\b\)?)+)",
        # page furniture: "Print Tweet Views 729", "Shares 12", "Comments (3)", "(200) 2510",
        # "... 85 Related", "0 0 Tags", "Slideshow (21 Images)"
        r"(?i:\b(?:views|shares|comments|likes|reads)\s*:?\s*\(?\d[\d,]*\)?)",
        r"\(\d{1,4}\)(?:\s+\d+)*(?=\s+[A-Z])",  # "Topic US Strike on Syria (200) 2510 The"
        r"(?:\b\d+\s+)+(?=(?:Related|Tags|Topic)\b)",
        r"(?i:\(\d+\s+(?:images|photos|pictures|videos)\))",
        r"\b\d+\s+\d/\d\b",  # "2 1/2 years"
        # a 24-hour time before a dotted date: "Middle East 1735 15.04.2017"
        r"\b[0-2]\d[0-5]\d(?=\s+\d{1,2}\.\d{1,2}\.\d{4}\b)",
        r"\b\d{4}-\d{2}-\d{2}\b",
        # times
        r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.m\.|[ap]m\b|o['’]clock|GMT\b|UTC\b|hrs\b)",
        r"\b\d{1,2}:\d{2}\b",
        r"\b[0-2]\d[0-5]\d\s*(?:GMT|UTC|hrs|local\s+time)\b",  # "(0000 GMT)"
        r"\b\d{3,4}\s*[ap]\.m\.",  # "at 630 a.m."
        # years and decades in date context
        r"(?i:\b(?:in|since|until|till|by|during|early|late|mid|summer|winter|spring|autumn|"
        r"year|before|after|from)\s+(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?)"
        r"(?:19|20)\d{2}s?\b(?!\s*(?:-|to)\s*\d)(?!,\d)",
        r"\b(?:19|20)\d0s\b",
        # identifiers: "No. 47", "hostel no. 47", "school 19", "Resolution 2254", "#5"
        r"(?i:\b(?:no|nr|nos|number)\.\s*\d+[A-Za-z]?\b)",
        r"#\s?\d+\b",
        # names that never count what follows ("Resolution 2254 was adopted")
        rf"(?i:\b(?:{_NAMING_NOUNS})\s+\d+[A-Za-z]?\b)",
        rf"(?i:\b(?:{_ID_NOUNS})s?\.?\s+\d+[A-Za-z]?\b(?:(?:\s*,\s*|\s+and\s+|\s+)\d{{3,}}\b)*)"
        rf"(?!\s*(?:%|per\s*cent|percent|"
        rf"(?:of\s+)?(?:people|persons|civilians|soldiers|children|were|was|have|had)|meters|metres|"
        rf"m|km|kilometers|kilometres|miles)\b)",
        # letter-number codes: "G20", "COVID-19", "Su-24", "S-400", "MH17", "F-16"
        r"\b[A-Za-z]+-?\d+[A-Za-z]*\b",
        # ages and compound adjectives: "aged 12", "5-year-old", "three-day"
        rf"(?i:\b(?:aged?|ages)\s+(?:(?:between|below|under|over|above|of|from)\s+)?{_AGE}"
        rf"(?:\s*(?:-|to|and)\s*{_AGE})?)",
        rf"(?i:\b(?:under|over|below|above)\s+the\s+ages?\s+of\s+{_AGE})",
        rf"(?i:\b{_AGE}(?:-|\s)years?(?:-|\s)olds?\b)",
        # phone numbers and list markers
        r"\+\d{1,4}(?:[\s-]\d{2,4}){2,}",
        r"\(?\b\d{3}\)?[\s-]\d{3}[\s-]\d{4}\b",
        r"^\s*\(?\d{1,2}[.)]\s",
        r"\(\d{1,2}\)",
        r"(?i:\bpp?\.\s*\d+)",
    )
))


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A figure found in a sentence, before any interpretation of what it counts."""

    start: int
    end: int
    quote: str
    value: float | None
    bound: str
    low: float | None
    high: float | None
    approx: bool
    kind: str  # "number", "range", "vague", "zero"
    unit: str | None = None
    weak: bool = False  # needs a counted noun to be kept (years, "one", "several")
    measure_hint: str | None = None  # for zero claims: "no casualties" -> casualties
    subject_hint: str | None = None  # for zero claims: "no casualties" -> people
    noun_end: int | None = None  # for "none of the": where the noun search starts


FRACTIONS = {"quarter": 0.25, "third": 1 / 3, "half": 0.5, "quarters": 0.75}
_FRACTION_RE = re.compile(
    r"(?:a|one|three)?\s*(?P<part>quarters?|third|half)\s+(?:of\s+)?an?\s+"
    r"(?P<scale>thousand|million|billion)"
)


def parse_number(text: str) -> float | None:
    """Value of a digit or word number ("5,812", "1.5 million", "two hundred and forty")."""
    text = text.strip().lower()
    m = re.fullmatch(_FRACTION_RE, text)
    if m:
        return FRACTIONS[m.group("part")] * SCALES[m.group("scale")]
    m = re.fullmatch(r"([\d,]+(?:\.\d+)?)(?:\s+(thousand|million|billion))?", text)
    if m:
        value = float(m.group(1).replace(",", ""))
        return value * SCALES[m.group(2)] if m.group(2) else value
    total, current, seen = 0, 0, False
    for token in re.split(r"[\s-]+", text):
        if token in ("a", "an"):
            current = max(current, 1)
        elif token == "and":
            continue
        elif token in UNITS:
            current += UNITS[token]
            seen = True
        elif token in TENS:
            current += TENS[token]
            seen = True
        elif token == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif token == "dozen":
            current = max(current, 1) * 12
            seen = True
        elif token in SCALES:
            total += max(current, 1) * SCALES[token]
            current, seen = 0, True
        else:
            return None
    return float(total + current) if seen else None


_WORD_AGE_RE = re.compile(
    rf"(?i:\b(?:aged?|ages)\s+(?:(?:between|below|under|over|above|of|from)\s+)?{_AGE}"
    rf"(?:\s*(?:-|to|and)\s*{_AGE})?"
    rf"|\b(?:under|over|below|above)\s+the\s+ages?\s+of\s+{_AGE}"
    rf"|\b{_AGE}(?:-|\s)years?(?:-|\s)olds?\b)")


def mask_non_figures(sentence: str) -> str:
    """Return ``sentence`` with dates, times, identifiers... replaced by :data:`MASK`."""
    if "age" in sentence or "old" in sentence:  # ages in words: "under the age of eight"
        sentence = _WORD_AGE_RE.sub(lambda m: MASK * (m.end() - m.start()), sentence)
    if not _DIGIT_RE.search(sentence):
        return sentence
    chars = None
    for m in _scan.finditer_near(_NON_FIGURE_RE, sentence, _DIGIT_RE, sentence, _MASK_BACK_RE,
                                   _MASK_STARTS_RE):
        if chars is None:
            chars = list(sentence)
        chars[m.start():m.end()] = MASK * (m.end() - m.start())
    return "".join(chars) if chars is not None else sentence


def interval(value: float, bound: str, nearly: bool = False) -> tuple[float | None, float | None]:
    """The [low, high] interval of a bounded figure (None = unbounded)."""
    if bound == "~":
        return round(value * (1 - APPROX_TOLERANCE), 6), round(value * (1 + APPROX_TOLERANCE), 6)
    if bound in (">", ">="):
        return value, None
    if bound in ("<", "<="):
        return (round(value * 0.9, 6) if nearly else None), value
    return value, value


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d{2}", text.strip()))


def find_numbers(sentence: str, masked: str | None = None) -> list[NumberMention]:
    """All figures in ``sentence`` in text order (``masked`` = :func:`mask_non_figures`)."""
    if masked is None:
        masked = mask_non_figures(sentence)
    found: list[NumberMention] = []
    zero_spans: list[tuple[int, int]] = []
    lowered = masked.lower()
    if "no" in lowered or "zero" in lowered:
        for m in _ZERO_RE.finditer(masked):
            found.append(_zero(m))
            zero_spans.append((m.start(), m.end()))
    if _scan.folded(masked) is None:  # rare: the case-insensitive scan of the masked text
        figure, anchor, subject = _FIGURE.ignorecase, _FIGURE_ANCHOR.ignorecase, masked
        has_figure = bool(_DIGIT_RE.search(masked) or _has_word_number(lowered))
    else:  # the same, case-sensitively in the lower-cased text (faster)
        figure, anchor, subject = _FIGURE.exact, _FIGURE_ANCHOR.exact, lowered
        has_figure = anchor.search(lowered) is not None
    if has_figure:
        for m in _scan.finditer_near(figure, subject, anchor, subject, _FIGURE_BACK_RE):
            if any(s < m.end() and m.start() < e for s, e in zero_spans):
                continue
            mention = _figure(m, masked)  # (groups are only used lower-cased)
            if mention is not None:
                found.append(mention)
    found.sort(key=lambda x: x.start)
    return found


_DIGIT_RE = re.compile(r"\d")
_WORD_HINT = re.compile(
    rf"\b(?:{_NUMWORD}|dozens|scores|hundreds|thousands|millions|several|few|handful|tens)\b",
    re.IGNORECASE,
)


def _has_word_number(lowered: str) -> bool:
    return _WORD_HINT.search(lowered) is not None


# Speed (see ._scan): every figure contains a digit or a whole number / vague word ("few" of
# "a few", "hundred" of "a hundred"...), and before the first of them the figure has at most
# 6 runs of spaces (a bound phrase of up to 3 words, currency, "between"/"from", "a"/"an").
# Every non-figure contains a digit, with at most 3 runs of spaces or hyphens before the first
# ("in the mid-1990s").
_FIGURE_ANCHOR = _scan.Folded(
    rf"\d|\b(?:{_NUMWORD}|dozens|scores|hundreds|thousands|millions|several|few|handful|tens)\b"
)
_FIGURE_BACK_RE = _scan.back_re(6)
_MASK_BACK_RE = _scan.back_re(3)
# Non-figures start at a word ("\b" + letter or digit), "#", "+", "(" or the start of the text.
_MASK_STARTS_RE = re.compile(r"^|\b(?=\w)|(?=[#+(])")


def _zero(m: re.Match) -> NumberMention:
    if m.group("noun"):
        noun = re.sub(r"\s+", " ", m.group("noun").lower())
        measure, subject = _ZERO_NOUNS[noun]
    elif m.group("verb"):
        measure, subject = _ZERO_VERBS[m.group("verb").lower()], "people"
    elif m.group("died"):
        measure, subject = "killed", "people"
    else:  # "none of the <noun>": the caller finds the noun
        return NumberMention(m.start(), m.end(), m.group(0), 0.0, "=", 0.0, 0.0, False, "zero",
                             noun_end=m.end())
    return NumberMention(m.start(), m.end(), m.group(0), 0.0, "=", 0.0, 0.0, False, "zero",
                         measure_hint=measure, subject_hint=subject)


def _unit(m: re.Match) -> str | None:
    if m.group("cur"):
        return CURRENCY.get(m.group("cur").strip().lower(), "USD")
    if m.group("unit"):
        word = re.sub(r"\s+", " ", m.group("unit").strip().lower())
        return UNIT_WORDS.get(word, word)
    return None


def _figure(m: re.Match, text: str) -> NumberMention | None:
    bound_word = re.sub(r"\s+", " ", m.group("bound").lower()) if m.group("bound") else None
    bound, approx, nearly = BOUND_PHRASES.get(bound_word, ("=", False, False))
    start, end = m.start(), m.end()
    unit = _unit(m)
    if m.group("vague"):
        phrase = re.sub(r"\s+", " ", m.group("vague").lower())
        low, high = _VAGUE_INTERVALS[phrase]
        if bound_word:  # "some dozens": the vague word wins
            start = m.start("body")
        return NumberMention(start, end, text[start:end], None, "range", low, high, True,
                             "vague", unit, weak=phrase in WEAK_VAGUE)
    if m.group("r1") or m.group("a") or m.group("c"):
        a_text = m.group("r1") or m.group("a") or m.group("c")
        b_text = m.group("r2") or m.group("b") or m.group("d")
        a, b = parse_number(a_text), parse_number(b_text)
        if a is None or b is None:
            return None
        if _is_year(a_text) and _is_year(b_text):
            return None  # "2011-2015"
        if m.group("from") and _RISE_RE.search(text, max(0, m.start() - 20), m.start("body")):
            start = m.start("b")  # "rose from 20 to 30": the new figure
            return NumberMention(start, end, text[start:end], b, "=", b, b, False, "number",
                                 unit)
        if b <= a:  # "2-1", "30 to 20": not a range
            return None
        return NumberMention(start, end, text[start:end], None, "range", a, b, approx,
                             "range", unit)
    n_text = m.group("n")
    value = parse_number(n_text)
    if value is None:
        return None
    low, high = interval(value, bound, nearly)
    weak = (_is_year(n_text) and not bound_word and not unit) or n_text.lower() == "one"
    return NumberMention(start, end, text[start:end], value, bound, low, high, approx,
                         "number", unit, weak=weak)
