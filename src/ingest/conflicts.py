"""Pure conflict rules: a new claim and earlier claims -> the conflicts between them.

Two claims are *comparable* when they speak of the same incident (the same place, or places
that lie in one another at any depth, a place the gazetteer lacks lying in its ``area``; or
two places each named in the other claim's article, one of them a minor place; or a place
and its country, for a country's figure about a rare kind of incident (``same_place``,
``same_country``); dates (``claim_date``: the event's, else the publication's, else the day
stored) at most ``window_days`` apart, or a few days for rare kinds (``KIND_WINDOWS``), or
one day when only one of them names the kind of incident (``same_incident``, strict); no
different kind of incident named: a shelling is not an air strike, a chemical attack may
be named by its delivery, an assault by suicide bombers as bombing or as clashes, and a
running total is only compared with totals; no different side that carried it out), count
the same measure (killed, injured...) of the same subject (soldiers, civilians...) in the
same unit, and come from different texts, or from one text that quotes two different
sources (within one text, other differing figures are breakdowns or updates: "8 killed in
Bab al-Nayrab", "11 across Aleppo").
One exception: a zero claim about people in general ("no casualties", "no one was killed")
covers every group of people and every harm it names, so it is compared with "600 soldiers
killed" at the same incident.

Comparable claims *conflict* when they cannot both be true (``agree``): their intervals
cannot overlap (bounds read generously: "more than 600" agrees with "600", and approximate
figures carry their tolerance in ``low``/``high`` already), and neither is a part of the
other's whole (a smaller figure its own sentence places within the other's place, at an
incident of several such places; or a place with none). Figures that agree are never
flagged.

The kind of a conflict:

- ``modified``: two versions of one article state different figures;
- ``revision``: the same source (same ``actor``, or the same outlet when neither claim is
  attributed) gives a higher figure later: a rising toll, reviewed with lower priority;
- ``contradiction``: anything else: two sources disagree, or one source lowers its figure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from ingest.claims.incidents import RARE_KINDS
from ingest.claims.places import ancestors, country_of, is_country, within

#: Counted groups of people; a zero claim about "people" covers them all.
HUMAN_SUBJECTS = frozenset(
    {
        "people", "soldiers", "civilians", "children", "women", "men", "militants",
        "fighters", "rebels", "police", "officers", "troops", "servicemen", "refugees",
        "workers", "journalists", "students", "patients", "prisoners", "victims",
    }
)
#: Harms covered by "casualties".
CASUALTY_MEASURES = frozenset({"casualties", "killed", "injured"})
SPREAD_MIN = 2  # places within the whole that show it is an incident of several places
KIND_RANK = {"revision": 0, "modified": 1, "contradiction": 2}

#: Nationality words that make two counts of the same noun different groups.
_SIDES = ("russian", "ukrainian", "syrian", "turkish", "iranian", "israeli", "american",
          "kurdish", "iraqi", "lebanese", "jordanian", "french", "british")


class ClaimLike(Protocol):
    id: int | None
    article_id: int
    version_id: int
    source: str
    sentence_index: int
    value: float | None
    low: float | None
    high: float | None
    measure: str | None
    subject: str | None
    subject_text: str | None
    actor: str | None
    place: str | None
    event_date: date | None
    published_at: date | None
    unit: str | None
    incident_kind: str | None


@dataclass(frozen=True, slots=True)
class Conflict:
    new: ClaimLike
    other: ClaimLike
    kind: str
    reason: str


def interval(claim: ClaimLike) -> tuple[float, float]:
    low = -math.inf if claim.low is None else claim.low
    high = math.inf if claim.high is None else claim.high
    return low, high


def overlaps(a: ClaimLike, b: ClaimLike) -> bool:
    a_low, a_high = interval(a)
    b_low, b_high = interval(b)
    return a_low <= b_high and b_low <= a_high


def agree(a: ClaimLike, b: ClaimLike, *, spread: Iterable[ClaimLike] = ()) -> bool:
    """Can both figures be true?  Their intervals overlap; or one is about a place within the
    other's and is smaller, while the claims in view (``spread``) give that figure for
    several places within the other's: the incident spans them, and a part may be smaller
    than the whole ("80 killed in Ain Tarma", "100 in Kafr Batna", "1,300 in Eastern
    Ghouta"). With one place only within it, the larger place names where that one lies
    ("58 killed in Idlib province", "72 killed in Khan Sheikhun")."""
    if overlaps(a, b):
        return True
    part, whole = _part_and_whole(a, b)
    if part is None:
        return False
    if _is_zero(part):
        return True  # "one of their buildings in Haritan was hit. There were no injuries."
    if not getattr(part, "place_stated", False) or interval(part)[0] > interval(whole)[1]:
        return False  # placed by its context, a figure is the text's whole toll as often
    inside = {c.place for c in (a, b, *spread)
              if c.place != whole.place and c.measure == part.measure
              and _lies_in(c, whole.place)}
    return len(inside) >= SPREAD_MIN


def _lies_in(claim: ClaimLike, place: str) -> bool:
    """Is ``claim``'s place within ``place`` (a country: for ``same_country`` claims)?"""
    area = getattr(claim, "area", None)
    if is_country(place):
        return claim.place != place and country_of(claim.place, area) == place
    return place in ancestors(claim.place, area)


def _part_and_whole(a: ClaimLike, b: ClaimLike) -> tuple:
    if a.place == b.place or a.place is None or b.place is None:
        return None, None
    if _lies_in(a, b.place):
        return a, b
    if _lies_in(b, a.place):
        return b, a
    return None, None


def _is_zero(claim: ClaimLike) -> bool:
    return claim.low == 0 and claim.high == 0


def _covers(general: ClaimLike, specific: ClaimLike) -> bool:
    """A zero claim about people in general speaks of every group and harm it includes."""
    if not _is_zero(general) or general.subject != "people":
        return False
    if specific.subject not in HUMAN_SUBJECTS:
        return False
    if general.measure == "casualties":
        return specific.measure in CASUALTY_MEASURES
    return general.measure == specific.measure


def _sides(claim: ClaimLike) -> set[str]:
    text = (claim.subject_text or "").lower()
    return {side for side in _SIDES if side in text}


def _setting(claim: ClaimLike) -> set[str]:
    setting = getattr(claim, "setting", None) or ()
    return set(setting.split() if isinstance(setting, str) else setting)


def same_place(a: ClaimLike, b: ClaimLike) -> bool:
    """The same place, a district and its city, or two places each article names.

    Outlets place one incident differently: "98 evacuees from Foua and Kefraya were killed"
    at a transit point in Rashidin, west of Aleppo, is "126 killed near Aleppo" elsewhere.
    When each claim's place is named in the other claim's article, they may be one incident
    (the date, kind, measure and subject must still agree).
    """
    if a.place is None or b.place is None:
        return False
    if a.place != b.place and (is_country(a.place) or is_country(b.place)):
        return same_country(a, b)
    if getattr(a, "part", False) or getattr(b, "part", False):
        return a.place == b.place  # one place's share of a breakdown is not the whole's
    if within(a.place, b.place, getattr(a, "area", None), getattr(b, "area", None)):
        return True
    # each named in the other's article; not two cities of the first rank, which articles
    # name together all the time ("in Aleppo", "talks in Damascus")
    minor = bool(ancestors(a.place, getattr(a, "area", None))
                 or ancestors(b.place, getattr(b, "area", None)))
    return minor and a.place in _setting(b) and b.place in _setting(a)


def same_country(a: ClaimLike, b: ClaimLike) -> bool:
    """A figure placed only by its country, about an incident of a rare kind (see
    ``incidents.RARE_KINDS``), is about any place in that country: "the chemical attack in
    Syria" and "355 killed in Eastern Ghouta" on one day are one (if the kinds agree:
    ``same_kind``)."""
    national = a if is_country(a.place) else b
    if national.incident_kind not in RARE_KINDS:
        return False
    country = country_of(a.place, getattr(a, "area", None))
    return country is not None and country == country_of(b.place, getattr(b, "area", None))


def claim_date(claim: ClaimLike) -> date | None:
    """The day a claim is about, for comparing: its event date, else its article's
    publication date, else the day it was stored (an undated article is reporting, at the
    latest, when we read it: without this a claim with no date would be compared with every
    claim about its place, ever). None only for a claim not stored yet and without dates."""
    when = claim.event_date or claim.published_at
    if when is None:
        stored = getattr(claim, "created_at", None)
        when = stored.date() if stored is not None else None
    return when


def same_incident(a: ClaimLike, b: ClaimLike, *, window_days: int,
                  strict: bool = False) -> bool:
    """The same place and dates within the window (wider for rare kinds). ``strict`` (for
    flagging a conflict): a figure that names the kind of incident and one that does not
    must be of one day; on the labelled sets such pairs a day apart were nearly always two
    incidents (tests/claims_fresh: 0 of 33; devset and validation: 9 of 36). Joining an
    item that already shows the figure is not strict."""
    if not same_place(a, b):
        return False
    a_date, b_date = claim_date(a), claim_date(b)
    if a_date is None or b_date is None:
        return True
    if a.incident_kind == b.incident_kind:
        window_days = kind_window(a.incident_kind, window_days)
    elif strict and (a.incident_kind is None or b.incident_kind is None):
        window_days = 0
    return abs((a_date - b_date).days) <= window_days


#: Kinds of incident rare enough that two claims about one place a few days apart are about
#: one of them: a chemical attack is written about for days ("the chemical massacre near
#: Damascus that the opposition claims killed hundreds", three days on).
KIND_WINDOWS = {kind: 3 for kind in RARE_KINDS}


def kind_window(kind: str | None, window_days: int) -> int:
    """The event window for claims of ``kind``: ``window_days``, wider for rare kinds."""
    return max(window_days, KIND_WINDOWS.get(kind, 0))


def same_kind(a: ClaimLike, b: ClaimLike) -> bool:
    """Kinds agree when equal or unknown; a running total is only compared with totals; the
    sides that carried the incidents out agree when both are known."""
    side_a, side_b = getattr(a, "side", None), getattr(b, "side", None)
    if side_a and side_b and side_a != side_b:
        return False
    kinds = {a.incident_kind, b.incident_kind}
    if "total" in kinds:
        return len(kinds) == 1
    return None in kinds or len(kinds) == 1 or kinds in _DELIVERIES


#: A chemical attack is delivered by an air strike, shells and rockets, or a bomb: outlets
#: name one incident by its weapon or by its means. An assault led by suicide car bombs is
#: fighting and bombing at once ("IS suicide bombers attacked rebels near Azaz", "clashes
#: near Azaz killed 32 rebels"): on the development sets such pairs were one incident 12
#: times in 16.
_DELIVERIES = ({"chemical", "airstrike"}, {"chemical", "shelling"}, {"chemical", "bombing"},
               {"bombing", "clashes"})


def same_figure(a: ClaimLike, b: ClaimLike, *, window_days: int, strict: bool = False) -> bool:
    """Do ``a`` and ``b`` count the same thing at the same incident (whatever their texts)?
    ``strict``: see :func:`same_incident`."""
    if a.measure is None or b.measure is None or a.subject is None or b.subject is None:
        return False
    if (a.unit or None) != (b.unit or None):
        return False
    if not same_incident(a, b, window_days=window_days, strict=strict) or not same_kind(a, b):
        return False
    side_a, side_b = _sides(a), _sides(b)
    if side_a and side_b and not side_a & side_b:
        return False
    if a.measure == b.measure and a.subject == b.subject:
        return True
    return _covers(a, b) or _covers(b, a)


def same_text(a: ClaimLike, b: ClaimLike) -> bool:
    """One text: the same version, or one agency story reprinted by two outlets
    (``text_id``, see ``store.copied_text``)."""
    if a.version_id == b.version_id:
        return True
    text_a, text_b = getattr(a, "text_id", None), getattr(b, "text_id", None)
    return text_a is not None and text_a == text_b


def comparable(a: ClaimLike, b: ClaimLike, *, window_days: int) -> bool:
    """Should differing figures of ``a`` and ``b`` be flagged?  The same figure, from two
    texts or from two sources quoted in one text."""
    if same_text(a, b) and not (a.actor and b.actor and a.actor != b.actor):
        # within one text, figures are breakdowns or updates unless two sources are quoted
        return False
    return same_figure(a, b, window_days=window_days, strict=True)


def same_source(a: ClaimLike, b: ClaimLike) -> bool:
    """Same attribution, or the same outlet when neither claim is attributed."""
    if a.actor or b.actor:
        return a.actor == b.actor
    return a.source == b.source


def kind_of(new: ClaimLike, other: ClaimLike) -> str:
    """``modified``, ``revision`` (the same source's toll rises over time) or ``contradiction``."""
    if new.article_id == other.article_id and new.version_id != other.version_id:
        return "modified"
    if not same_source(new, other):
        return "contradiction"
    earlier, later = sorted((other, new), key=_when)
    return "revision" if interval(later)[0] > interval(earlier)[1] else "contradiction"


def _when(claim: ClaimLike) -> tuple:
    return (claim.published_at or date.min, claim.id or 0)


def describe(claim: ClaimLike) -> str:
    low, high = interval(claim)
    if low == high:
        return f"{low:g}"
    if high == math.inf:
        return f"≥{low:g}"
    if low == -math.inf:
        return f"≤{high:g}"
    return f"{low:g}–{high:g}"


def find_conflicts(
    new: ClaimLike, earlier: Iterable[ClaimLike], *, window_days: int = 1
) -> list[Conflict]:
    """Every earlier claim that ``new`` cannot agree with."""
    found = []
    earlier = [c for c in earlier if c is not new and (c.id is None or c.id != new.id)]
    for other in earlier:
        if not comparable(new, other, window_days=window_days) or agree(
                new, other, spread=earlier):
            continue
        found.append(
            Conflict(
                new=new,
                other=other,
                kind=kind_of(new, other),
                reason=(
                    f"{describe(new)} {new.subject} {new.measure} ({new.source}) vs "
                    f"{describe(other)} {other.subject} {other.measure} ({other.source})"
                ),
            )
        )
    return found


def strongest(kinds: Iterable[str]) -> str:
    return max(kinds, key=lambda kind: KIND_RANK.get(kind, 0))


def priority(
    claims: Sequence[ClaimLike], *, kind: str = "contradiction", today: date | None = None
) -> float:
    """Higher first: a larger disagreement, more outlets involved, a more recent incident;
    a rising toll from one source (``revision``) counts half."""
    lows = [c.low for c in claims if c.low is not None]
    highs = [c.high for c in claims if c.high is not None]
    spread = 0.0
    if lows and highs:
        spread = math.log10((max(lows) + 1) / (min(highs) + 1))
    outlets = len({c.source for c in claims})
    score = max(spread, 0.0) * 2 + outlets
    dates = [c.event_date or c.published_at for c in claims]
    dates = [d for d in dates if d is not None]
    if today and dates:
        age = max((today - max(dates)).days, 0)
        score += 1 / (1 + age / 7)
    if kind == "revision":
        score /= 2
    return round(score, 3)
