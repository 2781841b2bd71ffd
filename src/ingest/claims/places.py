"""Gazetteer lookup: canonical keys for place names and their mentions in a sentence.

The gazetteer is data: ``places.txt`` in this package, curated, and ``places_geonames.txt``,
generated from GeoNames by ``scripts/geonames_places.py``, which only adds the places the
curated file lacks (:func:`_merge`; their names count only capitalised). One place per line,
``key | kind | variant; variant; ...``.  Variants are matched case-insensitively on word
boundaries, longest first; apostrophes and hyphens/spaces inside a variant are optional, and a
trailing possessive ("Aleppo's", or "Aleppos" in texts that lost their apostrophes) is allowed.

Kinds: ``city`` (any locality), ``region``, ``capital``, ``country``.  An optional fourth
column names the place a locality lies in (its city or province capital), for :func:`within`.
An ``@country key`` line puts the places after it in that country, up to the next such line
(``@country -`` ends the block), for :func:`country_of`: only incidents of a rare kind are
compared across a whole country (``conflicts.same_country``).  A city name followed by "region",
"province", "oblast", "governorate", "countryside" or "People's Republic" is a region mention
("the Donetsk region" -> key ``donetsk``, region).  Capitals are often used metonymically
("Moscow said", "kyiv had no comment", "weapons to Kiev"), so a capital mention only counts as
an incident place after a locative ("in", "near", "outside", "on the outskirts of"...).
"""

from __future__ import annotations

import re
import unicodedata
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
    known: bool = True  # in the gazetteer; else keyed by :func:`skeleton`
    parent: str | None = None  # for an unknown place: the known place it is said to lie in
    country: bool = False  # "Syria": the place of a national total, not of an incident


@dataclass(slots=True)
class Gazetteer:
    variants: dict[str, str]  # normalised variant -> key
    kinds: dict[str, str]  # key -> kind
    parents: dict[str, str]  # key -> the key of the place it lies in
    countries: dict[str, str]  # key -> the key of its country
    cased: set[str]  # variants that only count when capitalised in the text
    names: dict[str, str]  # key -> its first variant, as written


def _parse(text: str) -> Gazetteer:
    """The gazetteer in ``text`` (the format of places.txt)."""
    gazetteer = Gazetteer({}, {}, {}, {}, set(), {})
    country = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@country"):
            country = line.split(None, 1)[1].strip()
            country = None if country == "-" else country
            continue
        key, kind, names, *parent = (part.strip() for part in line.split("|"))
        gazetteer.kinds[key] = kind
        if country:
            gazetteer.countries[key] = country
        if parent and parent[0]:
            gazetteer.parents[key] = parent[0]
        for name in names.split(";"):
            if name.strip():
                gazetteer.variants[_norm(name)] = key
                gazetteer.names.setdefault(key, name.strip())
    return gazetteer


def _checked(gazetteer: Gazetteer) -> Gazetteer:
    unknown = set(gazetteer.countries.values()) - {
        k for k, kind in gazetteer.kinds.items() if kind == "country"}
    if unknown:
        raise ValueError(f"gazetteer: @country names no country entry: {sorted(unknown)}")
    return gazetteer


def _merge(curated: Gazetteer, generated: Gazetteer) -> Gazetteer:
    """``curated`` with the places of ``generated`` it lacks: those none of whose names it
    has (one it has is the same place, or one too easily confused with it). Their names only
    count capitalised ("Tafas", not "tafas"), and their parents must be curated places."""
    names: dict[str, list[str]] = {}
    for variant, key in generated.variants.items():
        names.setdefault(key, []).append(variant)
    for key, variants in names.items():
        if key in curated.kinds or any(v in curated.variants for v in variants):
            continue
        parent = generated.parents.get(key)
        if parent is not None and parent not in curated.kinds:
            raise ValueError(f"generated gazetteer: {key}'s parent {parent} is not curated")
        curated.kinds[key] = generated.kinds[key]
        curated.names[key] = generated.names[key]
        if parent is not None:
            curated.parents[key] = parent
        if key in generated.countries:
            curated.countries[key] = generated.countries[key]
        for variant in variants:
            curated.variants[variant] = key
            curated.cased.add(variant)
    return curated


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def curated() -> Gazetteer:
    """The curated gazetteer alone (``places.txt``), without the generated places."""
    return _parse(_read("places.txt"))


def _norm(name: str) -> str:
    return re.sub(r"[\s\-'’]+", " ", name.strip().lower()).strip()


def _variant_regex(name: str) -> str:
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", name.strip())]
    parts = [p.replace("'", "['’]?").replace("’", "['’]?") for p in parts]
    return r"[\s\-]?".join(parts)


_GAZETTEER = _checked(_merge(curated(), _parse(_read("places_geonames.txt"))))
VARIANTS, KINDS, PARENTS, COUNTRIES = (
    _GAZETTEER.variants, _GAZETTEER.kinds, _GAZETTEER.parents, _GAZETTEER.countries)
_CASED = frozenset(_GAZETTEER.cased)


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


_IN_COUNTRY: dict[str, frozenset[str]] = {}
for _place, _country in COUNTRIES.items():
    _IN_COUNTRY[_country] = _IN_COUNTRY.get(_country, frozenset()) | {_place}


def ancestors(place: str, area: str | None = None) -> tuple[str, ...]:
    """The places ``place`` lies in, nearest first; for a place the gazetteer lacks, the
    known place its text put it in (``area``) and that one's."""
    if place in ANCESTORS or place in KINDS or not area:
        return ANCESTORS.get(place, ())
    return (area, *ANCESTORS.get(area, ()))


def within(a: str | None, b: str | None, area_a: str | None = None,
           area_b: str | None = None) -> bool:
    """Same place, or one lies in the other (a district in its city, a town in its
    province, at any depth: Douma in Eastern Ghouta in the Damascus countryside). A place the
    gazetteer lacks lies in its ``area``."""
    return a is not None and b is not None and (
        a == b or b in ancestors(a, area_a) or a in ancestors(b, area_b))


def neighbourhood(place: str, area: str | None = None) -> set[str]:
    """``place`` and every place :func:`within` it: its ancestors and its descendants."""
    return {place, *ancestors(place, area), *_DESCENDANTS.get(place, ())}


def is_country(place: str | None) -> bool:
    return KINDS.get(place or "") == "country"


def country_of(place: str | None, area: str | None = None) -> str | None:
    """The country ``place`` lies in (itself for a country), when the gazetteer says; for a
    place the gazetteer lacks, its ``area``'s."""
    if place is None:
        return None
    if is_country(place):
        return place
    return COUNTRIES.get(place) or COUNTRIES.get(area or "")


def places_in(country: str) -> frozenset[str]:
    """Every place the gazetteer puts in ``country``."""
    return _IN_COUNTRY.get(country, frozenset())


def top_place(place: str, area: str | None = None) -> str:
    """The top place above ``place`` (itself when it has no parent): two places for which
    :func:`within` holds always share it."""
    chain = ancestors(place, area)
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
#: First token -> the most tokens of a name starting with it.
_SPAN = {first: max(len(v) for v in variants) for first, variants in _FIRST.items()}


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
        first = _TOKEN_RE.match(sentence, start)
        if first is None:
            continue
        word = first.group(0).lower()
        span = _SPAN.get(word) or _SPAN.get(word[:-1], 1)  # "Aleppos"
        if span == 1:
            tokens = [(word, first.start(), first.end())]
        else:
            tokens = [(m.group(0).lower(), m.start(), m.end())
                      for m in islice(_TOKEN_RE.finditer(sentence, start), span)]
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
            name = " ".join(variant)
            if name in _CASED and not sentence[start].isupper():
                continue  # a generated name in lower case: likely a word ("tafas")
            found = (VARIANTS[name], start, window[-1][2], n)
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


def find_places(sentence: str, exclude: list[tuple[int, int]] = (),
                common: frozenset[str] = frozenset()) -> list[PlaceMention]:
    """Place mentions of ``sentence`` usable as incident places, in text order.

    Gazetteer names, and names the gazetteer lacks where the sentence says they are places
    (:func:`unknown_places`). Mentions inside ``exclude`` spans (attribution phrases) and
    capitals without a locative are left out.
    """
    out = []
    taken = []  # every gazetteer name, venues too: not to be read again as unknown places
    for key, start, name_end, end in _matches(sentence):
        taken.append((start, end))
        if any(s <= start < e for s, e in exclude):
            continue
        kind = KINDS[key]
        capital = kind == "capital"
        if capital and not _LOCATIVE_RE.search(sentence, max(0, start - 60), start):
            continue
        if kind == "venue":
            continue  # "the Security Council in New York", "talks in Geneva"
        region = kind in ("region", "country") or bool(_REGION_SUFFIX_RE.match(sentence, name_end))
        out.append(PlaceMention(key, start, end, region, capital, country=kind == "country"))
    unknown = unknown_places(sentence, out, common, taken)
    if unknown:
        unknown = [p for p in unknown if not any(s <= p.start < e for s, e in exclude)]
        out = sorted(out + unknown, key=lambda p: p.start)
    return out


# ---- places the gazetteer lacks ---------------------------------------------------------------

#: Articles and particles of transliterated Arabic names, left out of a name's skeleton.
_PARTICLES = frozenset({
    "al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "adh", "ath", "ed", "er", "es", "et",
    "ez", "the",
})


@lru_cache(maxsize=8192)
def skeleton(name: str) -> str:
    """The consonant skeleton of a place name: one key for its transliterations.

    Lower case, accents and apostrophes dropped, particles ("al-", "el-", "ash-") left out,
    the "h" of digraphs (sh, kh, gh, th, dh, ch) dropped, q and c as k, vowels (and y) dropped,
    doubled letters single: "Tall Tawil" and "Tal Taweel" -> ``tl_twl``; "Khan Sheikhoun" and
    "Khan Shaykhun" -> ``kn_skn``; "Qasr al-Breij" and "Qasr al-Burayj" -> ``ksr_brj``.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['’`ʿʾ‘]", "", text)
    out = []
    for token in re.split(r"[^a-z]+", text):
        if not token or token in _PARTICLES:
            continue
        token = re.sub(r"(?<=[sckgdtz])h", "", token).replace("q", "k").replace("c", "k")
        token = re.sub(r"[aeiouy]", "", token)
        token = re.sub(r"(.)\1+", r"\1", token)
        if token:
            out.append(token)
    return "_".join(out)


def _skeleton_keys() -> dict[str, str]:
    """Skeleton -> the one place with a name of that skeleton. A generated place's short
    skeleton is not used: "Al-Bayan" (``bn``) is not the village of Benan."""
    keys: dict[str, set[str]] = {}
    for variant, key in VARIANTS.items():
        skel = skeleton(variant)
        if variant in _CASED and len(skel.replace("_", "")) < 5:
            continue
        keys.setdefault(skel, set()).add(key)
    return {skel: next(iter(found)) for skel, found in keys.items() if len(found) == 1 and skel}


SKELETON_KEYS = _skeleton_keys()

_NAME = (
    r"(?:(?:[Aa][lstrdzn]|[Ee]l|[Aa]sh)[-\s])?[A-Z][a-z]{2,}(?:['’][a-z]+)?"
    r"(?:(?:\s|-)(?:(?:al|el|ad|ar|as|ash|at|az|an|ibn|bin)[-\s])?[A-Z][a-z]+(?:['’][a-z]+)?){0,3}"
)
# after a name: "Jayrud town", "Sukkari district" (not "suburb" or "area": "a Damascan suburb")
_FEATURE_RE = re.compile(r"\s+(?:village|town|district|neighbou?rhood|camp|quarter|countryside|"
                         r"province|governorate)\b")
# Speed: a name is looked for only where a cue word is (found in the lower-cased sentence)
_LOCATIVES = (r"in|near|outside|around|into|towards?|targeting|targeted|struck|hit|shelled|"
              r"bombed|attacked|raided|stormed|captured|besieged|from|at|on")
_FEATURES = (r"village|town|city|neighbou?rhood|district|suburb|hamlet|area|camp|countryside|"
             r"province|region|governorate|quarter")
_CUE = _scan.Folded(rf"\b(?:{_LOCATIVES}|{_FEATURES})\b")
_AFTER_LOCATIVE_RE = re.compile(  # "in Qasr al-Breij", "struck the rebel-held eastern X"
    rf"(?i:{_LOCATIVES})\s+(?:the\s+)?"
    r"(?:(?:rebel|opposition|regime|government|army|jihadist|insurgent)[-\s]"
    r"(?:held|controlled|besieged)\s+)?"
    r"(?:(?:northern|southern|eastern|western|north-?eastern|north-?western|south-?eastern|"
    r"south-?western|central|nearby|besieged)\s+)?"
    rf"(?P<name>{_NAME})")
_AFTER_FEATURE_RE = re.compile(rf"(?i:{_FEATURES})\s+of\s+(?P<name>{_NAME})")  # "the village of X"
_BEFORE_FEATURE_RE = re.compile(rf"(?<![\w'’-])(?P<name>{_NAME})\s+$")  # "Jayrud town"


def _unknown_names(sentence: str):
    """(start, end, cue) of names a cue calls places, in text order: ``a`` "the village of
    X", ``b`` a locative before it ("in X"), ``c`` a feature word after it ("X district")."""
    found = []
    pattern, subject = _CUE.scanner(sentence, _scan.folded(sentence))
    for cue in pattern.finditer(subject):
        word = subject[cue.start():cue.end()]
        if word[0] in _FEATURE_INITIALS and _FEATURE_WORD_RE.fullmatch(word):
            m = _AFTER_FEATURE_RE.match(sentence, cue.start())
            if m:
                found.append((m.start("name"), m.end("name"), "a"))
            elif _FEATURE_RE.match(sentence, cue.start() - 1):
                m = _BEFORE_FEATURE_RE.search(sentence, max(0, cue.start() - 60), cue.start())
                if m:
                    found.append((m.start("name"), m.end("name"), "c"))
            continue
        if not _UPPER_RE.search(sentence, cue.end(), cue.end() + 50):
            continue  # no capital in reach: no name after this locative
        m = _AFTER_LOCATIVE_RE.match(sentence, cue.start())
        if m:
            found.append((m.start("name"), m.end("name"), "b"))
    resume = 0
    for start, end, cue in sorted(found):
        if start >= resume:
            resume = end
            yield start, end, cue


_FEATURE_WORD_RE = re.compile(_FEATURES)
_FEATURE_INITIALS = frozenset(word[0] for word in _FEATURES.split("|"))
_UPPER_RE = re.compile(r"[A-Z]")


#: Words of place names that are also common words ("Tishrin Dam", "Castello Road").
_GEO_WORDS = frozenset("""
dam road bridge mountain mountains river valley hill hills airport base crossing camp lake
plain plains desert square gate market sea port bay island
""".split())
#: Capitalised words that are not places after a locative ("in March", "at Reuters").
_NOT_NAMES = frozenset("""
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday today yesterday qaeda assad
syrian syrians russian russians turkish iranian american americans british french arab arabs
israeli lebanese iraqi jordanian saudi qatari kurdish kurds western eastern northern southern
european chinese german egyptian palestinian afghan ukrainian shiite shia sunni alawite
christian christians muslim muslims druze armenian turkmen circassian
islamic state army free forces force observatory council security united nations coalition
ministry defence defense health red crescent cross human rights watch amnesty international
president prime minister foreign secretary general congress parliament kremlin pentagon white
house reuters afp associated press agence presse sana tass sputnik twitter facebook youtube
telegram assad bashar putin trump obama erdogan lavrov kerry tillerson god allah ramadan eid
christmas hezbollah hamas nusra fateh sham ahrar jaish jaysh islam daesh isis isil qaeda front
party union arabic english middle east west north south central gulf mr mrs dr the this that
these those his her its their our there here regime government opposition rebels rebel
national democratic popular revolutionary republican guard guards division brigade
battalion syria damascus press tv channel agency news times post daily world media
hospital hospitals school mosque church university city town village province district area
committee committees network group center centre office department service services office
monitor monitoring civil defence helmets white rescue rescuers doctors medics court
levant mediterranean kazakh police command northeastern northwestern southeastern
southwestern command headquarters airbase interior justice foundation society
""".split())


def unknown_places(sentence: str, known: list[PlaceMention] = (),
                   common: frozenset[str] = frozenset(),
                   taken: list[tuple[int, int]] = ()) -> list[PlaceMention]:
    """Places the gazetteer lacks, where the sentence says they are places: "the village of
    Tall Tawil", "in Qasr al-Breij", "Sukkari district". Keyed by :func:`skeleton` (a
    gazetteer place when its skeleton is one), with the known place the sentence puts them
    in ("in X in Idlib province", "X, west of Aleppo") as ``parent``.

    Not names: capitalised words of :data:`_NOT_NAMES` (months, nationalities, institutions),
    names whose every word the article also writes in lower case (``common``: "Suspected Gas
    Attack" in a headline), and, in a headline-cased sentence, anything but "the village /
    town of X"."""
    headline = None
    out = []
    for start, end, cue in _unknown_names(sentence):
        if headline is None:
            words_in = _WORD_RE.findall(sentence)
            headline = len(words_in) >= 5 and sum(
                w[0].isupper() for w in words_in) > 0.7 * len(words_in)
        if headline and cue != "a":
            continue
        name = sentence[start:end]
        if sentence.startswith("-based", end):
            continue  # "Istanbul-based": where someone works, not where it happened
        if name.endswith(("'s", "’s")):
            name, end = name[:-2], end - 2
        words = [w.lower() for w in re.split(r"[\s\-]+", name)]
        if any(w in _NOT_NAMES or (w.endswith("s") and w[:-1] in _NOT_NAMES) for w in words) or any(
                s < end and start < e for s, e in [*taken, *((p.start, p.end) for p in known)]):
            continue
        if common and (all(w in common or w in _PARTICLES for w in words) or any(
                w in common and w not in _GEO_WORDS for w in words[1:] if len(w) > 3)):
            continue  # "Suspected Gas Attack", "Damascan Suburb Town"
        key = SKELETON_KEYS.get(skeleton(name))
        if key is None:
            key = skeleton(name)
            if len(key) < 3 or key in KINDS:
                continue
        region = bool(_REGION_SUFFIX_RE.match(sentence, end))
        parent = None if key in KINDS else _parent(sentence, end, start, known)
        out.append(PlaceMention(key, start, end, region, False, known=key in KINDS,
                                parent=parent))
    return out


_WORD_RE = re.compile(r"\b[^\W\d_]{3,}\b")
_WITHIN_RE = re.compile(
    r"\s*,?\s*(?:(?:village|town|city|district|area|suburb)\s+)?(?:in|near|outside|of|on\s+the\s+outskirts\s+of|"
    r"(?:(?:north|south|east|west)(?:-?(?:east|west))?|northeast|northwest|southeast|southwest)\s+of)"
    r"\s+(?:the\s+)?(?:(?:northern|southern|eastern|western|central|rebel-held|"
    r"besieged)\s+)?(?:(?:city|town|province|region|countryside)\s+of\s+)?$"
)


def _parent(sentence: str, end: int, start: int, known: list[PlaceMention]) -> str | None:
    """The known place an unknown one is said to lie in: named just after it ("Tall Tawil
    in Hasakah province", "Rityan, north of Aleppo"), or just before it ("Aleppo's Sukkari
    district", "the Idlib town of Ariha")."""
    for p in known:
        if p.start >= end and p.start - end <= 45 and _WITHIN_RE.fullmatch(sentence, end,
                                                                            p.start):
            return p.key
        if p.end <= start and start - p.end <= 12 and re.fullmatch(
                r"(?:['’]s)?\s+(?:\w+\s+)?(?:(?:town|village|district|suburb|city)\s+of\s+)?",
                sentence[p.end:start]):
            return p.key
    return None
