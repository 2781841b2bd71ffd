"""Keyword-only data functions over the tables: articles, versions, claims, runs, outcomes.

Every function takes the session as ``session=`` and leaves committing to the caller, so a
caller can store one article with its claims and flags in one transaction.

Safe with many workers at once (one transaction per article, as ``pipeline`` does):

- an article is inserted with an upsert and its row is locked (``SELECT ... FOR UPDATE`` on
  PostgreSQL) before its versions are read, so two workers storing one URL make one article
  and one version; the second sees the first's version and finds the text unchanged;
- ``save_claims`` takes a transaction-scoped advisory lock per incident area (the top place
  of each claim's place) on PostgreSQL before linking events and flagging, so two workers
  storing claims about one incident see each other's claims and join one review item;
- on SQLite the first statement of that transaction is a write, so SQLite's single writer
  serialises them the same way.

Unique constraints back all of it: ``article.url``, ``(article_id, version)``,
``(version_id, sentence_index, start)``, and ``(item_id, claim_id)`` for review links.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import bindparam, func, insert, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from ingest.claims import Claim
from ingest.claims.incidents import RARE_KINDS
from ingest.claims.places import country_of, is_country, neighbourhood, places_in, top_place
from ingest.conflicts import CASUALTY_MEASURES, claim_date, kind_window
from ingest.extract import ExtractedArticle
from ingest.fetch import FetchedPage
from ingest.models import (
    Article,
    ArticleVersion,
    FigureClaim,
    Run,
    UrlOutcome,
    utcnow,
)


def articles_by_url(*, session: Session, urls: Iterable[str]) -> dict[str, Article]:
    urls = list(dict.fromkeys(urls))
    found: dict[str, Article] = {}
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        for article in session.exec(select(Article).where(col(Article.url).in_(chunk))):
            found[article.url] = article
    return found


def latest_version(*, session: Session, article_id: int) -> ArticleVersion | None:
    return session.exec(
        select(ArticleVersion)
        .where(ArticleVersion.article_id == article_id)
        .order_by(col(ArticleVersion.version).desc())
        .limit(1)
    ).first()


def save_article_version(
    *,
    session: Session,
    source: str,
    url: str,
    extracted: ExtractedArticle,
    page: FetchedPage | None = None,
) -> tuple[Article, ArticleVersion | None]:
    """Store the article (by requested URL) and, if its text changed, a new version.

    ``page`` gives the fetch's provenance (final URL, time, validators); without it (text
    imported from elsewhere) the extracted URL and the current time are recorded.
    Returns the article and the new version, or ``None`` when the text is unchanged.
    """
    now = utcnow()
    article = _lock_article(session=session, url=url, source=source, now=now)
    article.last_checked_at = now
    if page is not None:
        article.etag, article.last_modified = page.etag, page.last_modified
    previous = latest_version(session=session, article_id=article.id) if article.id else None
    if previous is not None and previous.content_hash == extracted.content_hash:
        session.add(article)
        return article, None
    version = ArticleVersion(
        article_id=article.id,
        version=(previous.version + 1) if previous else 1,
        content_hash=extracted.content_hash,
        fetched_at=page.fetched_at if page else now,
        final_url=page.url if page else extracted.url,
        title=extracted.title,
        authors=extracted.authors,
        site_name=extracted.site_name,
        published_at=extracted.published,
        language=extracted.language,
        description=extracted.description,
        text=extracted.text,
        modified_at=extracted.modified,
        update_note=extracted.update_note,
    )
    session.add(version)
    article.latest_version = version.version
    article.title = extracted.title
    article.published_at = extracted.published or article.published_at
    session.add(article)
    session.flush()
    return article, version


def _lock_article(*, session: Session, url: str, source: str, now) -> Article:
    """The article of ``url``, inserted if new, its row locked until the transaction ends.

    The insert comes first so that on SQLite the transaction takes the write lock before it
    reads anything; on PostgreSQL a second worker inserting the same URL waits for the
    first's commit, then locks the row and reads what the first stored.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.exec(
        insert(Article)
        .values(url=url, source=source, first_seen_at=now, last_checked_at=now,
                latest_version=0)
        .on_conflict_do_nothing(index_elements=["url"])
    )
    return session.exec(
        select(Article).where(Article.url == url).with_for_update()
        .execution_options(populate_existing=True)
    ).one()


INCIDENT_LOCKS = 0x1A6E  # namespace of the advisory locks taken by ``lock_incidents``


def lock_incidents(*, session: Session, claims: Iterable[Claim]) -> None:
    """Serialise, across workers, the transactions storing claims about these places.

    PostgreSQL: ``pg_advisory_xact_lock`` per incident area, in one global order (no
    deadlocks), released at commit or rollback. SQLite has one writer at a time already.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    areas = {top_place(c.place, c.area) for c in claims if c.place}
    # a rare kind's figure placed by its country is compared with figures anywhere in it
    # (``conflicts.same_country``)
    for c in claims:
        if is_country(c.place) and c.incident_kind in RARE_KINDS:
            areas |= {top_place(place) for place in places_in(c.place)}
    keys = sorted({(INCIDENT_LOCKS << 32) | zlib.crc32(area.encode()) for area in areas})
    for key in keys:
        session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=key))


def save_claims(
    *,
    session: Session,
    article: Article,
    version: ArticleVersion,
    claims: Sequence[Claim],
    window_days: int,
) -> list[FigureClaim]:
    """Store the claims of a new version; older versions' claims become superseded.

    Claims are linked to incidents already known: a claim whose place matches stored claims
    within ``window_days`` takes the event key of the nearest one, so one incident keeps one
    key across outlets. Takes the incident locks (``lock_incidents``) first, which the
    caller's conflict flagging in the same transaction relies on.
    """
    lock_incidents(session=session, claims=claims)
    session.exec(
        update(FigureClaim)
        .where(col(FigureClaim.article_id) == article.id)
        .where(col(FigureClaim.version_id) != version.id)
        .values(superseded=True)
    )
    events: dict[tuple, str] = {}
    now = utcnow()
    values = []
    for claim in claims:
        event = claim.event
        if claim.place and claim.event_date:
            key = (claim.place, claim.event_date)
            if key not in events:
                events[key] = _linked_event(
                    session=session, claim=claim, window_days=window_days, earlier=values
                ) or claim.event
            event = events[key]
        values.append(dict(
            article_id=article.id,
            version_id=version.id,
            source=article.source,
            published_at=version.published_at,
            sentence=claim.sentence,
            sentence_index=claim.sentence_index,
            quote=claim.quote,
            start=claim.start,
            end=claim.end,
            value=claim.value,
            bound=claim.bound,
            low=claim.low,
            high=claim.high,
            approx=claim.approx,
            measure=claim.measure,
            subject=claim.subject,
            subject_text=claim.subject_text,
            attributed_to=claim.attributed_to,
            actor=claim.actor,
            place=claim.place,
            event_date=claim.event_date,
            event=event,
            unit=claim.unit,
            in_title=claim.in_title,
            stance=claim.stance,
            incident_kind=claim.incident_kind,
            setting=" ".join(claim.setting) or None,
            sentence_hash=sentence_hash(claim.sentence),
            part=claim.part,
            side=claim.side,
            area=claim.area,
            place_stated=claim.place_stated,
            superseded=False,
            created_at=now,
        ))
    if not values:
        return []
    text_id = copied_text(session=session, article_id=article.id,
                          hashes=[row["sentence_hash"] for row in values if not row["in_title"]])
    for row in values:
        row["text_id"] = text_id or version.id
    # one multi-row INSERT, then the rows read back as objects: a third of the CPU of the
    # unit of work's per-object inserts, which also validate each object as it is built
    session.execute(insert(FigureClaim.__table__), values)
    stored = {(row.sentence_index, row.start): row for row in session.exec(
        select(FigureClaim).where(FigureClaim.version_id == version.id))}
    return [stored[row["sentence_index"], row["start"]] for row in values]


def sentence_hash(sentence: str) -> str:
    """A short fingerprint of a sentence, case and spacing aside."""
    return hashlib.sha1(" ".join(sentence.lower().split()).encode()).hexdigest()[:16]


#: A version is a wire copy of another article's text when at least this share of its claim
#: sentences (and at least two) are sentences of that text.
COPY_SHARE = 0.5


def copied_text(*, session: Session, article_id: int, hashes: Sequence[str]) -> int | None:
    """The text (``text_id``) of an earlier article that this one reprints, if any.

    Outlets carry one agency story with their own headline, dateline and a sentence or two
    changed; its figures are one statement, not several sources. Found by the sentences that
    state figures, which are the ones that matter here.
    """
    wanted = set(hashes)
    if len(wanted) < 2:
        return None
    shared: dict[int, set[str]] = {}
    for text_id, version_id, fingerprint in session.exec(
        select(FigureClaim.text_id, FigureClaim.version_id, FigureClaim.sentence_hash)
        .where(col(FigureClaim.sentence_hash).in_(wanted))
        .where(FigureClaim.article_id != article_id)
    ):
        shared.setdefault(text_id or version_id, set()).add(fingerprint)
    if not shared:
        return None
    best = max(shared, key=lambda key: (len(shared[key]), -key))
    found = len(shared[best])
    return best if found >= 2 and found >= COPY_SHARE * len(wanted) else None


# The lookups made for every stored claim are built once, with bound parameters: building
# a statement costs more CPU than SQLite takes to run it.

_LINKED_EVENT = {
    kind: select(FigureClaim.event, FigureClaim.event_date)
    .where(FigureClaim.place == bindparam("place"))
    .where(FigureClaim.incident_kind == bindparam("kind") if kind
           else col(FigureClaim.incident_kind).is_(None))
    .where(col(FigureClaim.event).is_not(None))
    .where(col(FigureClaim.event_date).between(bindparam("low"), bindparam("high")))
    .distinct()
    for kind in (True, False)
}


def _linked_event(*, session: Session, claim: Claim, window_days: int,
                  earlier: Sequence[dict] = ()) -> str | None:
    """The event key of the stored claim nearest in date with the claim's place and kind of
    incident, within the window; ``earlier``: rows of the same version not stored yet, which
    count as stored."""
    window = timedelta(days=window_days)
    low, high = claim.event_date - window, claim.event_date + window
    rows = session.exec(_LINKED_EVENT[bool(claim.incident_kind)], params={
        "place": claim.place, "kind": claim.incident_kind, "low": low, "high": high,
    }).all()
    rows += [(row["event"], row["event_date"]) for row in earlier
             if row["place"] == claim.place and row["incident_kind"] == claim.incident_kind
             and row["event"] is not None and row["event_date"] is not None
             and low <= row["event_date"] <= high]
    if not rows:
        return None
    event, _date = min(rows, key=lambda row: (abs((row[1] - claim.event_date).days), row[1]))
    return event


def _candidates_query(column, dates: str | None, *, kinds: bool = False):
    """Current claims of some measures at some places (``column``: place or area), by
    ``dates``, as ``conflicts.claim_date`` dates a claim: ``event`` (an event date in the
    range), ``published`` (no event date, published in the range), ``stored`` (neither
    date, stored in the range), or None (any dates); ``kinds``: only of some incident kinds.

    Each is one range scan of an index ((place | area), measure, event_date, published_at,
    created_at); one "BETWEEN ... OR IS NULL" would scan every date, and claims without an
    event date looked up by place alone would grow with the store."""
    query = (
        select(FigureClaim)
        .where(col(FigureClaim.measure).in_(bindparam("measures", expanding=True)))
        .where(col(FigureClaim.superseded).is_(False))
        .where(col(column).in_(bindparam("places", expanding=True)))
    )
    if kinds:
        query = query.where(col(FigureClaim.incident_kind).in_(bindparam("kinds", expanding=True)))
    in_range = (bindparam("low"), bindparam("high"))
    if dates == "event":
        return query.where(col(FigureClaim.event_date).between(*in_range))
    if dates == "published":
        return (query.where(col(FigureClaim.event_date).is_(None))
                .where(col(FigureClaim.published_at).between(*in_range)))
    if dates == "stored":
        return (query.where(col(FigureClaim.event_date).is_(None))
                .where(col(FigureClaim.published_at).is_(None))
                .where(col(FigureClaim.created_at).between(bindparam("stored_low"),
                                                           bindparam("stored_high"))))
    return query


_CANDIDATES = {
    (column.key, dates): _candidates_query(column, dates)
    for column in (FigureClaim.place, FigureClaim.area)
    for dates in ("event", "published", "stored", None)
}
#: A country's figures of some kinds only (``conflicts.same_country``).
_CANDIDATES |= {("country", dates): _candidates_query(FigureClaim.place, dates, kinds=True)
                for dates in ("event", "published", "stored", None)}


def comparable_candidates(
    *, session: Session, claim: FigureClaim, window_days: int, cache: dict | None = None
) -> list[FigureClaim]:
    """Earlier, current claims that might count the same thing at the same incident.

    ``cache``: a dict the caller keeps while nothing is stored (the claims of one article
    checked one after another): claims whose lookups would be the same query share one.
    """
    if not claim.place or not claim.measure:
        return []
    measures = {claim.measure}
    if claim.measure in CASUALTY_MEASURES:
        measures |= CASUALTY_MEASURES  # zero claims about casualties cover killed/injured
    # a district and its city, and any place the claim's article names (whether the other
    # claim's article names this claim's place is for ``conflicts.same_place`` to check);
    # and claims about places the gazetteer lacks that their texts put within this one
    around = neighbourhood(claim.place, claim.area)
    # and a rare kind's figures placed by their country, the only country figures that are
    # about an incident (``conflicts.same_country``); a country's rare-kind figure meets
    # figures anywhere in it
    country = country_of(claim.place, claim.area)
    national = {country} if country is not None and country != claim.place else set()
    if is_country(claim.place) and claim.incident_kind in RARE_KINDS:
        around |= places_in(claim.place)
    places = around | set((claim.setting or "").split())
    when = claim_date(claim)
    window = timedelta(days=kind_window(claim.incident_kind, window_days))
    key = (frozenset(measures), frozenset(places), frozenset(around), frozenset(national),
           when, window)
    if cache is not None and key in cache:
        return [row for row in cache[key] if row.id != claim.id]
    found: dict[int, FigureClaim] = {}
    for column, names in (("place", places), ("area", around), ("country", national)):
        if not names:
            continue
        params = {"measures": sorted(measures), "places": sorted(names),
                  "kinds": sorted(RARE_KINDS)}
        if when is None:
            lookups = [_CANDIDATES[column, None]]
        else:
            lookups = [_CANDIDATES[column, dates]
                       for dates in ("event", "published", "stored")]
            params |= {"low": when - window, "high": when + window,
                       "stored_low": datetime.combine(when - window, time.min, UTC),
                       "stored_high": datetime.combine(when + window, time.max, UTC)}
        for query in lookups:
            found.update((row.id, row) for row in session.exec(query, params=params))
    rows = sorted(found.values(), key=lambda row: row.id)
    if cache is not None:
        cache[key] = rows
    return [row for row in rows if row.id != claim.id]


def previous_version_claims(*, session: Session, article_id: int, version_id: int) -> list:
    """Claims of the version just before ``version_id`` of the same article."""
    previous = session.exec(
        select(func.max(ArticleVersion.id))
        .where(ArticleVersion.article_id == article_id)
        .where(ArticleVersion.id < version_id)
    ).first()
    if previous is None:
        return []
    return list(session.exec(select(FigureClaim).where(FigureClaim.version_id == previous)))


def start_run(*, session: Session, trigger: str, sources: Sequence[str],
              flow_run_id: str | None) -> Run:
    run = Run(trigger=trigger, sources=",".join(sources), flow_run_id=flow_run_id)
    session.add(run)
    session.flush()
    return run


def finish_run(*, session: Session, run_id: int) -> Run:
    run = session.get(Run, run_id)
    counts = dict(
        session.exec(
            select(UrlOutcome.outcome, func.count())
            .where(UrlOutcome.run_id == run_id)
            .where(UrlOutcome.kind == "article")
            .group_by(UrlOutcome.outcome)
        ).all()
    )
    counts["feed_failures"] = session.exec(
        select(func.count())
        .select_from(UrlOutcome)
        .where(UrlOutcome.run_id == run_id)
        .where(UrlOutcome.kind != "article")
        .where(UrlOutcome.outcome == "failed")
    ).one()
    run.counts = counts
    run.finished_at = utcnow()
    session.add(run)
    return run


def record_outcome(
    *,
    session: Session,
    run_id: int,
    source: str,
    url: str,
    outcome: str,
    reason: str | None = None,
    message: str | None = None,
    kind: str = "article",
    article_id: int | None = None,
    version: int | None = None,
) -> UrlOutcome:
    row = UrlOutcome(
        run_id=run_id, source=source, url=url, outcome=outcome, reason=reason,
        message=message, kind=kind, article_id=article_id, version=version,
    )
    session.add(row)
    return row


def run_outcomes(*, session: Session, run_id: int) -> list[UrlOutcome]:
    return list(
        session.exec(
            select(UrlOutcome).where(UrlOutcome.run_id == run_id).order_by(col(UrlOutcome.id))
        )
    )


# -- reading for the reviewers' workspace ----------------------------------------------------


def article_with_versions(
    *, session: Session, article_id: int
) -> tuple[Article, list[ArticleVersion]] | None:
    """An article and its stored versions, oldest first (None when unknown)."""
    article = session.get(Article, article_id)
    if article is None:
        return None
    versions = session.exec(
        select(ArticleVersion).where(ArticleVersion.article_id == article_id)
        .order_by(col(ArticleVersion.version))
    ).all()
    return article, list(versions)


def version_claims(*, session: Session, version_id: int) -> list[FigureClaim]:
    return list(session.exec(
        select(FigureClaim).where(FigureClaim.version_id == version_id)
        .order_by(col(FigureClaim.sentence_index), col(FigureClaim.start))
    ))


def event_claims(
    *, session: Session, event: str
) -> list[tuple[FigureClaim, Article, ArticleVersion]]:
    """Every figure claimed about one incident (superseded ones too), oldest first."""
    return list(session.exec(
        select(FigureClaim, Article, ArticleVersion)
        .join(Article, col(Article.id) == FigureClaim.article_id)
        .join(ArticleVersion, col(ArticleVersion.id) == FigureClaim.version_id)
        .where(FigureClaim.event == event)
        .order_by(col(FigureClaim.published_at), col(ArticleVersion.fetched_at),
                  col(FigureClaim.id))
    ).all())
