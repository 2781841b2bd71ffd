"""The kind of incident a figure is about, and whether it is a running total.

Kinds (coarse on purpose, so that outlets describing one incident in different words still
agree): ``chemical``, ``bombing`` (car bombs, suicide attacks, explosive devices),
``shelling`` (shells, mortars, rockets, artillery, missiles), ``airstrike`` (air strikes and
raids, warplanes, helicopters, barrel bombs), ``clashes`` (fighting, battles, offensives,
ambushes), ``execution``. When a sentence names several, the first kind in that order
wins ("a missile strike" is ``shelling``); a bare "strikes" or "raids" names no kind (outlets
say it of air strikes and of shelling alike). ``None`` when the sentence names none.

``total``: a cumulative figure over a period rather than one incident ("since 2011", "since
the start of the war", "so far this year", "the war has killed", "since then", "the five-year
conflict", "seven days of airstrikes", "over the past week", "during the past 24 hours", "in
three days", "over the whole weekend", "since a truce collapsed", "since late September",
"since 21 May", "overall", "in two more incidents", "the strikes have killed", "the total
death toll"). Not when the war only describes who speaks ("the Observatory, which monitors
Syria's five-year conflict") or what the incident is the first or worst of ("the first car
bomb since the outbreak of the war"). Totals are only compared with totals.

``side``: who carried the incident out, when the sentence says so and names only one side:
``rebels`` (rebels, opposition, named rebel groups; not "terrorists", which state media say of
every armed group), ``government``
(the regime, the army, government forces and warplanes), ``coalition`` (the US-led coalition),
``russia``, ``is`` (the Islamic State group). Two outlets' figures about one place and day
with different sides are two incidents ("rebel rocket fire on Damascus killed 3",
"regime air strikes on Ghouta killed 45").
"""

from __future__ import annotations

import re

from . import _scan

#: Kinds of incident rare enough that one named by its country and day is identified: "the
#: chemical attack that killed more than 1,400 people on August 21" is the one in Eastern
#: Ghouta, though the text names no town. A figure of such a kind that its text places
#: nowhere else, or only at a first place abroad, is about the country its text names most
#: (``claims._place_titles``), and is compared with figures anywhere in that country
#: (``conflicts.same_country``); for other kinds a country is too wide to tell one day's
#: incidents apart.
RARE_KINDS = frozenset({"chemical"})

_KINDS: tuple[tuple[str, str], ...] = (
    ("chemical", r"chemical|sarin|chlorine|nerve\s+agents?|toxic\s+gas|poison(?:ous)?\s+gas|"
                 r"gas\s+attacks?"),
    ("bombing", r"car[\s-]bombs?|suicide|bomb\s+attacks?|explosive\s+devices?|ieds?|"
                r"booby[\s-]trap\w*|blasts?|explosions?|detonat\w+"),
    ("shelling", r"missile\s+strikes?|missiles?|rockets?|shell(?:s|ing|ed)|mortars?|"
                 r"artillery|projectiles?|himars|grads?"),
    ("airstrike", r"air\s*strikes?|air\s*raids?|warplanes?|fighter\s+jets|jets|helicopters?|"
                  r"barrel\s+bombs?|aerial|aircraft"),
    ("clashes", r"clash(?:es|ed)?|fighting|battles?|offensive|ambush\w*|firefights?|assaults?"),
    ("execution", r"execut(?:ed|ion|ions)|beheaded|beheading"),
)
_KIND_RES = tuple((kind, _scan.Folded(rf"\b(?:{pattern})\b")) for kind, pattern in _KINDS)
# Speed: one search for any kind's word first; most sentences name none
_ANY_KIND = _scan.Folded(rf"\b(?:{'|'.join(pattern for _, pattern in _KINDS)})\b")
_MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|"
          r"december)\b")
_TOTAL = _scan.Folded(
    r"\bsince\s+(?:the\s+)?(?:start|beginning|outbreak|onset)\b|\bsince\s+(?:march\s+)?"
    r"(?:19|20)\d\d\b|\bso\s+far\s+this\s+(?:year|month)\b|\bto\s+date\b|"
    r"\b(?:the|six-year|five-year|seven-year|civil)\s+(?:civil\s+)?(?:war|conflict)\s+"
    r"(?:has|have|had)\b|\b(?:war|conflict)\s+(?:that|which)\s+(?:has|have|had|began|started)"
    r"\b|\b(?:over|in|during|within)\s+the\s+(?:past|last|previous)\s+(?:[\w-]+\s+)?"
    r"(?:hours?|days?|weeks?|months?|years?)\b|"
    r"\bin\s+recent\s+(?:days|weeks|months)\b|"
    r"\bin\s+(?:two|three|four|five|six|seven|ten|\d+)\s+(?:days|weeks|months)\b|"
    r"\b(?:in|over)\s+(?:a|the)\s+(?:whole\s+|entire\s+)?(?:week|weekend|month)\s+of\b|"
    r"\bover\s+the\s+(?:whole\s+|entire\s+)?(?:weekend|week|month)\b|"
    r"\btotal\s+(?:death\s+)?toll\b|\bthe\s+(?:death\s+)?toll\s+(?:includes|over|since)\b|"
    r"\bthe\s+deaths\s+include\b|"
    rf"\bsince\s+(?:early|late|mid)[\s-]{_MONTH}|"
    r"\bcumulative\b|\bsince\s+then\b|\b(?:has|have|had)\s+since\b|"
    r"\bsince\s+(?:last\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|"
    r"weekend|month)\b|\b(?:deadliest|bloodiest)\s+(?:day|week|month|year)\b|"
    r"\b(?:escalating|ongoing|renewed|continuing)\s+(?:bombing\s+|air\s+|military\s+)?"
    r"(?:campaign|offensive)\b|\b(?:campaign|offensive)\s+(?:that|which)\s+(?:began|started)\b|"
    r"\bsince\s+(?:the|a|an)\s+(?:[\w.-]+\s+){0,6}?(?:began|started|erupted|was\s+launched|"
    r"collapsed|broke\s+down|ended|took\s+effect)\b|"
    r"\bsince\s+(?:it|they|the\s+(?:group|regime|army|militants|rebels))\s+(?:\w+\s+)?"
    r"(?:declared|began|started|launched|took|seized|captured|entered|arrived)\b|"
    r"\bsince\s+the\s+(?:conflict|war|uprising|revolution|crisis)\b|"
    r"\bthroughout\s+the\s+(?:war|conflict|country)\b|"
    r"\b(?:killed|died|dead)\s+(?:in|during)\s+(?:the\s+)?(?:\w+['’]?s?\s+)?(?:\w+-year\s+)?"
    r"(?:civil\s+)?(?:war|conflict|uprising)\b|"
    r"\b(?:\w+-year|years-long)\s+(?:civil\s+)?(?:war|conflict)\b|"
    r"\b(?:war|conflict)\s+in\s+\w+\s+(?:has|have|had)\b|"
    r"\b[\w-]+\s+(?:hours|days|weeks|months)\s+of\s+(?:air\s*strikes|raids|bombing|"
    r"bombardment|shelling|fighting|clashes|violence)\b|"
    rf"\bsince\s+(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}\b)|\boverall\b|"
    r"\bin\s+(?:two|three|four|five|several|separate|multiple)\s+(?:more\s+|other\s+|separate\s+)?"
    r"(?:incidents|attacks|strikes|raids)\b|"
    r"\b(?:strikes|airstrikes|air\s+strikes|raids|air\s+raids|attacks|bombardment|offensive|"
    r"campaign)\s+(?:that\s+|which\s+)?(?:have|has)\s+(?:so\s+far\s+)?(?:killed|left|claimed)\b",
)

#: "among the worst attacks in the country's six-year war", "the first blast since the war
#: began": the war is the comparison, the figure one incident's; "the Observatory, which
#: monitors Syria's five-year conflict": the war describes the monitor.
_NOT_A_TOTAL_BEFORE = re.compile(
    r"\b(?:worst|deadliest|bloodiest|biggest|largest|first)\b[^,;]*$"
    r"|\bmonitor(?:s|ing)?\s+(?:[\w'’]+\s+){0,2}$", re.IGNORECASE)


def incident_kind(sentence: str, *, totals: bool = True) -> str | None:
    """``total``, one of the kinds above, or None (``totals=False``: the kind alone)."""
    lowered = _scan.folded(sentence)
    if totals:
        pattern, subject = _TOTAL.scanner(sentence, lowered)
        for m in pattern.finditer(subject):
            if not _NOT_A_TOTAL_BEFORE.search(subject, max(0, m.start() - 50), m.start()):
                return "total"
    pattern, subject = _ANY_KIND.scanner(sentence, lowered)
    if not pattern.search(subject):
        return None
    for kind, folded in _KIND_RES:
        pattern, subject = folded.scanner(sentence, lowered)
        if pattern.search(subject):
            return kind
    return None


_SIDES: tuple[tuple[str, str], ...] = (
    ("is", r"islamic\s+state|isis|isil|daesh|is\s+(?:group|militants|fighters|jihadists)"),
    ("coalition", r"(?:us|u\.s\.)[\s-]led|coalition"),
    ("russia", r"russian\s+(?:air\s*strikes|warplanes|jets|aircraft|raids|bombing|forces)"),
    ("government", r"regime|government\s+(?:forces|troops|air\s*strikes|warplanes|jets|"
                   r"shelling|bombardment|helicopters)|syrian\s+(?:army|troops|warplanes|jets|air\s*strikes|"
                   r"government\s+forces|air\s+force)|pro-government|loyalist|assad\s+forces"),
    ("rebels", r"rebels?|opposition\s+(?:fighters|forces|groups)|"
               r"jaysh\s+al-islam|jaish\s+al-islam|nusra|fateh\s+al-sham|ahrar\s+al-sham|"
               r"militants?\s+(?:fired|shelled)"),
)
#: What an attacker does: a side is the incident's only when the sentence makes it the agent
#: ("regime forces fired", "rebel shelling", "air strikes by the coalition"), not a target
#: ("air strikes on IS positions").
_ATTACK = (r"air\s*strikes?|airstrikes?|strikes?|raids?|warplanes?|jets|aircraft|helicopters?|shelling|"
           r"shells?|rockets?|mortars?|artillery|bombing|bombardment|attacks?|fire|offensive|"
           r"assault|fired|shelled|bombed|struck|attacked|launched|dropped|targeted|killed|"
           r"executed|stormed|pounded|claimed")
_TARGETS = (r"(?:positions?|areas?|targets?|bases?|strongholds?|hideouts?|sites?|territory|"
            r"posts?|headquarters|convoys?|members)")
_SIDE_RES = tuple(
    (side, re.compile(
        rf"\bby\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}?(?:{pattern})\b"
        rf"|\b(?:{pattern})(?:[\s-]+(?!{_TARGETS}\b)[\w-]+){{0,2}}?[\s-]+(?:{_ATTACK})\b"
        rf"|\b(?:{pattern})['’]s\s+(?:[\w-]+\s+)?(?:{_ATTACK})\b"
        rf"|\b(?=(?:{pattern})\b)(?:[\w.-]+\s+){{0,2}}?(?:{_ATTACK})\b",  # "Syrian warplanes"
        re.IGNORECASE))
    for side, pattern in _SIDES)


_ANY_SIDE_RE = re.compile(rf"\b(?:{'|'.join(pattern for _, pattern in _SIDES)})\b", re.IGNORECASE)


# who holds a place is not who attacked it: "the rebel-held town", "regime-controlled areas"
_HELD_WORDS = ("held", "controlled", "dominated", "besieged", "occupied", "-run")
_HELD_RE = re.compile(
    r"\b[\w.]+(?:\s+[\w.]+)?(?:[\s-](?:held|controlled|dominated|besieged|occupied)|-run)\b",
    re.IGNORECASE)


def incident_side(sentence: str, sources: list[tuple[int, int]] = ()) -> str | None:
    """The one side the sentence says carried the incident out, else None. Who says so
    (``sources``: the attribution phrases, "a monitor and rebels said") is not a side."""
    for start, end in sources:
        sentence = sentence[:start] + " " * (end - start) + sentence[end:]
    if any(word in sentence for word in _HELD_WORDS):
        sentence = _HELD_RE.sub(" ", sentence)
    if not _ANY_SIDE_RE.search(sentence):
        return None
    found = {side for side, pattern in _SIDE_RES if pattern.search(sentence)}
    return found.pop() if len(found) == 1 else None
