"""Who says a figure: attribution phrases and canonical actors.

Recognised forms (``name`` is cleaned to a short noun phrase):

* ``X said / says / told / claimed / declared / confirmed / stated / added ...`` (also
  "X said in a statement", "X earlier commented that", "X has said");
* ``..., said X`` (inverted);
* ``according to X`` and ``as recognized / reported / confirmed by X``.

Direction.  An attribution at the start of the sentence (or after "that", "after"...) or
followed by "that"/"to" introduces what follows (``forward``); one after a comma or closing quote
("..., Moscow confirmed on Monday", "...,” the ministry said") covers what precedes
(``backward``); otherwise it may cover both.  A figure takes the nearest attribution that can
cover it.

Actors.  :func:`actor_key` maps a name to a canonical key so that different spellings of one
source compare equal: Moscow / the Russian Defense Ministry / the Russian Army / Konashenkov /
Russia -> ``russia``; Kyiv / Kiev / Ukrainian officials -> ``ukraine``; the Syrian Observatory
(SOHR) -> ``sohr``; Syrian state TV / SANA / Damascus -> ``syria``; "witnesses told Reuters",
"Reuters reporters" -> ``reuters``; otherwise the lower-cased name without a leading article.
Pronouns and anaphors ("he", "the statement", "the ministry") get ``None`` here; the caller
resolves them against the previous attribution of the paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import _scan

_SAY = (
    r"said|says|say|told|tells|claimed|claims|declared|declares|stated|states|announced|"
    r"announces|confirmed|confirms|added|adds|assured|stressed|insisted|commented|noted|warned|"
    r"reported|estimated|acknowledged|admitted|explained|wrote|tweeted|quoted|cited"
)
_SAY_RE = re.compile(
    rf"\b(?:(?:has|have|had)\s+(?:also\s+)?)?(?P<verb>{_SAY})\b(?P<tail>\s+(?:that|to)\b)?"
)
# Folded (see ._scan): searched case-sensitively in the lower-cased sentence when possible.
_ACCORDING = _scan.Folded(
    r"\b(?:according\s+to|(?:as\s+)?(?:recogni[sz]ed|reported|confirmed|stated|claimed|"
    r"acknowledged|announced|cited)\s+by)\s+(?P<name>[^,;:.“”\"()]+?)"
    r"(?=\s*(?:[,;:.“”\"()]|$|\b(?:that|who|which|and|but|while|as|on|in|citing)\b))"
)
_ACCORDING_RE = _ACCORDING.ignorecase
_INVERTED_RE = re.compile(
    r"[,”\"]\s*(?:said|says|added|told|claimed)\s+(?P<name>(?:the\s+)?[A-Z][^,.;:“”\"]*)"
)
_CLAIM_NOUNS = ("claim", "assertion", "figure", "estimate", "report", "tally")
_CLAIM_NOUN_RE = re.compile(
    r"\b(?P<name>(?:the\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*\s+(?:claims?|assertions?|"
    r"figures?|estimates?|reports?|tally))\s+(?:of|that)\b"
)
_TOLD_RE = re.compile(
    r"\s+(?:the\s+)?(?P<agency>Reuters|AFP|AP|BBC|Associated\s+Press|Agence\s+France[\s-]Presse|"
    r"CNN|Al\s+Jazeera|TASS|RIA|Interfax|SANA)\b"
)
_BOUNDARY_RE = re.compile(
    r"[,;:“”\"()\[\]—]|\b(?:that|after|before|while|when|which|who|because|since|as|and|but|"
    r"if|although|where|whereas|so|then|However|however)\b"
)
_ADVERBS_RE = re.compile(
    r"(?:\s+(?:earlier|also|later|reportedly|previously|further|then|had|has|have|once|"
    r"again|separately|first|initially|themselves|itself))+\s*$",
    re.IGNORECASE,
)
_PASSIVE_RE = re.compile(r"\b(?:was|were|is|are|been|be|being)$", re.IGNORECASE)
_TIME_WORDS_RE = re.compile(
    r"\b(?:(?:on|late|early|last|in|by)\s+)*(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|yesterday|today|tonight|overnight|January|February|March|April|May|June|"
    r"July|August|September|October|November|December)\b(?:\s+(?:morning|evening|night|"
    r"afternoon))?\s+(?=\S)",
    re.IGNORECASE,
)
_PRONOUN_END_RE = re.compile(r"(?<=\s)(?:he|she|they|it|we)$", re.IGNORECASE)
_INNER_NAME_RE = re.compile(r"\b(?:the|a|an)\s+(?=[A-Z])")
_START_RE = re.compile(r"^[\s\"“‘'(]*(?:(?:But|And|However|Meanwhile|Earlier|Later)[\s,]+)?")
_LOWER_OK = frozenset(
    "the a an witnesses witness officials sources source residents activists medics doctors "
    "rescuers police he she they it we reporters authorities state local monitors kyiv kiev "
    "moscow rebels militants observers analysts experts one two media".split()
)
ANAPHORS = frozenset({
    "he", "she", "they", "it", "we", "him", "her", "them", "the statement", "the ministry", "the spokesman",
    "the spokeswoman", "the official", "the agency", "the group", "the report", "the source",
    "the minister", "the army", "the military", "the president", "the same source",
    "the monitor", "the observatory", "the sources", "the governor", "the mayor",
})
_ANONYMOUS = frozenset({
    "witnesses", "a witness", "witness", "residents", "sources", "a source", "reporters",
    "correspondents", "a correspondent", "journalists", "eyewitnesses",
})

ACTOR_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(p, re.IGNORECASE), key)
    for p, key in [
        (r"\bobservatory\b|\bsohr\b", "sohr"),
        (r"\breuters\b", "reuters"),
        (r"\bafp\b|agence france", "afp"),
        (r"\bassociated press\b", "ap"),
        (r"\befe\b", "efe"),
        (r"\brussia|\bmoscow\b|\bkremlin\b|konashenkov|\bputin\b|\blavrov\b|\bshoigu\b|"
         r"\bpeskov\b|\bzakharova\b|\btass\b", "russia"),
        (r"\bukrain|\bkyiv\b|\bkiev\b|zelensk|\bkuleba\b|zaluzh", "ukraine"),
        (r"\bsyria|\bdamascus\b|\bsana\b|\bassad\b", "syria"),
        (r"\bunited states\b|\bu\.s\.|\bus\b|\bwashington\b|\bpentagon\b|white house|"
         r"\bamerica", "usa"),
        (r"\bturk|\bankara\b|\berdogan\b", "turkey"),
        (r"\bunited nations\b|\bu\.n\.|\bun\b|\bunicef\b|\bocha\b|\bunhcr\b", "un"),
        (r"world health organi[sz]ation|^who$", "who"),
        (r"\bcoalition\b", "coalition"),
    ]
]


@dataclass(frozen=True, slots=True)
class Attribution:
    name: str  # as written, cleaned
    actor: str | None  # canonical key; None for pronouns / anaphors
    start: int  # span of the attribution phrase in the sentence
    end: int
    direction: str  # "forward", "backward" or "both"
    anaphor: bool = False


def clean_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" \t\"“”‘’'")
    return name


def actor_key(name: str, told: str | None = None) -> str | None:
    """Canonical key of who says it ("the Russian Defense Ministry" -> "russia")."""
    lowered = clean_name(name).lower()
    if told and lowered in _ANONYMOUS:
        return told.lower().replace(" ", "_")
    for regex, key in ACTOR_RULES:
        if regex.search(lowered):
            return key
    if lowered in ANAPHORS:
        return None
    return re.sub(r"^(?:the|a|an)\s+", "", lowered) or None


def _name_before(sentence: str, verb_start: int) -> tuple[int, str] | None:
    head = sentence[:verb_start]
    adverbs = _ADVERBS_RE.search(head)
    if adverbs:
        head = head[: adverbs.start()]
    head = head.rstrip()
    if _PASSIVE_RE.search(head):
        return None  # "was reported", "is estimated"
    cut = 0
    for m in _BOUNDARY_RE.finditer(head):
        cut = m.end()
    segment = head[cut:]
    time_words = list(_TIME_WORDS_RE.finditer(segment))
    if time_words:  # "... on Sunday a monitor said" (texts that lost their commas)
        cut += time_words[-1].end()
        segment = head[cut:]
    name = segment.strip()
    pronoun = _PRONOUN_END_RE.search(name)
    if pronoun:  # "Speaking at dawn he said"
        cut += len(segment) - len(segment.lstrip()) + pronoun.start()
        segment = head[cut:]
        name = segment.strip()
    if name and (len(name.split()) > 10 or any(c.isdigit() for c in name)):
        # "... at least 112 people the Syrian Observatory ... said" (lost commas)
        inner = list(_INNER_NAME_RE.finditer(segment))
        if not inner:
            return None
        cut += inner[-1].start()
        segment = head[cut:]
        name = segment.strip()
    if not name or len(name.split()) > 10 or any(c.isdigit() for c in name):
        return None
    first = name.split()[0]
    if not (first[0].isupper() or first.lower() in _LOWER_OK):
        return None
    return cut + len(segment) - len(segment.lstrip()), name


def _direction(sentence: str, name_start: int, after: int, forward_hint: bool) -> str:
    before = sentence[:name_start]
    if forward_hint or _START_RE.fullmatch(before):
        return "forward"
    stripped = before.rstrip()
    if re.search(r"\b(?:that|after|before|while|when|as|because|since)$", stripped):
        return "forward"
    if stripped.endswith((",", "”", '"', "’")):
        return "backward"
    if not sentence[after:].strip(" .\"”"):
        return "backward"
    return "both"


def find_attributions(sentence: str) -> list[Attribution]:
    """All attribution phrases of ``sentence``, in text order."""
    found: list[Attribution] = []
    lowered = sentence.lower()
    if "accord" in lowered or " by " in lowered:
        according, subject = _ACCORDING.scanner(sentence, _scan.folded(sentence))
        for m in according.finditer(subject):
            name = clean_name(sentence[m.start("name"):m.end("name")])
            words = name.split()
            if len(words) > 8:
                name = " ".join(words[:8])
            direction = _direction(sentence, m.start(), m.end(), False)
            if direction == "both" and not sentence[m.end():].strip(" .\"”"):
                direction = "backward"
            found.append(_make(name, m.start(), m.end(), direction))
    # (the case-sensitive _CLAIM_NOUN_RE needs one of _CLAIM_NOUNS)
    claim_nouns = any(noun in sentence for noun in _CLAIM_NOUNS)
    for m in _CLAIM_NOUN_RE.finditer(sentence) if claim_nouns else ():
        found.append(_make(clean_name(m.group("name")), m.start(), m.end(), "forward"))
    for m in _INVERTED_RE.finditer(sentence):
        found.append(_make(clean_name(m.group("name")), m.start() + 1, m.end(), "backward"))
    for m in _SAY_RE.finditer(sentence):
        located = _name_before(sentence, m.start())
        if located is None:
            continue
        name_start, name = located
        if any(a.start <= name_start < a.end for a in found):
            continue
        told = None
        if m.group("verb") in ("told", "tells"):
            t = _TOLD_RE.match(sentence, m.end())
            told = re.sub(r"\s+", " ", t.group("agency")) if t else None
        direction = _direction(sentence, name_start, m.end(), bool(m.group("tail")))
        found.append(_make(name, name_start, m.end(), direction, told))
    found.sort(key=lambda a: a.start)
    return found


_LEADING_ADVERB_RE = re.compile(
    r"^(?:earlier|later|also|meanwhile|however|previously|separately|then|now|moreover)\s+",
    re.IGNORECASE)


def _make(name: str, start: int, end: int, direction: str, told: str | None = None) -> Attribution:
    name = _LEADING_ADVERB_RE.sub("", name)  # "Earlier the source said": the source
    anaphor = name.lower() in ANAPHORS
    return Attribution(name, actor_key(name, told), start, end, direction, anaphor)


def pick(attributions: list[Attribution], start: int, end: int) -> Attribution | None:
    """The attribution covering the figure at [start, end), nearest first."""
    best, best_distance = None, None
    for a in attributions:
        if a.end <= start and a.direction in ("forward", "both"):
            distance = start - a.end
        elif a.start >= end and a.direction in ("backward", "both"):
            distance = a.start - end
        else:
            continue
        if best_distance is None or distance < best_distance:
            best, best_distance = a, distance
    return best
