"""Read models shared by the pages and the API: an event, an article, a version diff."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from ingest import review, store
from ingest.errors import NotFoundError
from ingest.models import Article, ArticleVersion, FigureClaim, ReviewItem
from ingest.web import chart, textdiff


@dataclass(frozen=True, slots=True)
class EventView:
    event: str
    claims: list[review.ClaimEvidence]
    items: list[ReviewItem]
    chart: chart.Chart
    figure: str | None  # the figure charted: "measure/subject" ("killed/soldiers")
    figures: list[tuple[str, int]]  # every figure claimed about the event, with its count


def figure_key(claim: FigureClaim) -> str | None:
    """What a claim counts, as "measure/subject" (None when it says neither)."""
    if not claim.measure and not claim.subject:
        return None
    return f"{claim.measure or '?'}/{claim.subject or '?'}"


def event_view(*, session: Session, event: str, figure: str | None = None) -> EventView:
    """An event's claims and items, and a chart of one figure: ``figure`` when given, else
    the one its review items dispute, else the one claimed most (killed soldiers and
    intercepted missiles are not drawn on one axis)."""
    rows = store.event_claims(session=session, event=event)
    if not rows:
        raise NotFoundError(f"no claim about event {event!r}")
    claims = [review.ClaimEvidence(c, a, v, None) for c, a, v in rows]
    items = [row.item for row in review.queue_page(
        session=session, filters=review.QueueFilter(status=None, event=event), limit=200,
    ).rows]
    counts: dict[str, int] = {}
    for c in claims:
        key = figure_key(c.claim)
        if key:
            counts[key] = counts.get(key, 0) + 1
    figures = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if figure not in counts:
        disputed = [f"{i.measure or '?'}/{i.subject or '?'}" for i in items]
        figure = next((f for f in disputed if f in counts), figures[0][0] if figures else None)
    points = [
        chart.Point(
            day=c.claim.published_at or c.version.fetched_at.date(),
            low=c.claim.low, high=c.claim.high, value=c.claim.value, source=c.claim.source,
            label=f"{c.claim.source}: {c.claim.quote!r} ({c.claim.attributed_to or 'unattributed'})"
                  f", {c.claim.published_at or c.version.fetched_at.date()}"
                  + (" [superseded]" if c.claim.superseded else ""),
            href=f"/articles/{c.article.id}?v={c.version.version}",
        )
        for c in claims
        if figure_key(c.claim) == figure
    ]
    return EventView(event, claims, items, chart.build(points), figure, figures)


@dataclass(frozen=True, slots=True)
class ArticleView:
    article: Article
    versions: list[ArticleVersion]
    shown: ArticleVersion
    claims: list[FigureClaim]  # of the shown version
    old: ArticleVersion | None  # the version the shown one is compared with
    pieces: list[textdiff.Piece]
    changed_figures: list[tuple[str, str]]


def article_view(
    *, session: Session, article_id: int, version: int | None = None,
    compare: int | None = None,
) -> ArticleView:
    """An article, one of its versions (the latest by default) and its diff against another
    (the previous one by default)."""
    found = store.article_with_versions(session=session, article_id=article_id)
    if found is None or not found[1]:
        raise NotFoundError(f"no article with id {article_id}")
    article, versions = found
    by_number = {v.version: v for v in versions}
    shown = by_number.get(version) if version is not None else versions[-1]
    if shown is None:
        raise NotFoundError(f"article {article_id} has no version {version}")
    if compare is not None:
        old = by_number.get(compare)
        if old is None:
            raise NotFoundError(f"article {article_id} has no version {compare}")
    else:
        old = by_number.get(shown.version - 1)
    pieces = textdiff.diff(old.text, shown.text) if old is not None else []
    return ArticleView(article, versions, shown,
                       store.version_claims(session=session, version_id=shown.id), old,
                       pieces, textdiff.changed_figures(pieces))
