"""A local news site where several outlets report the same incidents with different tolls.

Outlet ``o<n>`` has a feed listing one article per incident; every article states exactly one
figure (the killed at that incident, a different number per outlet), so ingesting every
outlet gives one claim per article and one review item per incident holding every outlet's
claim. Pages listed in ``slow`` answer after ``slow_seconds``.
"""

from __future__ import annotations

import html
import time

from ingest.demo.site import NewsSite

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
        if path in self.slow or page in self.slow:
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
