"""A local news site where several outlets report the same incidents with different tolls.

Outlet ``o<n>`` has a feed listing one article per incident; every article states exactly one
figure (the killed at that incident, a different number per outlet), so ingesting every
outlet gives one claim per article and one review item per incident holding every outlet's
claim. Pages listed in ``slow`` answer after ``slow_seconds``.
"""

from __future__ import annotations

import html
import threading
import time

from sqlalchemy import func
from sqlmodel import select

from ingest import review
from ingest.db import session_scope
from ingest.demo.site import NewsSite
from ingest.models import Article, ArticleVersion, FigureClaim, ReviewItem, ReviewItemClaim

INCIDENTS = (
    ("makiivka", "servicemen were killed in the strike on Makiivka"),
    ("kharkiv", "civilians were killed in the shelling of Kharkiv"),
    ("kramatorsk", "soldiers were killed in the missile attack on Kramatorsk"),
)
FILLER = (
    "Rescue teams worked through the night to clear the rubble, and residents described "
    "hearing loud explosions shortly after midnight. Local authorities declared a "
    "day of mourning, and schools in the area remained closed while engineers inspected "
    "the damaged buildings. Independent verification of the account was not possible."
)


class BusySite(NewsSite):
    def __init__(self, outlets: int = 4, *, slow: tuple[str, ...] = (),
                 slow_seconds: float = 30.0) -> None:
        super().__init__()
        self.outlets = [f"o{n}" for n in range(outlets)]
        self.slow, self.slow_seconds = set(slow), slow_seconds
        self.slow_requested = threading.Event()

    def figure(self, outlet: str, place: str) -> int:
        n = self.outlets.index(outlet)
        i = [p for p, _ in INCIDENTS].index(place)
        return 10 * (n + 1) + 3 * i  # 10 apart between outlets: never overlapping

    def urls(self, outlet: str) -> list[str]:
        return [f"{self.base_url}/{outlet}/{place}.html" for place, _ in INCIDENTS]

    def route(self, path: str) -> tuple[int, str, str]:
        path = path.split("?")[0]
        outlet, _, page = path.strip("/").partition("/")
        if outlet not in self.outlets:
            return super().route(path)
        if page == "feed.xml":
            items = "".join(f"<item><title>{url}</title><link>{url}</link>"
                            f"<pubDate>Mon, 02 Jan 2023 12:00:00 +0000</pubDate></item>"
                            for url in self.urls(outlet))
            return 200, "application/rss+xml", (
                f'<rss version="2.0"><channel><title>{outlet}</title>{items}</channel></rss>')
        place = page.removesuffix(".html")
        if f"{outlet}/{page}" in self.slow:
            self.slow_requested.set()
            time.sleep(self.slow_seconds)
        for known, what in INCIDENTS:
            if known == place:
                return 200, "text/html; charset=utf-8", self.article(outlet, known, what)
        return 404, "text/plain", "not found"

    def article(self, outlet: str, place: str, what: str) -> str:
        figure = self.figure(outlet, place)
        title = f"{place.title()}: the toll according to {outlet.upper()}"
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta property="article:published_time" content="2023-01-02T12:00:00+00:00">
<meta property="og:site_name" content="Outlet {outlet.upper()}"></head>
<body><main><article><h1>{html.escape(title)}</h1>
<p>The regional administration said {figure} {what} on Monday.</p>
<p>{FILLER}</p><p>{FILLER}</p>
</article></main></body></html>"""

    def busy_toml(self, outlets: list[str] | None = None) -> str:
        return "".join(
            f'[[sources]]\nname = "{outlet}"\nfeeds = ["{self.base_url}/{outlet}/feed.xml"]\n\n'
            for outlet in (outlets or self.outlets)
        )


def assert_stored_once(url: str, site: BusySite, outlets: list[str]) -> None:
    with session_scope(url) as session:
        urls = [a.url for a in session.exec(select(Article))]
        assert sorted(urls) == sorted(u for o in outlets for u in site.urls(o))
        assert session.exec(select(func.count()).select_from(ArticleVersion)).one() == len(urls)
        claims = session.exec(select(FigureClaim)).all()
        assert len(claims) == len(urls)  # one figure per article
        assert len({(c.version_id, c.sentence_index, c.start) for c in claims}) == len(claims)
        items = session.exec(select(ReviewItem)).all()
        # one item per incident, never a merged second one, each with every outlet's figure
        assert sorted(item.place for item in items) == sorted(p for p, _ in INCIDENTS)
        assert {item.status for item in items} == {"open"}
        for item in items:
            values = {c.value for c in review.item_claims(session=session, item_id=item.id)}
            assert values == {site.figure(o, item.place) for o in outlets}, item.place
        links = session.exec(select(ReviewItemClaim.claim_id)).all()
        assert len(links) == len(set(links)) == len(claims)
        events = {(c.place, c.event) for c in claims}
        assert len(events) == len(INCIDENTS)  # one event key per incident across workers
