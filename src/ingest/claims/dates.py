"""Incident dates: date expressions of a sentence resolved against the publication date.

Resolved expressions (``published`` = P):

* weekdays ("on Sunday", "Sunday's", "Saturday night", "Saturdays blast"): the most recent
  such weekday on or before P;
* "today", "tonight", "this morning", "overnight" -> P; "yesterday", "last night" -> P - 1 day;
  "last week" / "last week's" -> P - 7 days; "earlier this week" -> the middle of the days of
  P's week before P (Wednesday for a Saturday); "two / three / a few days ago" -> P - 2 / 3;
* "New Year's night / Eve / Day": January 1 (the night Dec 31 -> Jan 1) of P's year, or of the
  next year when P is in December;
* explicit dates "January 1", "Jan. 1, 2023", "1 January 2023", "2023-01-02", "8/1/2023"
  (month/day unless that lies after P and day/month does not); a missing year is P's year, or
  the year before if that would put the date after P; "August 2013" -> the 1st of the month.
* months and periods without a day: "in April", "earlier in July" -> the 1st of the latest
  such month not after P; "last month" -> the 1st of the month before P's; "last year",
  "earlier this year" -> January 1. These *coarse* dates mark background ("In July a suicide
  bomb killed 16 in Hasaka"): a figure dated so is a different incident from the day's, and
  the date is not carried to the following sentences.

Announcement dates are not incident dates: a date directly after a saying verb ("Moscow said
on Sunday", "said in a statement on Sunday", "told Reuters on Sunday") is flagged
``incident=False`` (not an attributive one: "says an August 21 attack killed..."), as is a
dateline at the very start of an article.  Years alone ("in 2017") are not dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from . import _scan

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_DATE_RE = re.compile(
    r"\b(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})\b"
    rf"|\b(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm>{_MONTH})\b\.?"
    r"(?:,?\s+(?P<dy>\d{4}))?"
    rf"|\b(?P<mm>{_MONTH})\b\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<my>\d{{4}}))?"
    rf"|\b(?P<om>{_MONTH})\b\.?,?\s+(?P<oy>\d{{4}})\b"
    r"|\b(?P<n1>\d{1,2})/(?P<n2>\d{1,2})/(?P<ny>\d{4}|\d{2})\b"
    r"|\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:['’]?s)?\b"
    r"|\b(?P<rel>yesterday|today|tonight|this\s+morning|overnight|last\s+night|"
    r"last\s+week(?:['’]?s)?|earlier\s+(?:this|in\s+the)\s+week|(?:a\s+few|several|two|three)"
    r"\s+days\s+ago|days\s+ago)\b"
    rf"|\b(?:in|during|early|late|mid|earlier\s+in|later\s+in)[\s-]+(?P<lm>{_MONTH})\b(?!\.?\s+\d)"
    r"|\b(?P<lp>last\s+(?:month|year)|earlier\s+this\s+year)\b"
    r"|\b(?P<ny_>New\s+Year['’]?s?(?:\s+(?:night|eve|day))?)",
    re.IGNORECASE,
)
# Speed (see ._scan): every date expression starts at a word starting with one of these.
_DATE_ANCHOR = _scan.Folded(
    r"\b(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|yesterday|today|tonight|this|overnight|last|new|in|"
    r"during|early|late|mid|earlier|later|a\s+few|several|two|three|days)"
)
_CASE_SENSITIVE = re.compile(rf"{_MONTH}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")
_SAID_BEFORE_RE = re.compile(
    r"\b(?:said|says|confirmed|told|announced|reported|claimed|added|stated|declared|commented|"
    r"insisted|warned|wrote|tweeted)\b[^,;.]{0,45}$",
    re.IGNORECASE,
)
#: "says an August 21 attack killed...": after an article the date is what follows it names.
_ATTRIBUTIVE_RE = re.compile(r"\b(?:an?|the)\s+$", re.IGNORECASE)
_SINCE_RE = re.compile(r"\b(?:since|until|till|through|throughout|before|by)\s+(?:the\s+)?(?:end\s+of\s+)?$",
                       re.IGNORECASE)
_INCIDENT_RE = re.compile(
    r"\b(?:attack|strike|shelling|bombing|blast|explosion|raid|massacre|killed|died|fighting|"
    r"bombardment|clashes|happened|occurred|took place)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    date: date
    incident: bool  # False for announcement dates and datelines
    coarse: bool = False  # a month or a year ("in April", "last year"): background, not carried


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_year(month: int, day: int, year: str | None, published: date | None) -> date | None:
    if year:
        return _safe(int(year), month, day)
    if published is None:
        return None
    found = _safe(published.year, month, day)
    if found and found > published + timedelta(days=1):
        found = _safe(published.year - 1, month, day)
    return found


def _resolve(m: re.Match, published: date | None) -> date | None:
    g = m.groupdict()
    if g["iy"]:
        return _safe(int(g["iy"]), int(g["im"]), int(g["id"]))
    if g["dm"]:
        return _with_year(MONTHS[g["dm"][:3].lower()], int(g["dd"]), g["dy"], published)
    if g["mm"]:
        return _with_year(MONTHS[g["mm"][:3].lower()], int(g["md"]), g["my"], published)
    if g["om"]:
        return _safe(int(g["oy"]), MONTHS[g["om"][:3].lower()], 1)
    if g["n1"]:
        year = int(g["ny"]) + (2000 if len(g["ny"]) == 2 else 0)
        us = _safe(year, int(g["n1"]), int(g["n2"]))
        eu = _safe(year, int(g["n2"]), int(g["n1"]))
        if us and eu and published and us > published >= eu:
            return eu
        return us or eu
    if published is None:
        return None  # relative expressions need the publication date
    if g["wd"]:
        back = (published.weekday() - WEEKDAYS[g["wd"].lower()]) % 7
        return published - timedelta(days=back)
    if g["rel"]:
        rel = re.sub(r"\s+", " ", g["rel"].lower())
        if rel.startswith("last week"):
            return published - timedelta(days=7)
        if rel.startswith("earlier"):  # the middle of the days of the week before P
            return published - timedelta(days=max(1, (published.weekday() + 1) // 2))
        if rel.endswith("days ago"):
            return published - timedelta(days={"two": 2, "three": 3}.get(rel.split()[0], 3))
        if rel in ("yesterday", "last night"):
            return published - timedelta(days=1)
        return published
    if g["ny_"]:
        return date(published.year + (1 if published.month == 12 else 0), 1, 1)
    if g["lm"]:  # "in April": the 1st of the latest April not after P
        month = MONTHS[g["lm"][:3].lower()]
        return date(published.year - (month > published.month), month, 1)
    if g["lp"]:
        period = re.sub(r"\s+", " ", g["lp"].lower())
        if period == "last month":
            return (published.replace(day=1) - timedelta(days=1)).replace(day=1)
        return date(published.year - (period == "last year"), 1, 1)
    return None


def find_dates(sentence: str, published: date | None, *, dateline: bool = False) -> list[DateMention]:
    """Date expressions of ``sentence`` (``dateline``: the sentence opens the article)."""
    out: list[DateMention] = []
    anchor, subject = _DATE_ANCHOR.scanner(sentence, _scan.folded(sentence))
    for m in _scan.finditer_at_anchors(_DATE_RE, sentence, anchor, subject):
        text = m.group(0)
        if (m.group("dm") or m.group("mm") or m.group("om") or m.group("wd")
                or m.group("lm")) and not (
            _CASE_SENSITIVE.search(text)
        ):
            continue  # "may 5", "march" as verbs
        resolved = _resolve(m, published)
        if resolved is None:
            continue
        incident = True
        if _SINCE_RE.search(sentence, max(0, m.start() - 40), m.start()):
            incident = False  # "since March 2011", "until Sunday"
        elif dateline and m.start() <= 12 and not m.group("rel"):
            incident = False
        else:
            said = _SAID_BEFORE_RE.search(sentence, max(0, m.start() - 70), m.start())
            if said and not _INCIDENT_RE.search(said.group(0)) and not _ATTRIBUTIVE_RE.search(
                    said.group(0)):
                incident = False
        out.append(DateMention(m.start(), m.end(), resolved, incident,
                               coarse=bool(m.group("lm") or m.group("lp") or m.group("om")
                                           or _VAGUE_DAY_RE.match(text))))
    return out


_DATELINE_RE = re.compile(
    r"\W*(?:(?:published|posted|updated|last\s+updated|date\s+of\s+publication)"
    r"(?:\s+(?:on|at))?\s*:?\s*)?"
    r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?$",
    re.IGNORECASE,
)


def dateline_date(text: str, published: date | None) -> date | None:
    """The date an article's text opens with ("Published April 5 2017 ...", "Tuesday 4 Apr
    2017 ...", "Date of publication 4 April 2017 ...", "21.08.2013 ..."), when it states a
    full date within a year of ``published``; else ``published``.

    The text's own dateline is the date its relative dates ("on Tuesday") count from: a
    page's metadata or an archive's index can carry another date (a later update, the day it
    was collected)."""
    head = text[:60]
    found = None
    later = _LATE_DATELINE_RE.search(text, 0, 200)
    if later:
        # "Some 20 civilians killed in Syria aid convoy attack Red Cross AFP Tuesday 20 Sep
        # 2016 The air raids...": a repeated headline, then the agency's dateline
        date_match = _DATE_RE.match(text, later.start("date"))
        if date_match and (date_match.group("dy") or date_match.group("my")):
            found = _resolve(date_match, published)
            if found and not (published and abs((found - published).days) > 366):
                return found
            found = None
    dotted = _DOTTED_RE.match(head)
    if dotted:
        found = _safe(int(dotted["y"]), int(dotted["m"]), int(dotted["d"]))
    for m in () if dotted else _DATE_RE.finditer(head):
        if m.group("wd"):
            continue  # "Tuesday 4 Apr 2017": the weekday opens the dateline
        g = m.groupdict()
        if _DATELINE_RE.fullmatch(head, 0, m.start()) and (
                g["iy"] or g["dy"] or g["my"] or g["ny"]):  # a dateline states its year
            found = _resolve(m, published)
        break
    if found is None or (published and abs((found - published).days) > 366):
        return published
    return found


# "earlier this week", "three days ago": a day guessed, dating its own sentence only
_VAGUE_DAY_RE = re.compile(r"(?i:earlier|.*days\s+ago)")
_LATE_DATELINE_RE = re.compile(
    r"\b(?:AFP|Reuters|AP|Associated\s+Press|Anadolu(?:\s+Agency)?|SANA|TASS|Sputnik|DPA|EFE)\s+"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\s+)?(?P<date>\d{1,2}\s+[A-Z][a-z]{2,8}\.?\s+\d{4}"
    r"|[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4})")
_DOTTED_RE = re.compile(r"\W*(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\d)")
