"""Gazetteer lookup: canonical keys for place names and their mentions in a sentence.

The gazetteer is data (``places.txt`` in this package): one place per line,
``key | kind | variant; variant; ...``.  Variants are matched case-insensitively on word
boundaries, longest first; apostrophes and hyphens/spaces inside a variant are optional, and a
trailing possessive ("Aleppo's", or "Aleppos" in texts that lost their apostrophes) is allowed.

Kinds: ``city`` (any locality), ``region``, ``capital``.  An optional fourth column names the
place a locality lies in (its city or province capital), for :func:`within`.  A city name followed by "region",
"province", "oblast", "governorate", "countryside" or "People's Republic" is a region mention
("the Donetsk region" -> key ``donetsk``, region).  Capitals are often used metonymically
("Moscow said", "kyiv had no comment", "weapons to Kiev"), so a capital mention only counts as
an incident place after a locative ("in", "near", "outside", "on the outskirts of"...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import islice

from . import _scan


@dataclass(frozen=True, slots=True)
class PlaceMention:
    key: str
    start: int
    end: int
    region: bool  # a region-level mention (ranked below cities)
    capital: bool


def _load() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    variants: dict[str, str] = {}
    kinds: dict[str, str] = {}
    parents: dict[str, str] = {}
    text = resources.files(__package__).joinpath("places.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, kind, names, *parent = (part.strip() for part in line.split("|"))
        kinds[key] = kind
        if parent and parent[0]:
            parents[key] = parent[0]
        for name in names.split(";"):
            if name.strip():
                variants[_norm(name)] = key
    return variants, kinds, parents


def _norm(name: str) -> str:
    return re.sub(r"[\s\-'’]+", " ", name.strip().lower()).strip()


def _variant_regex(name: str) -> str:
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", name.strip())]
    parts = [p.replace("'", "['’]?").replace("’", "['’]?") for p in parts]
    return r"[\s\-]?".join(parts)


VARIANTS, KINDS, PARENTS = _load()


def _ancestors(place: str) -> tuple[str, ...]:
    chain, seen = [], {place}
    while place in PARENTS and PARENTS[place] not in seen:
        place = PARENTS[place]
        seen.add(place)
        chain.append(place)
    return tuple(chain)


ANCESTORS: dict[str, tuple[str, ...]] = {key: _ancestors(key) for key in PARENTS}
_DESCENDANTS: dict[str, frozenset[str]] = {}
for _child, _chain in ANCESTORS.items():
    for _ancestor in _chain:
        _DESCENDANTS[_ancestor] = _DESCENDANTS.get(_ancestor, frozenset()) | {_child}


def within(a: str | None, b: str | None) -> bool:
    """Same place, or one lies in the other (a district in its city, a town in its
    province, at any depth: Douma in Eastern Ghouta in the Damascus countryside)."""
    return a is not None and b is not None and (
        a == b or b in ANCESTORS.get(a, ()) or a in ANCESTORS.get(b, ()))


def neighbourhood(place: str) -> set[str]:
    """``place`` and every place :func:`within` it: its ancestors and its descendants."""
    return {place, *ANCESTORS.get(place, ()), *_DESCENDANTS.get(place, ())}


def top_place(place: str) -> str:
    """The top place above ``place`` (itself when it has no parent): two places for which
    :func:`within` holds always share it."""
    chain = ANCESTORS.get(place)
    return chain[-1] if chain else place
_PLACE_RE = re.compile(
    r"(?<![\w'’-])(?P<name>"
    + "|".join(_variant_regex(v) for v in sorted(VARIANTS, key=len, reverse=True))
    + r")(?:['’]?s)?(?![\w-])",
    re.IGNORECASE,
)
_REGION_SUFFIX_RE = re.compile(
    r"(?:['’]s)?\s+(?:region|province|oblast|governorate|countryside|people['’]?s\s+republic|"
    r"area|suburbs)\b",
    re.IGNORECASE,
)
_LOCATIVE_RE = re.compile(
    r"\b(?:in|near|outside|around|at|on|over|into|across|of|towards?|targeting|struck|hit|"
    r"shelled|attacked|bombed)\s+(?:the\s+)?(?:(?:capital|city|outskirts|suburbs?|centre|center|"
    r"heart|south|north|east|west|southern|northern|eastern|western|downtown|down\s+town)\s+"
    r"(?:of\s+)?)*$",
    re.IGNORECASE,
)
_NOT_PLACES = frozenset({"hamas"})


@lru_cache(maxsize=4096)
def canonical_place(name: str) -> str | None:
    """Canonical key of a place name ("Makeyevka" -> "makiivka"); None if unknown."""
    if name.strip().lower() in _NOT_PLACES:
        return None
    key = VARIANTS.get(_norm(name))
    if key is None:
        m = _PLACE_RE.fullmatch(name.strip())
        key = VARIANTS.get(_norm(m.group("name"))) if m else None
    return key


def _index() -> dict[str, list[tuple[str, ...]]]:
    """First token -> variants (as token tuples), longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for variant in VARIANTS:
        tokens = tuple(variant.split())
        index.setdefault(tokens[0], []).append(tokens)
    for variants in index.values():
        variants.sort(key=len, reverse=True)
    return index


_FIRST = _index()
_TOKEN_RE = re.compile(r"[^\W\d_]+")
_JOINER_RE = re.compile(r"[\s\-'’]+")
_WORD_CHAR_RE = re.compile(r"[\w'’-]")


# Speed (see ._scan): only the tokens that can start a gazetteer name (or its "Aleppos" form)
# are looked at; the variants are ASCII words, found case-sensitively in the lower-cased text.
def _by_first_letter(words) -> str:
    """Alternation of ``words`` grouped by first letter (much faster to try than a flat one)."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(
        re.escape(first) + "(?:" + "|".join(map(re.escape, sorted(rest, key=len, reverse=True)))
        + ")"
        for first, rest in sorted(groups.items())
    )


_CANDIDATE_RE = re.compile(rf"(?<![^\W\d_])(?:{_by_first_letter(_FIRST)})s?(?![^\W\d_])")
_LONGEST = max(len(v) for variants in _FIRST.values() for v in variants)


def _matches(sentence: str) -> list[tuple[str, int, int, int]]:
    """(key, start, end of the name, end with possessive) of gazetteer names, longest first."""
    lowered = _scan.folded(sentence)
    if lowered is None:  # rare: try every token
        starts = [m.start() for m in _TOKEN_RE.finditer(sentence)]
    else:
        starts = [m.start() for m in _CANDIDATE_RE.finditer(lowered)]
    out = []
    resume = 0  # the tokens of a name found are not looked at again
    for start in starts:
        if start < resume:
            continue
        if start and _WORD_CHAR_RE.match(sentence, start - 1) and sentence[start - 1] not in "-":
            continue
        tokens = [(m.group(0).lower(), m.start(), m.end())
                  for m in islice(_TOKEN_RE.finditer(sentence, start), _LONGEST)]
        word = tokens[0][0]
        found = None
        candidates = _FIRST.get(word, [])
        if not candidates and word.endswith("s") and word not in _NOT_PLACES:
            candidates = [v for v in _FIRST.get(word[:-1], []) if len(v) == 1]  # "Aleppos"
        for variant in candidates:
            n = len(variant)
            window = tokens[:n]
            if len(window) < n:
                continue
            if any(t[0] != v for t, v in zip(window[1:], variant[1:], strict=True)):
                continue
            if any(not _JOINER_RE.fullmatch(sentence, window[k][2], window[k + 1][1])
                   for k in range(n - 1)):
                continue
            found = (VARIANTS[" ".join(variant)], start, window[-1][2], n)
            break
        if found:
            key, name_start, name_end, n = found
            end = name_end
            if sentence.startswith(("'s", "’s"), end):
                end += 2
            if end < len(sentence) and _WORD_CHAR_RE.match(sentence, end) and sentence[end] not in "-'’":
                continue
            out.append((key, name_start, name_end, end))
            resume = name_end
    return out


def find_places(sentence: str, exclude: list[tuple[int, int]] = ()) -> list[PlaceMention]:
    """Place mentions of ``sentence`` usable as incident places, in text order.

    Mentions inside ``exclude`` spans (attribution phrases) and capitals without a locative
    are left out.
    """
    out = []
    for key, start, name_end, end in _matches(sentence):
        if any(s <= start < e for s, e in exclude):
            continue
        kind = KINDS[key]
        capital = kind == "capital"
        if capital and not _LOCATIVE_RE.search(sentence, max(0, start - 60), start):
            continue
        region = kind == "region" or bool(_REGION_SUFFIX_RE.match(sentence, name_end))
        out.append(PlaceMention(key, start, end, region, capital))
    return out
