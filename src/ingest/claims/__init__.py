"""Figure-claims engine: every figure of an article as a :class:`Claim`.

:func:`extract_claims` is pure (no I/O) and composes the modules of this package:

* :mod:`.sentences` splits paragraphs (lines) into sentences;
* :mod:`.numbers` masks non-figures (dates, times, identifiers) and finds figures with their
  bounds and intervals (the vague-quantity table and APPROX_TOLERANCE are documented there);
* :mod:`.lexicon` finds the counted subject after a figure and the measure in its clause;
* :mod:`.attribution` finds who says it and the canonical actor;
* :mod:`.places` (gazetteer) and :mod:`.dates` give the incident place and date.

Conventions of the composition:

* Elided subjects: a figure without a counted noun takes the subject of the previous figure of
  the same sentence ("Two projectiles were intercepted, but four made it through"); a figure
  without a measure in its own clause takes the previous figure's measure when it fits.
  "40 injured", "11 dead" count people.
* Weak figures (a bare 19xx/20xx number, "one", "several", "a few") are dropped unless they
  count something ("2000 people", "one soldier").
* Units: figures with a unit count the unit ("50 meters" -> ``meters``, "$5" -> ``money``)
  and get no measure, except percentages (``share``); durations ("for two years", "in the
  last 24 hours") are not figures.
* A figure with a measure only people suffer and no counted noun counts ``people``
  ("killing 16"); a count of air strikes without a measure counts strikes carried out.
* Attribution: the nearest attribution of the sentence that covers the figure; an anaphor
  ("he said", "the statement added") takes the actor of the previous attribution of the
  paragraph; a sentence inside a quotation that continues over several sentences takes the
  attribution of the sentence closing the quotation.  Nothing else carries over sentences.
* Places (:mod:`.places`): gazetteer names, and names a sentence calls places that the
  gazetteer lacks ("the village of Tall Tawil"), keyed by their consonant skeleton and lying
  in the known place their sentence puts them in (``Claim.area``). Countries are the place
  of national totals only; venues ("talks in Geneva") are never incident places.
* Place: the place in the claim's sentence nearest to the figure (cities before regions; of
  places the sentence puts in one another, the innermost: "Khan Sheikhun in Idlib");
  otherwise a place implied by the sentence's incident date (the most recent place whose incident
  date equals it: "In the alleged attack on Sunday" -> the place attacked on Sunday); otherwise
  the most recent place of the text so far (current paragraph, then earlier ones); otherwise the
  headline's place.  Places inside attribution phrases ("according to kyiv", "officials in
  Moscow said") and capitals without a locative are not incident places.
* Publication date: the text's own dateline when it opens with one ("Published April 5
  2017", "AFP Tuesday 20 Sep 2016" after a repeated headline), else ``published``.
* Date: the incident date nearest the figure in its sentence; otherwise the date stated earlier
  in the paragraph for the same place; otherwise the date last stated for that place in the
  article; otherwise ``published``.  A place mentioned with no date is taken to be dated
  ``published``.  A figure still without a place (a headline, a lead before any place is
  named) takes the first place of the text, unless it is a running total.
* Incident kind (:mod:`.incidents`): named in the claim's sentence, else earlier in the
  paragraph (a running ``total`` is never carried over).  ``event`` is
  "place/YYYY-MM-DD/kind" ("place/YYYY-MM-DD" without a kind, "place/?" without a date),
  None without a place.
* Stance: "without (giving) evidence", "unverified", "could not be (independently) verified"...
  -> "without evidence".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from . import _scan, lexicon
from . import attribution as attr
from .dates import dateline_date, find_dates
from .incidents import RARE_KINDS, incident_kind, incident_side
from .model import APPROX_TOLERANCE, BOUNDS, Claim
from .numbers import NumberMention, find_numbers, mask_non_figures
from .places import KINDS, PlaceMention, ancestors, canonical_place, country_of, find_places, within
from .sentences import Sentence, split_text

__all__ = [
    "APPROX_TOLERANCE", "BOUNDS", "Claim", "canonical_place", "extract_claims", "same_actor",
]

_STANCE = _scan.Folded(
    r"\bwithout\s+(?:giving|providing|offering|presenting|citing|showing)?\s*(?:any\s+)?"
    r"(?:evidence|proof)\b|\bunverified\b|\bunsubstantiated\b|\bcould\s+not\s+(?:be\s+)?"
    r"(?:independently\s+)?verif(?:y|ied)\b|\bnot\s+(?:been\s+)?independently\s+verified\b"
)
_STANCE_RE = _STANCE.ignorecase
#: Page sections listing other stories: the text's own figures end there.
_RELATED_RE = re.compile(
    r"\b(?:Related\s+(?:News|Articles?|Stories|Content|Coverage|Posts)|You\s+may\s+also\s+like|"
    r"More\s+(?:stories|from\s+\w+)|Most\s+(?:Read|Popular|Viewed)|Recommended\s+for\s+you)\b")
_OPEN_QUOTES = "“«"
_LOWER_WORD_RE = re.compile(r"\b[a-z]{3,}\b")
_CLOSE_QUOTES = "”»"


def same_actor(a: Claim, b: Claim) -> bool:
    """True when both claims are attributed to the same canonical actor (None never matches)."""
    return a.actor is not None and a.actor == b.actor


@dataclass
class _Context:
    """What carries over from sentence to sentence while reading one text."""

    published: date | None
    title_place: str | None = None
    last_place: str | None = None
    recent_places: list[str] = field(default_factory=list)  # most recent last
    place_dates: dict[str, date] = field(default_factory=dict)
    paragraph: int = -2
    para_date: date | None = None
    para_date_place: str | None = None
    para_actor: tuple[str, str] | None = None  # (name, actor) of the last attribution
    para_kind: str | None = None  # incident kind named earlier in the paragraph
    first_place: str | None = None  # the first place of the text (a dateline, a lead)
    last_known: str | None = None  # the last place named that the gazetteer knows
    countries: Counter = field(default_factory=Counter)  # countries named, how often (the
    # most named is the place of national totals)
    common: frozenset[str] = frozenset()  # words the text writes in lower case (not names)
    placed: set[tuple[int, int]] = field(default_factory=set)  # figures placed by their own
    # sentence (sentence index, start), not by the context
    areas: dict[str, str] = field(default_factory=dict)  # place the gazetteer lacks -> the
    # known place the text puts it in ("the village of Tall Tawil in Hasakah province")

    def new_paragraph(self, index: int) -> None:
        self.paragraph = index
        self.para_date = None
        self.para_date_place = None
        self.para_actor = None
        self.para_kind = None

    def note_place(self, key: str) -> None:
        self.last_place = key
        if key in KINDS:
            self.last_known = key
        self.first_place = self.first_place or key
        if key in self.recent_places:
            self.recent_places.remove(key)
        self.recent_places.append(key)

    def main_country(self) -> str | None:
        return self.countries.most_common(1)[0][0] if self.countries else None

    def date_of(self, place: str) -> date | None:
        """The incident date stated for ``place``, else for a place it lies in or that lies
        in it ("the attack in Idlib province" after "Khan Sheikhun on April 4"), else the
        publication date."""
        found = self.place_dates.get(place)
        if found is None:
            related = [d for p, d in self.place_dates.items() if p != place and within(p, place)]
            found = related[-1] if related else None
        return found or self.published


@dataclass
class _Figure:
    mention: NumberMention
    subject: str | None
    subject_text: str | None
    measure: str | None
    end: int  # end of the quote ("none of the buildings" includes the noun)


def extract_claims(
    text: str, *, title: str | None = None, published: date | None = None
) -> list[Claim]:
    """One :class:`Claim` per figure of the headline and of ``text``, in text order."""
    claims: list[Claim] = []
    published = dateline_date(text, published)
    common = frozenset(_LOWER_WORD_RE.findall(text))
    ctx = _Context(published, common=common)
    named: list[str] = []
    if title and title.strip():
        title_sentence = Sentence(title.strip(), -1, -1, 0)
        claims.extend(_sentence_claims(title_sentence, ctx, None, in_title=True))
        named += ctx.recent_places
        ctx.title_place = ctx.last_place
        ctx = _Context(published, title_place=ctx.title_place, countries=ctx.countries,
                       areas=ctx.areas, common=common)
    sentences = split_text(text)
    quoted = {s.paragraph for s in sentences if any(q in s.text for q in _OPEN_QUOTES)}
    for i, sentence in enumerate(sentences):
        if sentence.paragraph != ctx.paragraph:
            ctx.new_paragraph(sentence.paragraph)
        closer = _quote_closer(sentences, i) if sentence.paragraph in quoted else None
        furniture = _RELATED_RE.search(sentence.text)
        if furniture:  # "Related News ...": other stories' headlines from here on
            found = _sentence_claims(sentence, ctx, closer, dateline=i == 0)
            claims.extend(c for c in found if c.end <= furniture.start())
            break
        claims.extend(_sentence_claims(sentence, ctx, closer, dateline=i == 0))
    setting = tuple(dict.fromkeys(named + ctx.recent_places))
    claims = _article_parts(_qualify_actors(_place_titles(claims, ctx)), ctx.placed)
    return [replace(c, setting=setting) for c in claims]


def _article_parts(claims: list[Claim], placed: set[tuple[int, int]]) -> list[Claim]:
    """A text that gives one measure of one subject on one day for several places within a
    larger one ("at least 80 were killed in Ain Tarma", "100 in Kafr Batna", both in Eastern
    Ghouta) breaks that day's toll down: each figure is a part, the same figure only as
    another claim about that very place (as ``_mark_parts`` within a sentence). Only figures
    their own sentence places count (``placed``): a figure placed by its context is the
    text's whole toll more often than a part."""
    groups: dict[tuple, list[Claim]] = {}
    for c in claims:
        if c.place and c.measure and not c.part and (c.sentence_index, c.start) in placed:
            groups.setdefault((c.measure, c.subject, c.event_date), []).append(c)
    parts: set[int] = set()
    for group in groups.values():
        places = {c.place: ancestors(c.place, c.area) for c in group}
        if len(places) < 2:
            continue
        for c in group:
            mine = places[c.place]
            if any(q != c.place and not within(c.place, q, c.area) and set(mine) & set(up)
                   and c.place not in up for q, up in places.items()):
                parts.add(id(c))
    return [replace(c, part=True) if id(c) in parts else c for c in claims]


def _place_titles(claims: list[Claim], ctx: _Context) -> list[Claim]:
    """A figure placed nowhere (a headline, a lead before any place is named) is about the
    first place of the text; running totals stay unplaced. A figure about an incident of a
    rare kind (``incidents.RARE_KINDS``) is about the country the text names most when the
    text names no other place, or when its first place lies outside that country ("the
    Russia Calling forum in Moscow", in a story on the chemical attack in Syria)."""
    place, country = ctx.first_place, ctx.main_country()
    if place is None and country is None:
        return claims
    # no place named, or the first one abroad: a rare kind's figure goes by the country
    by_country = place is None or (country is not None
                                   and country_of(place) not in (None, country))
    out = []
    for c in claims:
        if c.place is None and c.incident_kind != "total":
            if c.incident_kind in RARE_KINDS and country is not None and by_country:
                where, when = country, ctx.published
            else:
                where, when = place, ctx.date_of(place) if place else None
            if where is not None:
                c = replace(c, place=where, event_date=c.event_date or when,
                            event=_event_key(where, c.event_date or when, c.incident_kind))
        out.append(c)
    return out


def _event_key(place: str | None, when: date | None, kind: str | None) -> str | None:
    """"place/YYYY-MM-DD[/kind]"; "place/?" without a date; None without a place."""
    if not place:
        return None
    key = f"{place}/{when.isoformat()}" if when else f"{place}/?"
    return f"{key}/{kind}" if kind else key


def _qualify_actors(claims: list[Claim]) -> list[Claim]:
    """Give unqualified institutions the actor of a qualified mention in the same article.

    "the Defense ministry said" -> ``russia`` when the article elsewhere attributes figures to
    "the Russian Defense Ministry" or "Defense Ministry spokesman ... Konashenkov".
    """
    qualified: dict[str, str] = {}
    for c in claims:
        if c.attributed_to and c.actor:
            for institution in _INSTITUTIONS:
                if institution in c.attributed_to.lower() and c.actor != institution:
                    qualified.setdefault(institution, c.actor)
    if not qualified:
        return claims
    return [
        replace(c, actor=qualified[c.actor]) if c.actor in qualified else c for c in claims
    ]


_INSTITUTIONS = (
    "defense ministry", "defence ministry", "foreign ministry", "interior ministry",
    "health ministry", "ministry of defense", "ministry of defence", "general staff", "army",
    "military",
)


def _quote_closer(sentences: list[Sentence], i: int) -> Sentence | None:
    """The sentence closing a quotation that is still open at the end of sentence ``i``."""
    depth = 0
    for j in range(i, -1, -1):
        s = sentences[j]
        if s.paragraph != sentences[i].paragraph:
            break
        depth += sum(s.text.count(q) for q in _OPEN_QUOTES)
        depth -= sum(s.text.count(q) for q in _CLOSE_QUOTES)
    if depth <= 0:
        return None
    for s in sentences[i + 1:]:
        if s.paragraph != sentences[i].paragraph:
            return None
        if any(q in s.text for q in _CLOSE_QUOTES):
            return s
    return None


def _sentence_claims(
    sentence: Sentence, ctx: _Context, closer: Sentence | None, *, in_title: bool = False,
    dateline: bool = False,
) -> list[Claim]:
    text = sentence.text
    masked = mask_non_figures(text)
    mentions = find_numbers(text, masked)
    attributions = attr.find_attributions(text)
    places = find_places(text, [(a.start, a.end) for a in attributions], ctx.common)
    countries = [p for p in places if p.country]
    if countries:
        places = [p for p in places if not p.country]
        for p in countries:
            ctx.countries[p.key] += 1
    for p in places:
        if not p.known and p.key not in ctx.areas:
            # a place the gazetteer lacks lies in the known place the sentence puts it in,
            # else in the known place the sentence names nearest it, else in the known place
            # the text was last about
            near = min((q for q in places if q.known and q.key in KINDS),
                       key=lambda q: abs(q.start - p.start), default=None)
            ctx.areas[p.key] = p.parent or (near.key if near else ctx.last_known)
    dates = [d for d in find_dates(text, ctx.published, dateline=dateline) if d.incident]

    implied = None
    if dates and not places:
        implied = next(
            (p for p in reversed(ctx.recent_places) if ctx.date_of(p) == dates[0].date), None
        )

    figures = _figures(text, mentions)
    # what the figures are about: only worked out for a sentence that has some (the kind of
    # incident, but a running total, carries over to the next sentences)
    kind = incident_kind(text, totals=bool(figures)) or (
        ctx.para_kind if ctx.para_kind != "total" else None)
    if kind != "total" and any(_is_war_toll(text, f) for f in figures):
        kind = "total"
    if not figures:
        _update_context(ctx, places, dates, implied, attributions, text)
        ctx.para_kind = kind
        return []
    footage = bool(_FOOTAGE_RE.search(text))
    for fig in figures:  # what a video shows is a glimpse, not a toll; so are bodies seen
        if fig.measure in lexicon.PERSON_MEASURES and (footage or (
                (fig.subject_text or "").lower().endswith("bodies")
                and _BODIES_SEEN_RE.search(text))):
            fig.measure = None
    claims = []
    stance_re, subject = _STANCE.scanner(text, _scan.folded(text))
    stance = "without evidence" if stance_re.search(subject) else None
    fallback_place = implied or ctx.last_place or ctx.title_place
    side = incident_side(text, [(a.start, a.end) for a in attributions])
    for fig in figures:
        m = fig.mention
        name, actor = _attribution_for(text, m, attributions, ctx, closer)
        if kind == "total":  # a running total: of the country unless a place is named
            place = (_nearest_place(text, countries, m) or _nearest_place(text, places, m))
            stated = place is not None
            place = place or ctx.main_country()
            event_date = ctx.published  # the date it is a total up to
        else:
            place = _nearest_place(text, places, m)
            stated = place is not None
            if stated:
                ctx.placed.add((-1 if in_title else sentence.index, m.start))
            place = place or fallback_place
            event_date = _event_date(dates, m, place, ctx)
        event = _event_key(place, event_date, kind)
        claims.append(Claim(
            sentence=text, quote=text[m.start:fig.end], start=m.start, end=fig.end,
            value=m.value,
            bound=m.bound, low=m.low, high=m.high, approx=m.approx, measure=fig.measure,
            subject=fig.subject, subject_text=fig.subject_text, attributed_to=name,
            actor=actor, place=place, event_date=event_date, event=event, unit=m.unit,
            in_title=in_title, sentence_index=-1 if in_title else sentence.index,
            stance=stance, incident_kind=kind, side=side, area=ctx.areas.get(place),
            place_stated=stated,
        ))
    _update_context(ctx, places, dates, implied, attributions, text)
    ctx.para_kind = kind
    return _mark_parts(claims)


# "More than 300000 people have been killed": a toll this large, said in the perfect, runs
# over a war, not one incident
_PERFECT_TOLL_RE = re.compile(r"\b(?:ha(?:s|ve|d)\s+(?:\w+ly\s+)?(?:been\s+)?(?:\w+ly\s+)?"
                              r"(?:killed|died|claimed|left)|"
                              r"ha(?:s|ve|d)\s+lost\s+their\s+lives)\b", re.IGNORECASE)


def _is_war_toll(text: str, fig: _Figure) -> bool:
    low = fig.mention.low or 0
    return (fig.measure == "killed" and low >= 10_000 and not fig.mention.unit
            and bool(_PERFECT_TOLL_RE.search(text)))


def _mark_parts(claims: list[Claim]) -> list[Claim]:
    """A sentence that gives one measure of one subject for several places is a breakdown
    ("100 died in Kafr Batna, 61 in Douma and 67 in Saqba"): each figure is a part, the
    same figure only as another claim about that very place, never the whole's."""
    places: dict[tuple, set[str]] = {}
    for c in claims:
        if c.place and c.measure:
            places.setdefault((c.measure, c.subject), set()).add(c.place)
    return [replace(c, part=True) if c.place and len(places.get((c.measure, c.subject), ())) > 1
            else c for c in claims]


def _figures(text: str, mentions: list[NumberMention]) -> list[_Figure]:
    figures: list[_Figure] = []
    if not mentions:
        return figures
    triggers = lexicon.find_triggers(text)
    breaks = lexicon.clause_breaks(text, triggers)
    for i, m in enumerate(mentions):
        previous = figures[-1] if figures else None
        subject, subject_text, own, noun_end = _subject(text, m, previous)
        if m.weak and not _weak_ok(m, subject, own):
            continue
        if m.unit in DURATIONS:
            continue  # "for more than two years", "in the last 24 hours": not figures
        if m.kind == "zero" and subject is None:
            continue  # "none of the" without a counted noun
        if _REFERENCE_RE.search(text, max(0, m.start - 5), m.start) and _PARTIES_RE.match(
                text, m.end):
            continue  # "the two sides", "the two leaders": who, not how many
        if m.measure_hint:
            measure = m.measure_hint
        elif not m.unit and _TOLL_BEFORE_RE.search(text, max(0, m.start - 90), m.start):
            measure = "killed"  # "the death toll rose to 86", "death toll ... hits 43"
        elif m.unit:
            measure = None
        else:
            lower = mentions[i - 1].end if i else 0
            upper = mentions[i + 1].start if i + 1 < len(mentions) else len(text)
            measure = lexicon.find_measure(triggers, breaks, m.start, m.end, lower, upper,
                                           subject, noun_end, text)
            if measure is None and subject is not None and not own:
                # an inherited subject that does not fit the figure's own measure is dropped
                measure = lexicon.find_measure(triggers, breaks, m.start, m.end, lower, upper,
                                               None)
                if measure is not None:
                    subject, subject_text = None, None
            if (measure is None and previous and previous.measure and not previous.mention.unit
                    and lexicon.compatible(previous.measure, subject)):
                measure = previous.measure
            if measure is None and (at := _SUBSET_BEFORE_RE.search(
                    text, max(0, m.start - 20), m.start)):
                # "killing civilians including three children": a subset of the group the
                # clause before counts suffers what that group does
                measure = lexicon.find_measure(triggers, breaks, at.start(), at.start(),
                                               lower, upper, subject)
        if own and subject_text and subject_text.lower().endswith("casualties"):
            measure = "casualties"  # "dozens of casualties": the noun names the measure
        if measure and _POPULATION_RE.search(text, max(0, m.start - 45), m.start):
            measure = None  # "home to a pre-war population of 1.5 million": not a toll
        if subject is None and m.unit in UNIT_SUBJECTS:
            subject = UNIT_SUBJECTS[m.unit]
            measure = "share" if m.unit == "%" else measure
        elif subject is None and measure in lexicon.PERSON_MEASURES:
            subject = "people"  # "killing 16", "the death toll rose to 86"
        elif measure is None and subject == "airstrikes":
            measure = "strikes"  # "more than 520 air strikes" counts strikes carried out
        elif measure is None and subject in lexicon.PROJECTILES and _WITH_BEFORE_RE.search(
                text, max(0, m.start - 6), m.start):
            measure = "missiles_fired"  # "targeted the town with 13 rocket shells"
        subject, subject_text = _subset(text, m, subject, subject_text)
        end = m.end
        if m.kind == "zero" and m.noun_end is not None and own and noun_end:
            end = noun_end
        figures.append(_Figure(m, subject, subject_text, measure, end))
    for fig, following in reversed(list(zip(figures, figures[1:], strict=False))):
        # "30 soldiers and 39 fighters had been killed", "Five civilians including three
        # children were killed": a measure-less figure joined to the next one shares its measure
        # "22 children 6 teachers killed": a list whose commas the text has lost
        between = text[fig.end:following.mention.start]
        listed = bool(fig.subject_text) and between.strip(" ,").lower() == (
            fig.subject_text.lower())
        if (fig.measure is None and not fig.mention.unit and following.measure
                and len(between) <= 45 and (listed or _JOINED_RE.search(between))
                and lexicon.compatible(following.measure, fig.subject)):
            fig.measure = following.measure
    _across_asides(text, figures, triggers, breaks)
    return figures


_JOINED_RE = re.compile(r"\b(?:and|including|among)\b")
_WITH_BEFORE_RE = re.compile(r"\bwith\s+$", re.IGNORECASE)
_SUBSET_BEFORE_RE = re.compile(r"\b(?:including|among\s+them|among\s+whom)\s+$",
                               re.IGNORECASE)
_POPULATION_RE = re.compile(
    r"\b(?:population|populated|home)\s+(?:of|to)\s+(?:(?:an?|some|about|around|roughly|nearly|"
    r"estimated|pre-war|prewar|more|than|over)\s+)*$", re.IGNORECASE)
# "In a corridor outside lay another five bodies", "bodies wrapped in blankets": what is seen,
# unless the sentence says they were killed or found
_BODIES_SEEN_RE = re.compile(
    r"^(?!.*\b(?:killed|died|dead|found|recovered|retrieved|pulled|toll)\b).*\b(?:lay|lying|laid|"
    r"lined|wrapped|seen|saw|shown|filmed|pictured|photographed)\b", re.IGNORECASE)
_FOOTAGE_RE = re.compile(
    r"\b(?:videos?|footage|images?|pictures?|photos?|photographs?)\b[^.;]{0,80}?"
    r"\b(?:showed|shows|show|showing|appeared\s+to\s+show|depicted)\b", re.IGNORECASE)
# "Fifteen of the wounded were in critical condition", "three of the dead were children"
_SUBSET_RE = re.compile(
    r"\s+of\s+(?:the|them|those)\s+(?:wounded|injured|dead|victims|casualties|killed|bodies)\b"
    r"(?P<rest>[^,;.]{0,60})",
    re.IGNORECASE,
)
_SUBSET_WHO_RE = re.compile(
    r"\b(?:were|was|are)\s+(?:\w+\s+)?(children|women|civilians|soldiers|fighters|rebels|"
    r"militants|policemen|medics|journalists)\b", re.IGNORECASE)
_CRITICAL_RE = re.compile(
    r"(?:\s+(?:of\s+them|others|people|were|was|are|remain|remained|in|a|are\s+in|were\s+in)){1,3}"
    r"\s+(?:critical|serious|grave)\s+condition", re.IGNORECASE)
_UNIDENTIFIED_RE = re.compile(r"\b(?:yet\s+to\s+be\s+identified|unidentified)\b",
                              re.IGNORECASE)


def _subset(text: str, m: NumberMention, subject, subject_text):
    """A part of a counted group is its own subject: "fifteen of the wounded were in critical
    condition" (``critically_injured``), "three of the dead were children" (``children``),
    "10 bodies yet to be identified" (``unidentified_bodies``); a part that says nothing of
    who it is gets no subject (it is compared with nothing)."""
    if subject_text and _UNIDENTIFIED_RE.match(text, m.end + len(subject_text) + 1,
                                                m.end + len(subject_text) + 40):
        return "unidentified_bodies", subject_text
    if _UNIDENTIFIED_RE.search(text, m.end, min(len(text), m.end + 40)) and subject_text and (
            subject_text.lower().startswith("bod")):
        return "unidentified_bodies", subject_text
    if _CRITICAL_RE.match(text, m.end):  # "eight were in critical condition"
        return "critically_injured", subject_text
    found = _SUBSET_RE.match(text, m.end)
    if found is None:
        return subject, subject_text
    rest, group = found.group("rest"), text[found.start():found.start("rest")].strip()
    who = _SUBSET_WHO_RE.search(rest)
    if who:
        return lexicon_subject(who.group(1)), who.group(1)
    if re.search(r"\b(?:critical|serious)", rest, re.IGNORECASE):
        return "critically_injured", group
    return None, group


def lexicon_subject(noun: str) -> str:
    return {"policemen": "police"}.get(noun.lower(), noun.lower())
_REFERENCE_RE = re.compile(r"\b[Tt]he\s+$")
_PARTIES_RE = re.compile(
    r"\s+(?:sides|leaders|forces|countries|powers|presidents|parties|governments|nations|"
    r"armies|rivals|delegations|camps|superpowers|allies|men|groups)\b"
)
# "Sixteen civilians - including three children - were killed": an aside between dashes or
# brackets naming a subset, after which the sentence goes on
_ASIDE_RE = re.compile(
    r"\s[-–—(]\s?(?:including|among\s+them|among\s+whom|mostly|mainly)\b[^-–—()]{0,80}?"
    r"\s?[-–—)]"
    r"|\s(?:including|among\s+them|mostly|mainly)\s[\w\s]{0,40}?"
    r"(?=\s(?:were|was|have|had|has|are|been)\b)"
)


def _across_asides(text: str, figures: list[_Figure], triggers, breaks) -> None:
    """A figure whose counted noun is followed by an aside takes the measure after the aside;
    the figures inside the aside take it too."""
    for i, fig in enumerate(figures):
        if fig.measure is not None or fig.mention.unit:
            continue
        aside = _ASIDE_RE.search(text, fig.end, min(len(text), fig.end + 140))
        if aside is None or not re.fullmatch(r"[\w\s'-]{0,40}?", text[fig.end:aside.start()]):
            continue
        inside = [f for f in figures[i + 1:] if f.mention.start < aside.end()]
        after = [f for f in figures[i + 1:] if f.mention.start >= aside.end()]
        upper = after[0].mention.start if after else len(text)
        measure = lexicon.find_measure(triggers, breaks, aside.end(), aside.end(), aside.end(),
                                       upper, fig.subject)
        if measure is None:
            continue
        fig.measure = measure
        for f in inside:
            if f.measure is None and lexicon.compatible(measure, f.subject):
                f.measure = measure
_TOLL_BEFORE_RE = re.compile(
    r"\b(?:death|casualty)\s+toll\b[^.;:]{0,70}?\b(?:rose|rises|risen|rising|climbed|climbs|"
    r"jumped|jumps|hit|hits|reached|reaches|stands|stood|is|was|has|at|to)\s+"
    r"(?:(?:at|to|reached|risen\s+to|climbed\s+to)\s+)?"
    r"(?:(?:at\s+least|more\s+than|over|nearly|almost|about|around|some)\s+)?$",
    re.IGNORECASE,
)
DURATIONS = frozenset({"hours", "minutes", "days", "weeks", "months", "years"})
#: What a figure with a unit and no counted noun measures.
UNIT_SUBJECTS = {"%": "percent", "m": "meters", "km": "kilometers", "mi": "miles",
                 "USD": "money", "EUR": "money", "GBP": "money", "t": "tonnes"}


def _subject(
    text: str, m: NumberMention, previous: _Figure | None
) -> tuple[str | None, str | None, bool, int | None]:
    """(subject, subject text, found after the figure itself?, end of the noun phrase)."""
    if m.subject_hint:
        return m.subject_hint, _zero_noun(m), True, None
    found = lexicon.find_subject(text, m.end)
    if found:
        return found[0], found[1], True, found[2]
    if m.unit:
        return None, None, False, None
    inherited = previous if previous and previous.subject and not previous.mention.unit else None
    if lexicon.next_word(text, m.end) in lexicon.PERSON_MEASURE_WORDS:
        if inherited and inherited.subject in lexicon.PERSONS:
            return inherited.subject, inherited.subject_text, False, None
        return "people", None, False, None
    plain = lexicon.plain_noun(text, m.end)
    if plain:  # "two pro-opposition groups": counts groups (no person measure fits them)
        return plain[0], plain[1], True, plain[2]
    if inherited and m.kind != "zero":
        return inherited.subject, inherited.subject_text, False, None
    return None, None, False, None


def _zero_noun(m: NumberMention) -> str | None:
    words = m.quote.split()
    return words[-1] if len(words) == 2 else None


def _weak_ok(m: NumberMention, subject: str | None, own: bool) -> bool:
    if not own or subject is None:
        return False
    if m.quote.lower() == "one":
        return subject in lexicon.PERSONS or subject in lexicon.PROJECTILES
    return True


def _attribution_for(
    text: str, m: NumberMention, attributions: list[attr.Attribution], ctx: _Context,
    closer: Sentence | None,
) -> tuple[str | None, str | None]:
    chosen = attr.pick(attributions, m.start, m.end)
    if chosen is None and closer is not None:
        closing = [a for a in attr.find_attributions(closer.text) if a.direction != "forward"]
        chosen = closing[0] if closing else None
    if chosen is None:
        return None, None
    if chosen.anaphor:
        earlier = [a for a in attributions if a.end <= chosen.start and not a.anaphor]
        if earlier:
            return chosen.name, earlier[-1].actor
        return chosen.name, ctx.para_actor[1] if ctx.para_actor else None
    return chosen.name, chosen.actor


def _nearest_place(text: str, places: list[PlaceMention], m: NumberMention) -> str | None:
    """The place nearest the figure; cities before regions, and a place people came *from*
    ("evacuees from Foua and Kefraya") only when no other place is named."""
    def distance(p: PlaceMention) -> int:
        return m.start - p.end if p.end <= m.start else p.start - m.end

    pool = [p for p in places if not p.region] or places
    pool = [p for p in pool if not _ORIGIN_RE.search(text, max(0, p.start - 60), p.start)] or pool
    # the figure's own clause first: "100 in Zamalka, 61 in Douma" puts 61 in Douma
    ahead = [p for p in pool if p.start >= m.end and p.start - m.end <= 60
             and not _CLAUSE_END.search(text, m.end, p.start)]
    if not pool:
        return None
    nearest = min(ahead or pool, key=distance)
    # "the town of Khan Sheikhun in Idlib killing 87": the most specific of the places that
    # lie in one another, when the nearest is followed or preceded by one within it
    inner = [p for p in pool if p.key != nearest.key
             and nearest.key in ancestors(p.key, p.parent) and _said_within(text, p, nearest)]
    return min(inner, key=distance).key if inner else nearest.key


_CLAUSE_END = re.compile(r"[,;:()]|\band\b|\bwhile\b|\bwhereas\b")
_INNER_THEN_OUTER_RE = re.compile(  # "Khan Sheikhun in Idlib", "Jisreen, a town in Ghouta"
    r"(?:['’]s)?\s*,?\s*(?:(?:a|the)\s+(?:\w+\s+){0,2}?)?(?:(?:village|town|city|district|area|"
    r"suburb|neighbou?rhood)\s+)?(?:in|near|outside|of|on\s+the\s+outskirts\s+of)\s+(?:the\s+)?"
    r"(?:(?:northern|southern|eastern|western|central|rebel-held|northwestern|northeastern|"
    r"southwestern|southeastern)\s+)?(?:(?:city|town|province|region|countryside)\s+of\s+)?$")
_OUTER_THEN_INNER_RE = re.compile(  # "Aleppo's Sukkari district", "the Idlib town of Ariha"
    r"(?:['’]s)?\s+(?:[\w-]+\s+)?(?:(?:town|village|district|suburb|city|neighbou?rhood)\s+of\s+)?$")


def _said_within(text: str, inner: PlaceMention, outer: PlaceMention) -> bool:
    """Does the text put ``inner`` in ``outer`` where it names them?"""
    if inner.end <= outer.start:
        return bool(_INNER_THEN_OUTER_RE.fullmatch(text, inner.end, outer.start))
    if outer.end <= inner.start:
        return inner.start - outer.end <= 30 and bool(
            _OUTER_THEN_INNER_RE.fullmatch(text, outer.end, inner.start))
    return False


_ORIGIN_RE = re.compile(
    r"\bfrom\s+(?:the\s+)?(?:(?:besieged|rebel-besieged|government-held|rebel-held|shiite|"
    r"two|towns?|villages?|city|of|and|[A-Z][\w'-]*)\s+){0,8}$"
)


def _event_date(dates, m: NumberMention, place: str | None, ctx: _Context) -> date | None:
    if dates:
        return min(dates, key=lambda d: abs(d.start - m.start)).date
    if ctx.para_date and ctx.para_date_place == place:
        return ctx.para_date
    if place:
        return ctx.date_of(place)
    return ctx.published


def _update_context(ctx: _Context, places, dates, implied, attributions, text="") -> None:
    # regions first, then cities, then places people came *from* ("evacuees from Foua"):
    # the last noted is the place the next sentences are taken to be about
    origin = [p for p in places if text and _ORIGIN_RE.search(text, max(0, p.start - 60), p.start)]
    ranked = ([p for p in places if p.region and p not in origin]
              + [p for p in places if not p.region and p not in origin])
    for p in (origin + ranked) if ranked else origin:
        ctx.note_place(p.key)
    if implied and not places:
        ctx.note_place(implied)
    for d in dates:
        if d.coarse:
            continue  # background ("in April"): not the date of what follows
        target = _place_of_date(places, d) or implied
        if target:
            ctx.place_dates[target] = d.date
        elif ctx.last_place:
            ctx.place_dates.setdefault(ctx.last_place, d.date)
        ctx.para_date, ctx.para_date_place = d.date, target or ctx.last_place
    named = [a for a in attributions if not a.anaphor and a.actor]
    if named:
        ctx.para_actor = (named[-1].name, named[-1].actor)


def _place_of_date(places: list[PlaceMention], d) -> str | None:
    """The place a date is about: the next place in its clause, else the nearest before."""
    for p in places:
        if p.start >= d.end:
            return p.key if p.start - d.end < 90 else None
    before = [p for p in places if p.end <= d.start]
    return before[-1].key if before else None
