"""Export records (plain dicts, JSON-ready) for claims, review items and article versions.

The field names are a contract (README, "Export format"): fields may be added, never renamed
or removed. Rows are streamed from the database, so exports of any size run in bounded memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from sqlmodel import Session, col, select

from ingest.claims import Claim
from ingest.models import Article, ArticleVersion, FigureClaim, ReviewItem, ReviewItemClaim

_CHUNK = 1000


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def claim_record(claim: Claim | FigureClaim) -> dict:
    """The claim fields shared by ``export claims`` and ``claims parse``."""
    return {
        "sentence": claim.sentence,
        "quote": claim.quote,
        "value": claim.value,
        "bound": claim.bound,
        "low": claim.low,
        "high": claim.high,
        "approx": claim.approx,
        "measure": claim.measure,
        "subject": claim.subject,
        "subject_text": claim.subject_text,
        "attributed_to": claim.attributed_to,
        "actor": claim.actor,
        "place": claim.place,
        "area": claim.area,
        "event_date": _iso(claim.event_date),
        "event": claim.event,
        "unit": claim.unit,
        "stance": claim.stance,
        "incident_kind": claim.incident_kind,
        "in_title": claim.in_title,
        "start": claim.start,
        "end": claim.end,
    }


def claims(*, session: Session, include_superseded: bool = False) -> Iterator[dict]:
    query = (
        select(FigureClaim, Article.url, ArticleVersion.version)
        .join(Article, col(Article.id) == FigureClaim.article_id)
        .join(ArticleVersion, col(ArticleVersion.id) == FigureClaim.version_id)
        .order_by(col(FigureClaim.id))
    )
    if not include_superseded:
        query = query.where(col(FigureClaim.superseded).is_(False))
    for claim, url, version in session.exec(query.execution_options(yield_per=_CHUNK)):
        yield {
            "id": claim.id,
            "article_url": url,
            "source": claim.source,
            "published_at": _iso(claim.published_at),
            **claim_record(claim),
            "article_version": version,
            "superseded": claim.superseded,
        }


def flags(*, session: Session) -> Iterator[dict]:
    """One record per review item; the claim ids of ``_CHUNK`` items come in one query."""
    last_id = 0
    while True:
        items = session.exec(
            select(ReviewItem).where(ReviewItem.id > last_id)
            .order_by(col(ReviewItem.id)).limit(_CHUNK)
        ).all()
        if not items:
            return
        last_id = items[-1].id
        members: dict[int, list[int]] = {item.id: [] for item in items}
        for item_id, claim_id in session.exec(
            select(ReviewItemClaim.item_id, FigureClaim.id)
            .join(FigureClaim, col(FigureClaim.id) == ReviewItemClaim.claim_id)
            .where(col(ReviewItemClaim.item_id).in_(list(members)))
            .order_by(col(FigureClaim.published_at).desc(), col(FigureClaim.id).desc())
        ):
            members[item_id].append(claim_id)
        yield from (_flag_record(item, members[item.id]) for item in items)


def _flag_record(item: ReviewItem, claim_ids: list[int]) -> dict:
    return {
        "id": item.id,
        "kind": item.kind,
        "status": item.status,
        "event": item.event,
        "measure": item.measure,
        "subject": item.subject,
        "claim_ids": claim_ids,
        "created_at": _iso(item.created_at),
        "priority": item.priority,
        "assignee": item.assignee,
        "verdict": item.verdict,
        "note": item.note,
        "resolved_by": item.resolved_by,
        "resolved_at": _iso(item.resolved_at),
        "merged_into": item.merged_into,
    }


def articles(*, session: Session) -> Iterator[dict]:
    query = (
        select(ArticleVersion, Article.url, Article.source)
        .join(Article, col(Article.id) == ArticleVersion.article_id)
        .order_by(col(ArticleVersion.article_id), col(ArticleVersion.version))
    )
    for version, url, source in session.exec(query.execution_options(yield_per=_CHUNK)):
        yield {
            "url": url,
            "source": source,
            "title": version.title,
            "published_at": _iso(version.published_at),
            "version": version.version,
            "fetched_at": _iso(version.fetched_at),
            "text": version.text,
            "final_url": version.final_url,
            "authors": version.authors,
            "site_name": version.site_name,
            "language": version.language,
            "content_hash": version.content_hash,
        }


# -- the reviewers' workspace: CSV of items and verdicts, schema.org ClaimReview --------------

FLAG_CSV_FIELDS = ("id", "kind", "status", "event", "measure", "subject", "claim_ids",
                   "created_at", "priority", "assignee", "verdict", "note", "resolved_by",
                   "resolved_at", "merged_into")


def _cell(value) -> str:
    """A CSV cell; text a spreadsheet would run as a formula is prefixed with a quote."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def flags_csv(records: Iterable[dict]) -> Iterator[str]:
    """``flags`` records as CSV text (header first), a chunk per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FLAG_CSV_FIELDS)
    for record in records:
        writer.writerow([_cell(record.get(name)) for name in FLAG_CSV_FIELDS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


VERDICT_LABELS = {
    "confirmed": "Conflicting figures: the sources disagree",
    "not-a-conflict": "Not a conflict: the figures are compatible",
    "updated-figure": "Updated figure: the source revised its number",
}


def claim_reviews(*, session: Session, base_url: str = "") -> dict:
    """Resolved items as schema.org ``ClaimReview`` nodes (JSON-LD ``@graph``).

    One review per item: the claim reviewed is the disputed figure, each competing claim an
    ``appearance`` in its article. Items resolved as ``extraction-error`` are left out: no
    such claim was made."""
    from ingest.conflicts import describe

    graph = []
    items = session.exec(
        select(ReviewItem).where(ReviewItem.status == "resolved")
        .where(col(ReviewItem.verdict).in_(list(VERDICT_LABELS)))
        .order_by(col(ReviewItem.id))
    )
    for item in items:
        rows = session.exec(
            select(FigureClaim, Article.url)
            .join(ReviewItemClaim, col(ReviewItemClaim.claim_id) == FigureClaim.id)
            .join(Article, col(Article.id) == FigureClaim.article_id)
            .where(ReviewItemClaim.item_id == item.id)
            .order_by(col(FigureClaim.published_at), col(FigureClaim.id))
        ).all()
        figures = " vs ".join(
            f"{describe(c)} ({c.source}"
            + (f", according to {c.attributed_to}" if c.attributed_to else "") + ")"
            for c, _ in rows
        )
        appearances = [
            {"@type": "NewsArticle", "url": url, "datePublished": _iso(c.published_at),
             "publisher": {"@type": "Organization", "name": c.source}, "text": c.sentence}
            for c, url in rows
        ]
        graph.append({
            "@type": "ClaimReview",
            "url": f"{base_url}/items/{item.id}",
            "datePublished": _iso(item.resolved_at.date() if item.resolved_at else None),
            "author": {"@type": "Person", "name": item.resolved_by},
            "claimReviewed": f"{item.subject or ''} {item.measure or ''} in {item.event}: "
                             f"{figures}".strip(),
            "reviewBody": item.note,
            "reviewRating": {"@type": "Rating", "alternateName": VERDICT_LABELS[item.verdict]},
            "itemReviewed": {
                "@type": "Claim",
                "about": item.event,
                "appearance": appearances,
                "firstAppearance": appearances[0] if appearances else None,
            },
        })
    return {"@context": "https://schema.org", "@graph": graph}
