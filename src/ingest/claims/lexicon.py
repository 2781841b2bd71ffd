"""Measures (what happened to the counted things) and subjects (what is counted).

Subjects
    The counted noun phrase directly after a figure, optionally after "of (the)" and up to three
    modifiers ("63 Russian servicemen", "hundreds of casualties", "two thermal power plants").
    Canonical keys are plural nouns with underscores (``soldiers``, ``power_plants``); subsets
    stay distinct (``children`` is not ``people``).  ``people`` covers people, persons,
    casualties, victims, bodies, martyrs.

Measures
    A trigger word (verb or noun) in the same clause as the figure; the nearest trigger wins,
    ties go to the trigger after the figure.  Clauses end at punctuation, quotes and
    conjunctions ("but", "and", "while", "including"...) and never extend past a neighbouring
    figure.  Canonical keys: killed, injured, casualties, missiles_intercepted, missiles_hit,
    missiles_fired, shot_down, housed, arrested, displaced, evacuated, missing, kidnapped,
    besieged, seized (territory and things taken), strikes (air strikes carried out), damaged,
    destroyed.  A trigger is only accepted if it fits the subject (:func:`resolve`):
    "destroyed" of people is ``killed``, of missiles ``missiles_intercepted``, of buildings
    ``destroyed``; "hit" counts as ``missiles_hit`` only for missiles; person measures (killed,
    housed...) are refused for objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import _scan

SUBJECTS: dict[str, tuple[str, ...]] = {
    "soldiers": (
        "soldiers", "soldier", "servicemen", "serviceman", "service members", "servicemembers",
        "troops", "troopers", "military personnel", "army personnel", "personnel", "conscripts",
        "reservists", "paratroopers", "marines", "officers", "army officers", "recruits",
        "loyalists",
    ),
    "fighters": ("fighters", "fighter", "combatants", "gunmen", "gunman"),
    "rebels": ("rebels", "rebel", "insurgents", "opposition fighters"),
    "militants": (
        "militants", "militant", "terrorists", "terrorist", "jihadists", "jihadis", "extremists",
        "mercenaries",
    ),
    "civilians": ("civilians", "civilian", "residents", "inhabitants", "villagers", "citizens"),
    "children": (
        "children", "child", "kids", "minors", "boys", "girls", "babies", "infants", "toddlers",
    ),
    "women": ("women", "woman"),
    "men": ("men", "man"),
    "people": (
        "people", "persons", "person", "individuals", "casualties", "victims", "victim",
        "bodies", "martyrs", "martyr", "dead", "lives", "syrians", "ukrainians", "russians",
        "iraqis", "kurds", "palestinians", "afghans", "lebanese", "yemenis",
    ),
    "police": ("policemen", "police officers", "policeman", "police"),
    "journalists": ("journalists", "journalist", "reporters"),
    "medics": ("medics", "doctors", "nurses", "paramedics", "rescuers", "health workers"),
    "students": ("students", "pupils"),
    "workers": ("workers",),
    "refugees": ("refugees", "evacuees", "displaced people"),
    "prisoners": ("prisoners", "detainees", "hostages", "captives"),
    "families": ("families",),
    "members": ("members", "member"),
    "colleagues": ("colleagues",),
    "staff": ("staff", "staffers", "employees", "volunteers", "crew", "crew members"),
    "officials": ("officials", "guards", "bodyguards"),
    "passengers": ("passengers", "travellers", "travelers", "pilgrims", "tourists"),
    "protesters": ("protesters", "protestors", "demonstrators", "worshippers", "mourners"),
    "relatives": ("relatives", "family members"),
    "missiles": (
        "missiles", "missile", "projectiles", "projectile", "rockets", "rocket",
        "cruise missiles", "shells", "mortar shells", "mortars", "shell",
    ),
    "drones": ("drones", "drone", "uavs"),
    "aircraft": ("aircraft", "planes", "warplanes", "jets", "helicopters", "airplanes"),
    "buildings": (
        "buildings", "building", "houses", "homes", "dormitories", "hostels", "apartments",
        "schools", "hospitals", "mosques", "churches", "shops", "structures", "facilities",
        "hostel", "dormitory", "house", "home",
    ),
    "power_plants": (
        "power plants", "thermal power plants", "power stations", "power plant",
    ),
    "vehicles": ("vehicles", "tanks", "trucks", "cars", "buses", "armored vehicles"),
    "villages": ("villages", "towns", "towns and villages"),
    "cases": ("cases",),
    "airstrikes": (
        "airstrikes", "air strikes", "air raids", "airraids", "raids", "strikes", "sorties",
        "barrel bombs",
    ),
    "attacks": (
        "attacks", "explosions", "blasts", "bombings", "car bombs", "suicide car bombs", "bombs",
        "shelling attacks",
    ),
}
PERSONS = frozenset({
    "soldiers", "fighters", "rebels", "militants", "civilians", "children", "women", "men",
    "people", "police", "journalists", "medics", "students", "workers", "refugees", "prisoners",
    "families", "cases", "members", "colleagues", "staff", "officials", "passengers",
    "protesters", "relatives",
})
PROJECTILES = frozenset({"missiles", "drones"})
#: Plain nouns the lexicon does not map that still do not count people: groups of them,
#: and places ("two pro-opposition groups claimed ... an attack that killed dozens").
_NOT_PEOPLE = frozenset({
    "groups", "factions", "organisations", "organizations", "agencies", "countries", "nations",
    "states", "parties", "sides", "brigades", "battalions", "units", "divisions", "areas",
    "sites", "positions", "targets", "districts", "neighbourhoods", "neighborhoods",
    "provinces", "cities", "points", "locations", "fronts", "times", "years", "days",
})

_NOUN_TO_SUBJECT = {noun: key for key, nouns in SUBJECTS.items() for noun in nouns}

# Trigger phrase -> raw measure (resolved against the subject by :func:`resolve`).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "killed": (
        "killed", "killing", "kill", "kills", "died", "dies", "die", "dead", "death", "deaths",
        "death toll", "toll", "lost their lives", "lost his life", "martyred", "martyrs",
        "massacred", "executed", "slain", "perished", "fatalities", "bodies", "lives",
        "among the dead", "gassed", "gassing", "execute", "executes", "executing", "lost",
        "dying", "eliminated", "eliminating", "liquidated",
    ),
    "injured": (
        "injured", "injuring", "injure", "injures", "injuries", "injury", "wounded", "wounding",
        "wounds",
        "hurt", "suffering", "suffered", "treated", "hospitalised", "hospitalized",
    ),
    "casualties": (
        "casualties", "dead and wounded", "dead and injured", "killed and wounded",
        "killed and injured", "killed or wounded", "killed or injured", "dead or wounded",
        "dead or injured", "wounded or killed", "injured or killed", "killed and hurt",
        "deaths and injuries",
    ),
    "intercepted": (
        "intercepted", "intercepting", "shot down", "downed", "repelled", "neutralized",
        "neutralised",
    ),
    "destroyed": ("destroyed", "destroying", "razed", "flattened", "demolished", "collapsed"),
    "damaged": ("damaged", "damaging", "damage"),
    "hit": (
        "hit", "struck", "made it through", "landed", "reached their targets", "strike by",
        "strike of", "impact of", "fell on", "fell in",
    ),
    "fired": ("fired", "launched", "launching", "firing", "targeted by", "barrage of"),
    "housed": ("housed", "stationed", "accommodated", "billeted", "lived", "living"),
    "arrested": ("arrested", "detained", "captured", "apprehended", "rounded up",
                 "taken prisoner"),
    "seized": ("seized", "took control of", "taken control of", "took over", "overran"),
    "besieged": ("besieged", "under siege", "trapped", "encircled", "blockaded"),
    "strikes": ("carried out", "conducted", "waged"),
    "displaced": ("displaced", "fled", "forced to flee", "flee", "fleeing", "homeless"),
    "evacuated": ("evacuated", "evacuation", "evacuees"),
    "missing": ("missing", "unaccounted for"),
    "kidnapped": ("kidnapped", "abducted", "taken hostage"),
}
_PERSON_MEASURES = frozenset({
    "killed", "injured", "casualties", "housed", "arrested", "displaced", "evacuated",
    "missing", "kidnapped", "besieged",
})
#: Measures that only people suffer: a figure with one of them and no counted noun counts
#: people ("killing 16", "the death toll rose to 86").
PERSON_MEASURES = _PERSON_MEASURES
#: Places and things that are taken rather than arrested.
_TAKEN = frozenset({"villages", "buildings", "vehicles", "aircraft", "missiles"})
#: Words that, right after a figure, mean "people who ..." ("40 injured", "11 dead").
PERSON_MEASURE_WORDS = frozenset({
    "injured", "wounded", "dead", "killed", "hurt", "casualties", "deaths", "martyrs",
})

_TRIGGER_TO_RAW = {phrase: raw for raw, phrases in TRIGGERS.items() for phrase in phrases}


def _alt(words) -> str:
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


_STOP = _alt([
    "the", "a", "an", "of", "in", "on", "at", "by", "for", "from", "to", "or", "but",
    "with", "were", "was", "is", "are", "been", "be", "have", "has", "had", "who", "that",
    "which", "said", "says", "made", "it", "into", "as", "after", "before", "than", "more",
    "another", "across", "near", "during", "while", "when", "their", "its", "his", "her",
    *_TRIGGER_TO_RAW,
])
_STOP_WORDS = frozenset({
    "the", "a", "an", "of", "in", "on", "at", "by", "for", "from", "to", "or", "but", "with",
    "were", "was", "is", "are", "been", "be", "have", "has", "had", "who", "that", "which",
    "said", "says", "it", "into", "as", "after", "before", "than", "more", "another",
    "across", "near", "during", "while", "when", "their", "its", "his", "her", "and",
})
_SUBJECT_RE = re.compile(
    r"[\"”’]?\s+(?:of\s+(?:the\s+|them\s+|whom\s+|those\s+|these\s+|which\s+)?)?"
    rf"(?P<text>(?:(?!(?:{_STOP})\b)[A-Za-z][\w'’.-]*\s+){{0,3}}?"
    rf"(?P<noun>{_alt(_NOUN_TO_SUBJECT)}))\b",
    re.IGNORECASE,
)
_FIGHTER_SIDE_RE = re.compile(
    r"\b(?:(rebel|opposition|fsa)|(is|isis|isil|daesh|jihadist|nusra|qaeda|al-qaeda))\b",
    re.IGNORECASE,
)
# "rebel fighters": a noun after the counted noun is the head; not "dead", "lives" or
# "bodies", which say what became of them ("29 Syria Rebels Dead")
_HEAD_RE = re.compile(
    rf"\s+(?P<noun>{_alt(n for n in _NOUN_TO_SUBJECT if n not in ('dead', 'lives', 'bodies'))})\b",
    re.IGNORECASE)
_NEXT_WORD_RE = re.compile(r"\s+(?:other\s+)?([A-Za-z]+)")
# Folded (see ._scan): searched case-sensitively in the lower-cased sentence when possible.
_TRIGGER = _scan.Folded(rf"\b(?:{_alt(_TRIGGER_TO_RAW)})\b")
_TRIGGER_RE = _TRIGGER.ignorecase
_CLAUSE = _scan.Folded(
    r"[;:,()\[\]—–\"“”]|\s-\s|\b(?:but|while|whereas|and|after|before|when|which|who|whom|"
    r"although|though|because|including|whereby)\b"
)
_CLAUSE_RE = _CLAUSE.ignorecase


@dataclass(frozen=True, slots=True)
class Trigger:
    start: int
    end: int
    raw: str  # key of TRIGGERS
    word: str = ""  # the trigger as written, lower-cased


def sentence_word(t: Trigger) -> str:
    return t.word


#: Active verb forms: after a figure, the verb of the next clause, not the figure's own.
_ACTIVE_VERBS = frozenset({"kill", "kills", "injure", "injures", "wounds"})


def find_subject(sentence: str, pos: int) -> tuple[str, str, int] | None:
    """(canonical subject, subject text, end offset) of the noun phrase counted at ``pos``."""
    m = _SUBJECT_RE.match(sentence, pos)
    if not m:
        return None
    noun, end = m.group("noun"), m.end()
    head = _HEAD_RE.match(sentence, end)
    if head:  # "rebel fighters": the last noun is the head
        noun, end = head.group("noun"), head.end()
    key = _NOUN_TO_SUBJECT[re.sub(r"\s+", " ", noun.lower())]
    text = sentence[m.start("text"):end]
    if key == "fighters":  # "rebel fighters" are rebels, "IS fighters" militants
        modifier = _FIGHTER_SIDE_RE.search(text)
        if modifier:
            key = "rebels" if modifier.group(1) else "militants"
    return key, text, end


# "two pro-opposition groups", "18 of the 31 lorries": a plural noun the lexicon lacks, after
# at most two modifiers, is what is counted
_PLAIN_NOUN_RE = re.compile(
    r"\s+(?:of\s+(?:the\s+)?)?(?P<text>(?:[a-z][\w-]*\s+){0,2}?(?P<noun>[a-z]{3,}[^s\W]?s))\b")
_NOT_NOUNS = frozenset("""
was has is does says this thus its his hers ours yours theirs across towards afterwards
besides perhaps whereas sometimes always nevertheless others more less unless kills dies
injures wounds claims rises falls reaches hits gets goes makes takes remains includes
""".split())


def plain_noun(sentence: str, pos: int) -> tuple[str, str, int] | None:
    """(subject, subject text, end) of a plural noun the lexicon lacks, counted at ``pos``."""
    m = _PLAIN_NOUN_RE.match(sentence, pos)
    if not m:
        return None
    words = m.group("text").split()
    if any(w in _NOT_NOUNS or w in _TRIGGER_TO_RAW or w in _STOP_WORDS for w in words):
        return None
    return m.group("noun").lower(), m.group("text"), m.end()


def next_word(sentence: str, pos: int) -> str | None:
    """The word following ``pos`` (skipping "other"), lower-cased."""
    m = _NEXT_WORD_RE.match(sentence, pos)
    return m.group(1).lower() if m else None


def find_triggers(sentence: str) -> list[Trigger]:
    pattern, subject = _TRIGGER.scanner(sentence, _scan.folded(sentence))
    out = []
    for m in pattern.finditer(subject):
        if m.start() and sentence[m.start() - 1] == "-":
            continue  # "government-besieged areas", "war-wounded": a modifier, not a measure
        word = re.sub(r"\s+", " ", m.group(0).casefold())
        out.append(Trigger(m.start(), m.end(), _TRIGGER_TO_RAW[word], word))
    return out


def clause_breaks(sentence: str, triggers: list[Trigger] = ()) -> list[int]:
    """Offsets where clauses break (start offsets of delimiters), except inside a trigger
    ("dead and wounded")."""
    pattern, subject = _CLAUSE.scanner(sentence, _scan.folded(sentence))
    inside = [(t.start, t.end) for t in triggers if t.raw == "casualties" and t.end - t.start > 10]
    return [m.start() for m in pattern.finditer(subject)
            if not any(s < m.start() < e for s, e in inside)
            and not _quoting_words(sentence, m.start())]


def _quoting_words(sentence: str, at: int) -> bool:
    """A quotation mark opening a quote inside a clause ('killed "tens of people"'), or
    either mark around a few quoted words ('as "hundreds" more were wounded')."""
    mark = sentence[at]
    if mark not in '"“”':
        return False
    opening = (at == 0 or sentence[at - 1].isspace()) and at + 1 < len(sentence) and (
        not sentence[at + 1].isspace())
    if opening:
        return True
    before = sentence.rfind('"', max(0, at - 30), at), sentence.rfind("“", max(0, at - 30), at)
    return max(before) >= 0


def _counts_people(subject: str) -> bool:
    """People, or a plain noun the lexicon does not know and that names no group or place
    ("teachers", "patients"): the things a toll might count are all known."""
    return subject in PERSONS or (subject not in SUBJECTS and subject not in _NOT_PEOPLE)


def resolve(raw: str, subject: str | None) -> str | None:
    """The canonical measure of trigger ``raw`` said of ``subject`` (None = does not fit).
    A counted noun the lexicon does not know may suffer what people suffer ("six teachers
    killed", "five patients injured": ``_counts_people``)."""
    person = subject is None or _counts_people(subject)
    projectile = subject in PROJECTILES
    if raw == "arrested" and subject in _TAKEN:
        return "seized"
    if raw in _PERSON_MEASURES:
        return raw if person else None
    if raw == "seized":
        return None if person else "seized"
    if raw == "strikes" or (raw == "fired" and subject == "airstrikes"):
        return "strikes" if subject == "airstrikes" else None
    if raw == "destroyed":
        if subject is not None and subject in PERSONS:
            return "killed"
        return "missiles_intercepted" if projectile else "destroyed"
    if raw == "damaged":
        return None if (subject in PERSONS or projectile) else "damaged"
    if raw == "intercepted":
        if subject is None or projectile:
            return "missiles_intercepted"
        return "shot_down" if subject == "aircraft" else None
    if raw == "hit":
        return "missiles_hit" if projectile else None
    if raw == "fired":
        return "missiles_fired" if subject is None or projectile else None
    return None


_FILLER_RE = re.compile(r"\b(?:others?|more|people|persons|were|was|have|has|had|been|are|"
                        r"is|being|reportedly)\b", re.IGNORECASE)


def _gap(sentence: str | None, start: int, end: int) -> int:
    """How far apart: in characters; with the sentence, in words other than fillers ("58
    others injured", "hundreds more were wounded")."""
    if sentence is None:
        return end - start
    return 4 * len(_FILLER_RE.sub(" ", sentence[start:end]).split())


def find_measure(
    triggers: list[Trigger], breaks: list[int], start: int, end: int,
    lower: int, upper: int, subject: str | None, noun_end: int | None = None,
    sentence_text: str | None = None,
) -> str | None:
    """Nearest trigger fitting ``subject`` in the clause of the figure at [start, end).

    ``lower``/``upper`` bound the search (the neighbouring figures); ``noun_end`` is the end
    of the counted noun phrase (clause breaks inside it, "regime and rebel fighters", are
    skipped).
    """
    left = max([b for b in breaks if b < start] + [lower])
    right = min([b for b in breaks if b >= max(end, noun_end or end)] + [upper])
    candidates = []
    for t in triggers:
        if t.start >= end and t.end <= right:
            # "Kills Five Injures Seven": an active verb after a figure starts the next clause
            rank = 2 if sentence_word(t) in _ACTIVE_VERBS else 0
            candidates.append((_gap(sentence_text, max(end, noun_end or end), t.start), rank, t))
        elif t.end <= start and t.start >= left:
            candidates.append((_gap(sentence_text, t.end, start), 1, t))
        elif t.start >= start and t.end <= end:  # the trigger is the counted noun itself
            candidates.append((0, 0, t))
    for _, _, t in sorted(candidates, key=lambda c: (c[1] == 2, c[0], c[1])):
        measure = resolve(t.raw, subject)
        if measure is not None:
            return measure
    return None


def compatible(measure: str, subject: str | None) -> bool:
    """Can ``measure`` (canonical) be said of ``subject``?  Used for inherited measures."""
    if subject is None:
        return True
    if measure in _PERSON_MEASURES:
        return _counts_people(subject)
    if measure.startswith("missiles_"):
        return subject in PROJECTILES
    if measure in ("damaged", "destroyed"):
        return subject not in PERSONS and subject not in PROJECTILES
    return True
