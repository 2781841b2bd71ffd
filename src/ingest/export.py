"""Export records (plain dicts, JSON-ready) for claims, review items and article versions.

The field names are a contract (README, "Export format"): fields may be added, never renamed
or removed. Rows are streamed from the database, so exports of any size run in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterator
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
        "event_date": _iso(claim.event_date),
        "event": claim.event,
        "unit": claim.unit,
        "stance": claim.stance,
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
    items = session.exec(select(ReviewItem).order_by(col(ReviewItem.id)))
    for item in items:
        members = session.exec(
            select(FigureClaim.id)
            .join(ReviewItemClaim, col(ReviewItemClaim.claim_id) == FigureClaim.id)
            .where(ReviewItemClaim.item_id == item.id)
            .order_by(col(FigureClaim.published_at).desc(), col(FigureClaim.id).desc())
        ).all()
        yield {
            "id": item.id,
            "kind": item.kind,
            "status": item.status,
            "event": item.event,
            "measure": item.measure,
            "subject": item.subject,
            "claim_ids": list(members),
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
