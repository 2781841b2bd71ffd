"""Conflict lookup time as the stored claims grow from 10 thousand to 1 million.

Fills a fresh database with generated claims the way the service collects them: a steady
number of claims a day (``--claims-per-day``, 500: a million is five and a half years), one
article after another about the incidents of the day, so a bigger store is a longer history,
not a denser one. At each size (``--sizes``) it times the real lookup code on new claims
about the latest days, ``--lookups`` times each, and prints the median and 95th percentile:

- ``store._linked_event``: the stored incident a new claim joins (place, kind, date window);
- ``store.comparable_candidates``: the earlier claims a new claim is compared with;
- ``store.previous_version_claims``: the claims of an article's previous version;
- ``review._items_for``: the review items already showing some claims;
- ``pipeline.store_article``: one new article of about ten claims, whole (version, claims,
  event links, conflict flags), rolled back after each so every sample sees the same store.

Then the query plans of those lookups (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on
PostgreSQL) and the database's size.

    .venv/bin/python bench/conflict_lookup.py [--sizes 10k,100k,1M] [--lookups 200]
    .venv/bin/python bench/conflict_lookup.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

SQLite: a new file in a temporary directory (``--keep DIR`` keeps it there). PostgreSQL: the
URL's server and credentials are used to create a database of its own
(``ingest_bench_<random>``), dropped at the end unless ``--keep``; the URL's database is not
touched. The schema is the one ``ingest`` creates (``get_engine``); rows go in with
multi-row inserts. PostgreSQL gets ``VACUUM ANALYZE`` after loading, as autovacuum would do
on a live database; SQLite gets nothing the service does not do itself (no ``ANALYZE``).

Distributions: the places of the curated gazetteer with Zipf popularity (the busiest, Aleppo,
about a sixth of all claims; it has 29 districts and towns within it), the measure, subject
and incident-kind mix and the claims per article (8.6 on average) of ``extract_claims`` over
the 804 FA-KES articles, 40 outlets, about 3 articles per incident, 12 % of articles revised
(their earlier versions' claims superseded), a third of the figures repeated by another
outlet on review items, and ``--undated`` (0.5 %) of articles without any date.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from sqlalchemy import event, insert, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from ingest import pipeline, review, store  # noqa: E402
from ingest.claims import Claim  # noqa: E402
from ingest.claims.places import curated, neighbourhood  # noqa: E402
from ingest.db import get_engine, open_engine  # noqa: E402
from ingest.extract import ExtractedArticle  # noqa: E402
from ingest.models import (  # noqa: E402
    Article,
    ArticleVersion,
    FigureClaim,
    ReviewItem,
    ReviewItemClaim,
    ReviewLog,
)

WINDOW_DAYS = 1  # INGEST_EVENT_WINDOW_DAYS' default
START = date(2019, 1, 1)

# -- distributions ---------------------------------------------------------------------------

# the busiest places first (Zipf weights by rank); the rest of the gazetteer follows in a
# fixed shuffled order
BUSIEST = ["aleppo", "donetsk", "damascus", "idlib", "kharkiv", "bakhmut", "deir_ez_zor",
           "raqqa", "homs", "zaporizhzhia", "kyiv", "eastern_ghouta", "hama", "kherson",
           "avdiivka", "manbij", "daraa", "mariupol", "hasakah", "aleppo_east", "odesa",
           "latakia", "khan_shaykhun", "dnipro", "douma"]

# (measure, subject): weight, from extract_claims over FA-KES (plus the missile and drone
# counts of the Ukrainian seeds); None: a figure that is compared with nothing
MEASURE_SUBJECTS = {
    ("killed", "people"): 1925, ("killed", "civilians"): 826, ("injured", "people"): 620,
    (None, None): 544, ("killed", "militants"): 376, ("killed", "children"): 342,
    ("injured", "civilians"): 229, (None, "people"): 135, ("strikes", "airstrikes"): 117,
    (None, "civilians"): 94, ("killed", "rebels"): 92, (None, "kilometers"): 90,
    ("killed", "fighters"): 90, ("displaced", "people"): 81, (None, "militants"): 77,
    ("killed", "women"): 69, (None, "attacks"): 69, ("missiles_fired", "missiles"): 65,
    (None, "villages"): 61, ("killed", "soldiers"): 60, ("besieged", "people"): 45,
    ("injured", "children"): 43, ("destroyed", "vehicles"): 40, ("injured", "militants"): 34,
    ("evacuated", "people"): 34, ("casualties", "people"): 30, ("destroyed", "buildings"): 30,
    ("missiles_hit", "missiles"): 23, ("missiles_intercepted", "missiles"): 20,
    ("missiles_intercepted", "drones"): 20, ("housed", "soldiers"): 12, ("seized", "villages"): 11,
    ("damaged", "buildings"): 11, ("arrested", "people"): 11, ("kidnapped", "people"): 8,
    ("missing", "people"): 4, ("shot_down", "aircraft"): 2,
}
KINDS_OF_INCIDENT = {"airstrike": 1877, "shelling": 1553, "bombing": 1030, None: 963,
                     "clashes": 850, "chemical": 400, "execution": 139}
CLAIMS_PER_ARTICLE = {1: 8, 2: 25, 3: 32, 4: 59, 5: 71, 6: 97, 7: 78, 8: 80, 9: 83, 10: 60,
                      11: 38, 12: 35, 13: 27, 14: 29, 15: 17, 16: 16, 17: 13, 18: 7, 19: 4,
                      20: 6, 21: 2, 22: 3, 23: 1, 24: 3, 25: 3, 26: 1, 27: 3, 29: 2}
ATTRIBUTIONS = [("the Syrian Observatory for Human Rights", "syrian_observatory"),
                ("the Russian Defence Ministry", "russia"), ("Ukraine's military", "ukraine"),
                ("the civil defence", "white_helmets"), ("state media", "state_media"),
                ("local officials", None), ("the governor", None)]
BOUNDS = {"=": 70, ">=": 12, "~": 8, ">": 5, "<=": 3, "range": 2}
OUTLETS = [f"outlet{i:02d}" for i in range(40)]
VERBS = {"killed": "were killed", "injured": "were injured", "casualties": "casualties among",
         "displaced": "were displaced", "destroyed": "were destroyed", "damaged": "damaged",
         "strikes": "carried out", "missiles_fired": "were fired",
         "missiles_intercepted": "were intercepted", "missiles_hit": "hit their targets",
         "besieged": "remain besieged", "evacuated": "were evacuated", "arrested": "arrested",
         "seized": "were seized", "housed": "were housed", "kidnapped": "were kidnapped",
         "missing": "are missing", "shot_down": "were shot down", None: "were reported"}


#: Place key -> its first spelling, for the places of the curated gazetteer (the generated
#: GeoNames localities are left out, so the history is the one earlier runs measured).
NAMES = curated().names


class Weighted:
    """Draws from {value: weight} quickly."""

    def __init__(self, weights: dict) -> None:
        self.values = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def __call__(self, rng: random.Random):
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _zipf(values: list, exponent: float = 1.0) -> Weighted:
    return Weighted({value: 1 / (rank + 1) ** exponent for rank, value in enumerate(values)})


def _places_by_popularity() -> list[str]:
    rest = sorted(set(NAMES) - set(BUSIEST))
    random.Random(7).shuffle(rest)
    return BUSIEST + rest


def _event_key(place: str | None, when: date | None, kind: str | None) -> str | None:
    """As ``ingest.claims`` writes it: place/YYYY-MM-DD[/kind], place/? without a date."""
    if not place:
        return None
    key = f"{place}/{when.isoformat()}" if when else f"{place}/?"
    return f"{key}/{kind}" if kind else key


# -- the generated history -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Incident:
    place: str
    day: date
    kind: str | None


class History:
    """Claims as the service would have stored them, one day after another."""

    def __init__(self, rng: random.Random, *, claims_per_day: int, undated: float) -> None:
        self.rng = rng
        self.claims_per_day = claims_per_day
        self.undated = undated
        self.place = _zipf(_places_by_popularity())
        self.outlet = _zipf(OUTLETS, 0.8)
        self.figure = Weighted(MEASURE_SUBJECTS)
        self.kind = Weighted(KINDS_OF_INCIDENT)
        self.count = Weighted(CLAIMS_PER_ARTICLE)
        self.bound = Weighted(BOUNDS)
        self.day = START - timedelta(days=1)
        self.incidents: list[Incident] = []  # today's and yesterday's
        self.ids = {name: 0 for name in ("article", "version", "claim", "item", "log")}
        self.claims = 0  # rows of figure_claim, superseded ones included
        self.revised: list[tuple[int, int]] = []  # (article id, latest version id)
        # (event, measure, subject) -> (claim id, item id) of the last claim stating it
        self.figures: dict[tuple, tuple[int, int | None]] = {}
        self.figure_days: dict[date, list[tuple]] = {}
        self.rows: dict[type, list[dict]] = {table: [] for table in (
            Article, ArticleVersion, FigureClaim, ReviewItem, ReviewItemClaim, ReviewLog)}

    def _next(self, name: str) -> int:
        self.ids[name] += 1
        return self.ids[name]

    # one day's news

    def grow(self, engine: Engine, target: int) -> None:
        """Add whole days of news until ``target`` claims are stored."""
        while self.claims < target:
            self._new_day()
            budget = self.claims + int(self.claims_per_day * self.rng.uniform(0.6, 1.4))
            while self.claims < min(budget, target):
                self._article()
            if len(self.rows[FigureClaim]) >= 20_000:
                self.flush(engine)
        self.flush(engine)

    def _new_day(self) -> None:
        self.day += timedelta(days=1)
        today = self.incidents = [i for i in self.incidents if i.day == self.day - timedelta(1)]
        articles = self.claims_per_day / 8.6
        for _ in range(max(1, round(articles / 3 * self.rng.uniform(0.5, 1.5)))):
            today.append(Incident(self.place(self.rng), self.day, self.kind(self.rng)))
        for old in [d for d in self.figure_days if d < self.day - timedelta(days=3)]:
            for key in self.figure_days.pop(old):
                self.figures.pop(key, None)

    def _article(self) -> None:
        rng = self.rng
        incident = rng.choice(self.incidents)
        article_id = self._next("article")
        source = self.outlet(rng)
        published = None if rng.random() < self.undated else self.day
        seen = datetime.combine(self.day, datetime.min.time(), UTC) + timedelta(
            seconds=rng.randrange(86_400))
        specs = [self._claim_spec(incident, published) for _ in range(self.count(rng))]
        versions = 1 + (rng.random() < 0.12) + (rng.random() < 0.02)
        self.rows[Article].append({
            "id": article_id, "url": f"https://{source}.example/{self.day:%Y/%m/%d}/{article_id}",
            "source": source, "title": f"Story {article_id}", "published_at": published,
            "first_seen_at": seen, "last_checked_at": seen, "latest_version": versions,
            "etag": None, "last_modified": None})
        for number in range(1, versions + 1):
            version_id = self._next("version")
            fetched = seen + timedelta(hours=2 * (number - 1))
            if number > 1:  # a revised text: some figures change
                specs = [self._revised(spec) for spec in specs]
            rows = [self._claim_row(spec, i, article_id, version_id, source, published,
                                    fetched, superseded=number < versions)
                    for i, spec in enumerate(specs)]
            self.rows[FigureClaim].extend(rows)
            self.claims += len(rows)
            self.rows[ArticleVersion].append({
                "id": version_id, "article_id": article_id, "version": number,
                "content_hash": hashlib.sha1(f"{article_id}/{number}".encode()).hexdigest(),
                "fetched_at": fetched, "final_url": f"https://{source}.example/{article_id}",
                "title": f"Story {article_id}", "authors": None, "site_name": source,
                "published_at": published, "language": "en", "description": None,
                "text": "\n".join(row["sentence"] for row in rows), "modified_at": None,
                "update_note": None})
        if versions > 1:
            self.revised.append((article_id, version_id))
        for row in rows:
            self._flag(row, fetched)

    def _claim_spec(self, incident: Incident, published: date | None) -> dict:
        rng = self.rng
        measure, subject = self.figure(rng)
        kind = incident.kind if rng.random() < 0.7 else (None if rng.random() < 0.85
                                                         else "total")
        place, day = incident.place, incident.day
        roll = rng.random()
        if roll < 0.02:
            place = None  # a figure placed nowhere
        elif roll < 0.27:  # another place of the article: near by, a few days before
            near = sorted(neighbourhood(place))
            place = rng.choice(near) if len(near) > 1 and rng.random() < 0.5 else self.place(rng)
            day = day - timedelta(days=rng.choice((0, 0, 1, 2, 3)))
            kind = self.kind(rng)
        if published is None:
            day = None
        value = float(int(rng.lognormvariate(2.3, 1.2)) + (measure != "killed"))
        return {"measure": measure, "subject": subject, "place": place,
                "event_date": day if place else None, "incident_kind": kind,
                "value": value, "bound": self.bound(rng),
                "attribution": rng.choice(ATTRIBUTIONS) if rng.random() < 0.6 else (None, None)}

    def _revised(self, spec: dict) -> dict:
        if self.rng.random() < 0.3:
            return {**spec, "value": spec["value"] + self.rng.randrange(1, 20)}
        return spec

    def _claim_row(self, spec: dict, i: int, article_id: int, version_id: int, source: str,
                   published: date | None, created: datetime, *, superseded: bool) -> dict:
        value, bound = spec["value"], spec["bound"]
        low, high, quote = value, value, f"{value:g}"
        if bound == ">=":
            high, quote = None, f"at least {value:g}"
        elif bound == ">":
            high, quote = None, f"more than {value:g}"
        elif bound == "~":
            low, high, quote = value * 0.9, value * 1.1, f"about {value:g}"
        elif bound == "<=":
            low, quote = None, f"up to {value:g}"
        elif bound == "range":
            high, quote = value * 2, f"between {value:g} and {value * 2:g}"
        attributed, actor = spec["attribution"]
        place = NAMES.get(spec["place"], "the area")
        kind = spec["incident_kind"] or "an attack"
        sentence = (f"{attributed or 'Witnesses'} said {quote} {spec['subject'] or 'of them'} "
                    f"{VERBS[spec['measure']]} in the {kind} in {place} on "
                    f"{spec['event_date'] or 'that day'}, as the fighting went on.")
        start = sentence.index(quote)
        return {
            "id": self._next("claim"), "article_id": article_id, "version_id": version_id,
            "source": source, "published_at": published, "sentence": sentence,
            "sentence_index": i - 1 if i == 0 and self.rng.random() < 0.3 else i,
            "quote": quote, "start": start, "end": start + len(quote),
            "value": None if bound == "range" else value, "bound": bound, "low": low,
            "high": high, "approx": bound == "~", "measure": spec["measure"],
            "subject": spec["subject"], "subject_text": spec["subject"],
            "attributed_to": attributed, "actor": actor, "place": spec["place"],
            "event_date": spec["event_date"],
            "event": _event_key(spec["place"], spec["event_date"], spec["incident_kind"]),
            "unit": None, "in_title": i == 0, "stance": None,
            "incident_kind": spec["incident_kind"], "superseded": superseded,
            "created_at": created}

    def _flag(self, row: dict, at: datetime) -> None:
        """A third of the figures another outlet stated differently join a review item."""
        if not (row["event"] and row["measure"] and row["subject"]):
            return
        key = (row["event"], row["measure"], row["subject"])
        earlier = self.figures.get(key)
        item_id = earlier[1] if earlier else None
        if earlier and self.rng.random() < 0.33:
            if item_id is None:
                item_id = self._next("item")
                status = self.rng.choices(("open", "claimed", "resolved", "merged"),
                                          (40, 5, 50, 5))[0]
                self.rows[ReviewItem].append({
                    "id": item_id, "kind": self.rng.choice(("contradiction",) * 7 + (
                        "revision",) * 2 + ("modified",)),
                    "status": status, "event": row["event"], "place": row["place"],
                    "measure": row["measure"], "subject": row["subject"],
                    "priority": round(self.rng.uniform(0, 6), 3), "created_at": at,
                    "updated_at": at, "assignee": None, "verdict": None, "note": None,
                    "resolved_by": None, "resolved_at": None,
                    "merged_into": item_id - 1 if status == "merged" and item_id > 1 else None})
                self.rows[ReviewLog].append({
                    "id": self._next("log"), "item_id": item_id, "at": at, "actor": "system",
                    "action": "opened", "detail": "generated"})
                self.rows[ReviewItemClaim].append({
                    "item_id": item_id, "claim_id": earlier[0], "added_at": at, "reason": "x"})
            self.rows[ReviewItemClaim].append({
                "item_id": item_id, "claim_id": row["id"], "added_at": at, "reason": "x"})
        if key not in self.figures:
            self.figure_days.setdefault(self.day, []).append(key)
        self.figures[key] = (row["id"], item_id)

    def flush(self, engine: Engine) -> None:
        with engine.begin() as connection:
            for table, rows in self.rows.items():
                if rows:
                    connection.execute(insert(table), rows)
                    rows.clear()

    # new claims and articles, not stored

    def new_claim(self, place: str | None = None) -> tuple[Claim, FigureClaim]:
        """A claim of a new article about today's or yesterday's incidents (or about
        ``place`` today), as the lookups get it (``Claim`` before storing, ``FigureClaim``
        after, with a new id)."""
        while True:
            spec = self._claim_spec(self.rng.choice(self.incidents), self.day)
            if place:
                spec |= {"place": place, "event_date": self.day}
            if spec["place"] and spec["measure"] and spec["subject"]:
                break
        row = self._claim_row(spec, 1, self.ids["article"] + 1, self.ids["version"] + 1,
                              self.outlet(self.rng), self.day, datetime.now(UTC),
                              superseded=False)
        self.ids["claim"] -= 1  # not stored
        claim = Claim(**{name: row[name] for name in (
            "sentence", "quote", "start", "end", "value", "bound", "low", "high", "approx",
            "measure", "subject", "subject_text", "attributed_to", "actor", "place",
            "event_date", "event", "unit", "in_title", "sentence_index", "stance",
            "incident_kind")})
        return claim, FigureClaim(**row)

    def new_article(self, number: int) -> ExtractedArticle:
        """A new article of about ten figures about one of today's or yesterday's incidents."""
        rng = self.rng
        incident = rng.choice(self.incidents)
        near = sorted((neighbourhood(incident.place) - {incident.place}) & NAMES.keys()) or [
            self.place(rng)]
        here, there = NAMES[incident.place], NAMES[rng.choice(near)]
        days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        weekday = days[incident.day.weekday()]
        n = [rng.randrange(2, 90) for _ in range(12)]
        body = (
            f"At least {n[0]} civilians were killed and {n[1]} injured in air strikes on {here} "
            f"on {weekday}, the Syrian Observatory for Human Rights said.\n"
            f"The civil defence said {n[2]} people died in the raids, among them {n[3]} "
            f"children.\nRescue workers said {n[4]} buildings were destroyed in {here}.\n"
            f"State media said {n[5]} militants were killed in clashes near {there} on "
            f"{weekday}.\nA monitor said more than {n[6] * 10} people had been displaced from "
            f"{there} since the weekend.\nThe army said it had carried out {n[7]} air strikes "
            f"on positions near {there}.\nActivists said {n[8]} women were among the dead and "
            f"{n[9]} people were wounded in {here}.\nThe military said its jets had shot down "
            f"{n[10]} drones launched towards {there}.\n")
        title = f"At least {n[0]} killed in air strikes on {here}"
        return ExtractedArticle(
            url=f"https://bench.example/new/{number}", text=body, title=title, authors=None,
            site_name="bench", published=self.day, language="en", description=None,
            content_hash=hashlib.sha1(f"{number}{body}".encode()).hexdigest())


# -- timing ----------------------------------------------------------------------------------


@dataclass
class Timings:
    samples: dict[str, list[float]]
    rows: dict[str, list[int]]
    statements: dict[str, list[tuple[str, object]]]


class Recorder:
    """The SQL statements the code sends, with their parameters, while recording."""

    def __init__(self, engine: Engine) -> None:
        self.on = False
        self.seen: list[tuple[str, object]] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        if self.on and statement.lstrip().upper().startswith("SELECT"):
            self.seen.append((statement, parameters))

    def take(self, call: Callable):
        self.seen, self.on = [], True
        try:
            result = call()
        finally:
            self.on = False
        return result, self.seen


def measure(engine: Engine, history: History, *, lookups: int) -> Timings:
    rng = history.rng
    timings = Timings({}, {}, {})
    recorder = Recorder(engine)
    # the first probe, whose plans are shown, about the busiest place and its 29 districts
    probes = [history.new_claim(BUSIEST[0])] + [history.new_claim() for _ in range(lookups + 9)]
    versions = [rng.choice(history.revised) for _ in range(lookups + 10)]

    def run(name: str, calls: list[Callable], session: Session, rows=len) -> list:
        results = []
        _, timings.statements[name] = recorder.take(calls[0])  # the plan's sample, a warm-up
        for i, call in enumerate(calls):
            started = time.perf_counter()
            result = call()
            elapsed = time.perf_counter() - started
            session.expunge_all()  # before the rollback, which would expire what it returned
            session.rollback()
            if i >= 10:  # the first ten warm the caches up
                timings.samples.setdefault(name, []).append(elapsed * 1000)
                timings.rows.setdefault(name, []).append(rows(result))
            results.append(result)
        return results

    with Session(engine, expire_on_commit=False) as session:
        run("store._linked_event", [
            lambda c=claim: store._linked_event(session=session, claim=c,
                                                window_days=WINDOW_DAYS)
            for claim, _row in probes], session, rows=lambda event: int(event is not None))
        candidates = run("store.comparable_candidates", [
            lambda c=row: store.comparable_candidates(session=session, claim=c,
                                                      window_days=WINDOW_DAYS)
            for _claim, row in probes], session)
        timings.rows["  of which undated"] = [
            sum(c.event_date is None for c in found) for found in candidates[10:]]
        run("store.previous_version_claims", [
            lambda a=article, v=version: store.previous_version_claims(
                session=session, article_id=a, version_id=v)
            for article, version in versions], session)
        run("review._items_for", [
            lambda c=[row, *found[:10]]: review._items_for(session=session, claims=c)
            for (_claim, row), found in zip(probes, candidates, strict=True)], session)

    articles = [history.new_article(i) for i in range(lookups + 10)]
    # a session per article, as the pipeline has; rolled back so the store does not grow
    for i, extracted in enumerate(articles):
        with Session(engine, expire_on_commit=False) as session:
            call = lambda s=session, e=extracted: pipeline.store_article(  # noqa: E731
                session=s, source=history.outlet(rng), url=e.url, extracted=e,
                window_days=WINDOW_DAYS)
            started = time.perf_counter()
            stored = call()
            elapsed = time.perf_counter() - started
            session.rollback()
            if i >= 10:
                timings.samples.setdefault("pipeline.store_article", []).append(elapsed * 1000)
                timings.rows.setdefault("pipeline.store_article", []).append(len(stored.claims))
    event.remove(engine, "before_cursor_execute", recorder._record)
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# -- plans and sizes -------------------------------------------------------------------------

EXPLAINED = {  # the lookup -> which of its SELECTs to explain (a substring of the SQL)
    "store._linked_event": "FROM figure_claim",
    "store.comparable_candidates": "FROM figure_claim",
    "store.previous_version_claims": "",
    "review._items_for": "FROM review_item",
}


def explain(engine: Engine, statements: dict[str, list[tuple[str, object]]]) -> None:
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    with engine.connect() as connection:
        for name, needle in EXPLAINED.items():
            for statement, parameters in statements.get(name, []):
                if needle not in statement:
                    continue
                print(f"\n{name}:")
                shown = re.sub(r"\s+", " ", statement)
                shown = re.sub(r"^SELECT (DISTINCT )?(\w+)\.id, .*? FROM ", r"SELECT \1\2.* FROM ",
                               shown)  # the long column lists left out
                print(f"  {shown}")
                rows = connection.exec_driver_sql(prefix + statement, parameters).all()
                for row in rows:
                    print("    " + (row[0] if postgres else row[-1]))
        connection.rollback()


def database_size(engine: Engine) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            total, claims, indexes = connection.execute(text(
                "SELECT pg_database_size(current_database()), "
                "pg_total_relation_size('figure_claim'), pg_indexes_size('figure_claim')"
            )).one()
            return (f"{total / 2**20:,.0f} MB (figure_claim {claims / 2**20:,.0f} MB, of which "
                    f"indexes {indexes / 2**20:,.0f} MB)")
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        size = pages * connection.exec_driver_sql("PRAGMA page_size").scalar()
        try:
            claims = connection.exec_driver_sql(
                "SELECT sum(pgsize) FROM dbstat WHERE name = 'figure_claim'").scalar()
            indexes = connection.exec_driver_sql(
                "SELECT sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = 'figure_claim')").scalar()
        except Exception:  # noqa: BLE001 - dbstat is an optional SQLite module
            return f"{size / 2**20:,.0f} MB"
        return (f"{size / 2**20:,.0f} MB (figure_claim {claims / 2**20:,.0f} MB, its indexes "
                f"{indexes / 2**20:,.0f} MB)")


def after_load(engine: Engine, history: History) -> None:
    """PostgreSQL: ids go on after the generated ones; statistics and visibility as
    autovacuum would leave them."""
    if engine.dialect.name != "postgresql":
        return
    tables = {"article": "article", "version": "article_version", "claim": "figure_claim",
              "item": "review_item", "log": "review_log"}
    with engine.connect() as connection:
        for name, table in tables.items():
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"{max(history.ids[name], 1)})")
        connection.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


# -- the command -----------------------------------------------------------------------------


def parse_size(value: str) -> int:
    value = value.strip().lower().replace("_", "").replace(",", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(value[-1:], 1)
    return int(float(value.rstrip("km")) * factor)


def open_database(args) -> tuple[str, Path | None, Callable[[], None]]:
    """A new, empty database; returns its URL, its file (SQLite) and how to drop it."""
    if args.database_url and make_url(args.database_url).get_backend_name() == "postgresql":
        import psycopg

        server = make_url(args.database_url).set(drivername="postgresql+psycopg")
        name = f"ingest_bench_{uuid.uuid4().hex[:8]}"
        libpq = server.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            for cached in (get_engine, open_engine):
                cached.cache_clear()
            with psycopg.connect(libpq, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        url = server.set(database=name).render_as_string(hide_password=False)
        return url, None, (lambda: None) if args.keep else drop
    if args.database_url:
        path = Path(make_url(args.database_url).database)
        if path.exists():
            raise SystemExit(f"{path} exists: the bench fills a new database")
    else:
        directory = args.keep or Path(tempfile.mkdtemp(prefix="ingest-bench-"))
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"conflict_lookup_{uuid.uuid4().hex[:6]}.db"

    def remove() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return f"sqlite:///{path}", path, (lambda: None) if args.keep else remove


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M",
                        help="claims stored at each measurement (default 10k,100k,1M)")
    parser.add_argument("--lookups", type=int, default=200, help="timed calls per lookup")
    parser.add_argument("--database-url", help="a PostgreSQL server (a database of its own is "
                        "created there), or a new SQLite file; default a temporary SQLite file")
    parser.add_argument("--claims-per-day", type=int, default=500)
    parser.add_argument("--undated", type=float, default=0.005,
                        help="share of articles without any date (default 0.005)")
    parser.add_argument("--explain", choices=("last", "all", "none"), default="last",
                        help="print the query plans at the largest size (default), all, none")
    parser.add_argument("--keep", type=Path, nargs="?", const=Path("storage"),
                        help="keep the database (SQLite: in this directory)")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    sizes = sorted(parse_size(size) for size in args.sizes.split(","))

    url, path, drop = open_database(args)
    safe = make_url(url).render_as_string(hide_password=True)
    print(f"database: {safe}")
    history = History(random.Random(args.seed), claims_per_day=args.claims_per_day,
                      undated=args.undated)
    results = []
    try:
        engine = get_engine(url)
        loading = 0.0
        for size in sizes:
            started = time.perf_counter()
            history.grow(engine, size)
            after_load(engine, history)
            loading += time.perf_counter() - started
            days = (history.day - START).days + 1
            print(f"\n{history.claims:,} claims ({history.ids['article']:,} articles, "
                  f"{history.ids['item']:,} review items, {days:,} days to {history.day}) "
                  f"generated in {loading:.0f} s; database {database_size(engine)}")
            timings = measure(engine, history, lookups=args.lookups)
            results.append((history.claims, timings))
            for name, samples in timings.samples.items():
                rows = statistics.median(timings.rows[name])
                print(f"  {name:32} {statistics.median(samples):8.2f} ms median "
                      f"{percentile(samples, 0.95):8.2f} ms p95   rows {rows:g}")
            print(f"  (comparable candidates without a date: median "
                  f"{statistics.median(timings.rows['  of which undated']):g})")
            if args.explain == "all" or (args.explain == "last" and size == sizes[-1]):
                explain(engine, timings.statements)
        print_table(results, engine.dialect.name)
    finally:
        drop()


def print_table(results: list[tuple[int, Timings]], backend: str) -> None:
    print(f"\n{backend}: median / p95 in ms over {len(results[0][1].samples['review._items_for'])}"
          " calls each (rows: median rows returned)\n")
    header = f"| {'lookup':32} |" + "".join(f" {claims:>13,} claims |" for claims, _ in results)
    print(header)
    print("|" + "-" * 34 + "|" + "|".join("-" * 22 for _ in results) + "|")
    for name in results[0][1].samples:
        cells = []
        for _claims, timings in results:
            samples = timings.samples[name]
            cells.append(f"{statistics.median(samples):8.2f} / {percentile(samples, 0.95):8.2f}")
        print(f"| {name:32} |" + "".join(f" {cell:>20} |" for cell in cells))
    for name, label in (("store.comparable_candidates", "  candidates (median)"),
                        ("  of which undated", "  of which undated (median)")):
        print(f"| {label:32} |" + "".join(
            f" {statistics.median(t.rows[name]):>20g} |" for _c, t in results))


if __name__ == "__main__":
    main()
