"""Score the claims engine and the conflict rules against labelled claims.

The labelled development set and its conventions are in ``tests/claims_devset``.

A predicted claim *matches* a gold claim when their spans in the same document (title or
text) overlap; each gold claim matches at most one prediction (the one overlapping most).
On matched pairs:

- value: equal ``value`` (or, for ranges and vague quantities, equal ``low``/``high``);
- value+bound: value, ``bound``, ``low`` and ``high`` all equal;
- subject / measure accuracy: share of value-matched pairs with the same subject / measure.

Event links: over all pairs of predictions (across documents) matched to gold claims that
share a predicted ``event`` key, the share whose gold ``incident`` is the same.

Conflicts are scored by ``score_conflicts`` from review items built by the real
store/review code (see ``bench/claims_quality.py``): recall over labelled conflict pairs,
and precision over the claim pairs that an item shows together (are they the same figure:
same incident, measure and subject).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path

from ingest.claims import Claim, extract_claims
from ingest.claims.sentences import split_text


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    source: str
    published: date | None
    title: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Gold:
    id: str
    doc_id: str
    in_title: bool
    start: int
    end: int
    data: dict


@dataclass(slots=True)
class Scores:
    predicted: int = 0
    gold: int = 0
    span_matches: int = 0
    value_matches: int = 0
    bound_matches: int = 0
    subject_matches: int = 0
    measure_matches: int = 0
    event_pairs: int = 0
    event_pairs_right: int = 0
    misses: list = field(default_factory=list)
    false_alarms: list = field(default_factory=list)
    wrong: list = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 4) if b else 0.0

        def f1(p: float, r: float) -> float:
            return round(2 * p * r / (p + r), 4) if p + r else 0.0

        vp, vr = ratio(self.value_matches, self.predicted), ratio(self.value_matches, self.gold)
        bp, br = ratio(self.bound_matches, self.predicted), ratio(self.bound_matches, self.gold)
        return {
            "value_precision": vp,
            "value_recall": vr,
            "value_f1": f1(vp, vr),
            "value_bound_f1": f1(bp, br),
            "subject_accuracy": ratio(self.subject_matches, self.value_matches),
            "measure_accuracy": ratio(self.measure_matches, self.value_matches),
            "event_link_precision": ratio(self.event_pairs_right, self.event_pairs),
        }


def load_devset(folder: Path) -> tuple[list[Document], dict[str, list[Gold]], list[dict]]:
    """Documents, gold claims by document, and labelled conflict pairs."""
    docs = []
    for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        published = date.fromisoformat(row["published"]) if row.get("published") else None
        docs.append(Document(row["id"], row["source"], published, row.get("title"), row["text"]))
    by_id = {d.id: d for d in docs}
    gold: dict[str, list[Gold]] = {d.id: [] for d in docs}
    for path in sorted(folder.glob("claims*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            doc = by_id[row["doc_id"]]
            where = (doc.title or "") if row.get("in_title") else doc.text
            at = where.find(row["context"])
            if at < 0:
                raise ValueError(f"{row['id']}: context not found")
            start = at + row["context"].find(row["quote"])
            gold[doc.id].append(Gold(row["id"], doc.id, bool(row.get("in_title")), start,
                                     start + len(row["quote"]), row))
    conflicts = []
    for path in sorted(folder.glob("conflicts*.jsonl")):
        conflicts += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return docs, gold, conflicts


def absolute_spans(doc: Document, claims: Sequence[Claim]) -> list[tuple[bool, int, int]]:
    """(in_title, start, end) of each claim in the document's title or text."""
    offsets = _sentence_offsets(doc.text)
    spans = []
    for claim in claims:
        if claim.in_title:
            base = (doc.title or "").find(claim.sentence)
            spans.append((True, max(base, 0) + claim.start, max(base, 0) + claim.end))
        else:
            base = offsets.get(claim.sentence_index, 0)
            spans.append((False, base + claim.start, base + claim.end))
    return spans


def _sentence_offsets(text: str) -> dict[int, int]:
    lines, position = [], 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            lines.append(position)
        position += len(line)
    offsets = {}
    for sentence in split_text(text):
        para = lines[sentence.paragraph]
        offsets[sentence.index] = text.find(sentence.text, para + max(sentence.start - 2, 0))
    return offsets


#: The engine names missile measures by what they count; the labels by the act alone.
_MEASURE_NAMES = {"missiles_fired": "fired", "missiles_intercepted": "intercepted",
                  "missiles_hit": "hit", "shot_down": "destroyed"}


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-6)


def value_match(claim: Claim, gold: dict) -> bool:
    if gold.get("value") is not None or claim.value is not None:
        return _close(claim.value, gold.get("value"))
    return _close(claim.low, gold.get("low")) and _close(claim.high, gold.get("high"))


def bound_match(claim: Claim, gold: dict) -> bool:
    return (value_match(claim, gold) and claim.bound == gold.get("bound")
            and _close(claim.low, gold.get("low")) and _close(claim.high, gold.get("high")))


def match_spans(spans: Iterable[tuple[bool, int, int]],
                gold: Sequence[Gold]) -> list[Gold | None]:
    """For each (in_title, start, end) span in turn, the gold claim of the same part (title
    or text) it overlaps most among those not taken yet, or None."""
    found, used = [], set()
    for in_title, start, end in spans:
        best, overlap = None, 0
        for g in gold:
            if g.id in used or g.in_title != in_title:
                continue
            common = min(end, g.end) - max(start, g.start)
            if common > overlap:
                best, overlap = g, common
        if best is not None:
            used.add(best.id)
        found.append(best)
    return found


def match(doc: Document, claims: Sequence[Claim], gold: Sequence[Gold]) -> list[tuple]:
    """(claim, gold or None) for each prediction, and (None, gold) for each miss."""
    best = match_spans(absolute_spans(doc, claims), gold)
    taken = {g.id for g in best if g is not None}
    return [*zip(claims, best, strict=True), *((None, g) for g in gold if g.id not in taken)]


def score(docs: Iterable[Document], gold: dict[str, list[Gold]]) -> tuple[Scores, dict]:
    """Extraction scores, and the gold id of every matched prediction (for conflicts)."""
    scores = Scores()
    matched: dict[tuple[str, int], Gold] = {}
    linked: list[tuple[str, str]] = []  # (predicted event, gold incident)
    for doc in docs:
        claims = extract_claims(doc.text, title=doc.title, published=doc.published)
        scores.predicted += len(claims)
        scores.gold += len(gold[doc.id])
        for index, (claim, g) in enumerate(match(doc, claims, gold[doc.id])):
            if claim is None:
                scores.misses.append((doc.id, g.data["quote"], g.data["context"]))
                continue
            if g is None:
                scores.false_alarms.append((doc.id, claim.quote, claim.sentence))
                continue
            scores.span_matches += 1
            matched[(doc.id, index)] = g
            if not value_match(claim, g.data):
                scores.wrong.append((doc.id, "value", claim.quote, claim.value, g.data["value"]))
                continue
            scores.value_matches += 1
            scores.bound_matches += bound_match(claim, g.data)
            measure = _MEASURE_NAMES.get(claim.measure, claim.measure)
            scores.subject_matches += claim.subject == g.data.get("subject")
            scores.measure_matches += measure == g.data.get("measure")
            if claim.subject != g.data.get("subject") or measure != g.data.get("measure"):
                scores.wrong.append((doc.id, "subject/measure", claim.quote,
                                     (claim.subject, claim.measure),
                                     (g.data.get("subject"), g.data.get("measure"))))
            if claim.event and g.data.get("incident"):
                linked.append((claim.event, g.data["incident"]))
    by_event: dict[str, list[str]] = {}
    for event, incident in linked:
        by_event.setdefault(event, []).append(incident)
    for incidents in by_event.values():
        for a, b in combinations(incidents, 2):
            scores.event_pairs += 1
            scores.event_pairs_right += a == b
    return scores, matched


def same_figure(a: dict, b: dict) -> bool:
    """Do two gold claims count the same thing at the same incident?"""
    if not a.get("incident") or a.get("incident") != b.get("incident"):
        return False
    if a.get("measure") == b.get("measure") and a.get("subject") == b.get("subject"):
        return True
    zero = [c for c in (a, b) if c.get("low") == 0 and c.get("high") == 0
            and c.get("subject") == "people"]
    return bool(zero)


def score_conflicts(
    item_pairs: Iterable[tuple[dict | None, dict | None]], labelled: Sequence[dict]
) -> dict[str, float]:
    """``item_pairs``: gold data (None if unmatched) of every claim pair shown in one item."""
    shown, right, found = 0, 0, set()
    for a, b in item_pairs:
        shown += 1
        if a is None or b is None:
            continue
        right += same_figure(a, b)
        found.add(frozenset((a["id"], b["id"])))
    recalled = sum(frozenset((c["a"], c["b"])) in found for c in labelled)
    return {
        "conflict_recall": round(recalled / len(labelled), 4) if labelled else 0.0,
        "conflict_pair_precision": round(right / shown, 4) if shown else 0.0,
        "item_pairs": shown,
        "labelled_conflicts": len(labelled),
    }


def wrong_pair_kinds(item_pairs: Iterable[tuple[dict | None, dict | None]]) -> Counter:
    """Why claim pairs shown together are not one figure, counted: a claim with no label
    (an extraction false alarm), two incidents, or one incident with two measures or
    subjects. Counts only: safe to print for a set whose errors are not to be read."""
    kinds: Counter = Counter()
    for a, b in item_pairs:
        if a is None or b is None:
            kinds["claim not labelled"] += 1
        elif not same_figure(a, b):
            if not a.get("incident") or a.get("incident") != b.get("incident"):
                kinds["two incidents"] += 1
            elif a.get("measure") != b.get("measure"):
                kinds["two measures"] += 1
            else:
                kinds["two subjects"] += 1
    return kinds


def miss_reasons(explained: Iterable[str]) -> Counter:
    """The first rule each missed labelled conflict fails (lines of :func:`explain_miss`),
    counted."""
    reasons: Counter = Counter()
    for line in explained:
        if line.startswith("miss "):
            reason = line.split(": ", 2)[1]
            reasons["not extracted" if reason.startswith("claim ") else reason] += 1
    return reasons


def run_conflicts(
    docs: Sequence[Document], gold: dict[str, list[Gold]], *, database_url: str,
    window_days: int = 1, labelled: Sequence[dict] | None = None,
    explain: list[str] | None = None,
) -> tuple[list[tuple[dict | None, dict | None]], int]:
    """Store the documents (oldest first) with the real store/review code; return the claim
    pairs shown together in each review item (as gold data, None when unmatched) and the
    number of live review items.

    With ``explain`` (a list) and ``labelled``, one line per missed labelled conflict and per
    wrong pair shown together is appended to it, saying why (see :func:`explain_miss`)."""
    from ingest.db import session_scope
    from ingest.extract import ExtractedArticle, content_hash
    from ingest.pipeline import store_article

    gold_of: dict[int, dict | None] = {}
    row_of: dict[str, object] = {}
    ordered = sorted(docs, key=lambda d: (d.published or date.min, d.id))
    with session_scope(database_url) as session:
        for doc in ordered:
            extracted = ExtractedArticle(
                url=f"devset://{doc.source}/{doc.id}", text=doc.text, title=doc.title,
                authors=None, site_name=doc.source, published=doc.published, language="en",
                description=None, content_hash=content_hash(doc.text),
            )
            stored = store_article(session=session, source=doc.source, url=extracted.url,
                                   extracted=extracted, window_days=window_days)
            for row, g in match(doc, stored.claims, gold.get(doc.id, [])):
                if row is not None:
                    gold_of[row.id] = g.data if g is not None else None
                    if g is not None:
                        row_of[g.id] = row
        live = _live_items(session)
        shown = []
        together: set[frozenset] = set()
        for item, members in live:
            for a, b in combinations(members, 2):
                shown.append((gold_of.get(a.id), gold_of.get(b.id)))
                together.add(frozenset((a.id, b.id)))
                if explain is not None and not (
                        gold_of.get(a.id) and gold_of.get(b.id)
                        and same_figure(gold_of[a.id], gold_of[b.id])):
                    explain.append(f"wrong item {item.id}: " + _pair_text(
                        a, gold_of.get(a.id), b, gold_of.get(b.id)))
        if explain is not None:
            for pair in labelled or ():
                a, b = row_of.get(pair["a"]), row_of.get(pair["b"])
                if a is not None and b is not None and frozenset((a.id, b.id)) in together:
                    continue
                explain.append(explain_miss(pair, a, b, window_days=window_days))
    return shown, len(live)


def _live_items(session) -> list[tuple]:
    """(item, its claims) for every review item not merged into another."""
    from ingest import review

    return [(item, review.item_claims(session=session, item_id=item.id))
            for item in review.list_items(session=session, status=None)
            if item.status != "merged"]


def agreeing_items(*, database_url: str) -> int:
    """Live review items whose figures all agree with one another (intervals that overlap
    pairwise): items the desk should never see. Counts the store at ``database_url``, e.g.
    after :func:`run_conflicts`."""
    from ingest.conflicts import overlaps
    from ingest.db import session_scope

    with session_scope(database_url) as session:
        return sum(all(overlaps(a, b) for a, b in combinations(members, 2))
                   for _item, members in _live_items(session))


def _claim_text(row, g: dict | None) -> str:
    gold = (f"[gold {g['id']} {g.get('incident')} {g.get('measure')}/{g.get('subject')}]"
            if g else "[no gold]")
    return (f"{row.source} {row.quote!r} {row.low}-{row.high} {row.measure}/{row.subject} "
            f"{row.place}/{row.event_date}/{row.incident_kind}/{row.side} "
            f"actor={row.actor} {gold}")


def _pair_text(a, ga, b, gb) -> str:
    return f"{_claim_text(a, ga)}  <>  {_claim_text(b, gb)}"


def explain_miss(pair: dict, a, b, *, window_days: int) -> str:
    """Why a labelled conflict is not shown in any review item: the first rule it fails."""
    from ingest import conflicts as rules

    head = f"miss {pair['a']} {pair['b']}: "
    for name, row in (("a", a), ("b", b)):
        if row is None:
            return head + f"claim {pair[name]} not extracted (or value unmatched)"
    if not (a.place and b.place):
        reason = "no place"
    elif a.measure != b.measure and not (rules._covers(a, b) or rules._covers(b, a)):
        reason = "measure"
    elif a.subject != b.subject and not (rules._covers(a, b) or rules._covers(b, a)):
        reason = "subject"
    elif not rules.same_place(a, b):
        reason = "place"
    elif not rules.same_incident(a, b, window_days=window_days, strict=True):
        totals = a.incident_kind == b.incident_kind == "total"
        reason = "date (running totals)" if totals else "date"
    elif not rules.same_kind(a, b):
        reason = "kind/side"
    elif not rules.same_figure(a, b, window_days=window_days, strict=True):
        reason = "figure (unit or nationality)"
    elif not rules.comparable(a, b, window_days=window_days):
        reason = "same text"
    elif rules.overlaps(a, b):
        reason = "intervals overlap"
    elif rules._part_and_whole(a, b)[0] is not None:
        reason = "a part of the other's whole (if several parts are in view)"
    else:
        reason = "comparable and conflicting, but not in one item"
    return head + reason + ": " + _pair_text(a, None, b, None)
