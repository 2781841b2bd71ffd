"""The figure claim: what the claims engine hands to storage and to the conflict rules.

A claim is one figure found in one sentence: the figure as written (``quote``), its
interval (``low``/``high``), what is counted (``subject``), what happened to it
(``measure``), who says so (``attributed_to``) and which incident it is about
(``place``/``event_date`` -> ``event``).

Bounds (``bound``):

====== ==================================  =======================================
bound  written as                          interval
====== ==================================  =======================================
``=``  "63 servicemen"                     [63, 63]
``~``  "about / around / some 50"          [45, 55] (see ``APPROX_TOLERANCE``)
``>``  "more than / over 600"              (600, None)
``>=`` "at least 400"                      [400, None)
``<``  "fewer than / less than 10"         (None, 10)
``<=`` "up to / as many as / nearly 100"   (None or 90, 100]
range  "between 20 and 30", "dozens"       [20, 30], [24, 99]
====== ==================================  =======================================

``None`` for ``low`` or ``high`` means unbounded on that side.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

BOUNDS = ("=", "~", ">", ">=", "<", "<=", "range")

#: Relative half-width given to approximate figures ("about 50" -> [45, 55]).
APPROX_TOLERANCE = 0.10


@dataclass(frozen=True, slots=True)
class Claim:
    """One figure stated in one sentence of an article (or of a headline)."""

    sentence: str
    quote: str
    start: int  # offset of ``quote`` in ``sentence``
    end: int
    value: float | None  # the stated number; None for ranges and vague quantities
    bound: str  # one of BOUNDS
    low: float | None
    high: float | None
    approx: bool
    measure: str | None = None  # canonical: killed, injured, casualties, missiles_intercepted...
    subject: str | None = None  # canonical: soldiers, civilians, children, people, missiles...
    subject_text: str | None = None  # the counted noun phrase as written
    attributed_to: str | None = None  # who says it, as written ("the Russian Defence Ministry")
    actor: str | None = None  # canonical key of attributed_to ("russia"), for "same source?"
    place: str | None = None  # canonical place key ("makiivka")
    event_date: date | None = None  # incident date, resolved against the publication date
    event: str | None = None  # "place/YYYY-MM-DD[/kind]"; links claims about one incident
    unit: str | None = None  # "%" or a currency for percentages and money
    in_title: bool = False
    sentence_index: int = 0  # position of the sentence in the text (title = -1)
    stance: str | None = None  # the article's own stance, e.g. "without evidence"
    incident_kind: str | None = None  # shelling, airstrike, bombing... or "total"
    setting: tuple[str, ...] = ()  # every place the article names, in order of first mention
    side: str | None = None  # who carried the incident out: rebels, government, coalition...
    part: bool = False  # one place's share in a sentence that breaks a figure down by place
    area: str | None = None  # for a place the gazetteer lacks: the known place it lies in
    place_stated: bool = False  # the place is named in the claim's own sentence (else the
    # context gave it)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["event_date"] = self.event_date.isoformat() if self.event_date else None
        return data
