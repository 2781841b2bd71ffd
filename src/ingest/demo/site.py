"""A small local news site made from the seed articles, for the offline demo and the tests.

Each outlet gets an RSS feed and one HTML page per article, with the real publication date
in the page's metadata and in the feed. The server binds 127.0.0.1 on a free port and runs
in a background thread::

    with NewsSite() as site:
        site.sources_toml()   # a sources file pointing at the feeds
"""

from __future__ import annotations

import html
import logging
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources


@dataclass(frozen=True, slots=True)
class SeedArticle:
    outlet: str  # source name in the sources file
    outlet_name: str
    file: str  # in ingest/demo/seeds/
    slug: str
    title: str  # the seeds carry no headline: these are lines of their own text
    published: str  # ISO date
    skip_prefixes: tuple[str, ...] = ()  # lines that are not article text (captions, credits)


SEEDS = (
    SeedArticle(
        outlet="rt",
        outlet_name="RT",
        file="makiivka-rt.txt",
        slug="makeyevka-strike",
        title="The deadly attack took place in the city of Makeyevka in Donetsk People's "
        "Republic, the Defense Ministry says",
        published="2023-01-02",
        skip_prefixes=("date 2023-01-02", "Source: RT",
                       "The deadly attack took place in the city of Makeyevka"),
    ),
    SeedArticle(
        outlet="efe",
        outlet_name="EFE (with Reuters)",
        file="kramatorsk-makiivka-reuters-efe.txt",
        slug="kramatorsk-attack-no-casualties",
        title="The Russian missile attack in Kramatorsk caused damage but did not destroy "
        "buildings",
        published="2023-01-08",
    ),
)


def seed_text(seed: SeedArticle) -> str:
    return resources.files("ingest.demo").joinpath("seeds", seed.file).read_text("utf-8")


def render_article(seed: SeedArticle) -> str:
    """The seed as an HTML article page: short unpunctuated lines become sub-headings."""
    body = []
    for line in seed_text(seed).splitlines():
        line = line.strip()
        if not line:
            continue
        if any(line.startswith(prefix) for prefix in seed.skip_prefixes):
            continue
        tag = "h2" if len(line) < 80 and not line.endswith((".", ":", "”", '"')) else "p"
        body.append(f"<{tag}>{html.escape(line)}</{tag}>")
    title = html.escape(seed.title)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<meta property="og:site_name" content="{html.escape(seed.outlet_name)}">
<meta property="article:published_time" content="{seed.published}T12:00:00+00:00">
<meta name="author" content="{html.escape(seed.outlet_name)}">
</head><body>
<header><nav><a href="/">Home</a> | <a href="/{seed.outlet}/feed.xml">RSS</a></nav></header>
<main><article>
<h1>{title}</h1>
<time datetime="{seed.published}">{seed.published}</time>
{chr(10).join(body)}
</article></main>
<footer><p>Demo copy of a real article, served locally for the offline demo.</p></footer>
</body></html>"""


def render_feed(outlet: str, base_url: str) -> str:
    items = []
    for seed in SEEDS:
        if seed.outlet != outlet:
            continue
        when = datetime.fromisoformat(seed.published).replace(hour=12, tzinfo=UTC)
        items.append(
            f"<item><title>{html.escape(seed.title)}</title>"
            f"<link>{base_url}/{outlet}/{seed.slug}.html</link>"
            f"<guid>{base_url}/{outlet}/{seed.slug}.html</guid>"
            f"<pubDate>{format_datetime(when)}</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{outlet}</title><link>{base_url}/{outlet}/</link>"
        f"<description>Demo feed</description>{''.join(items)}</channel></rss>"
    )


class QuietServer(ThreadingHTTPServer):
    """A threading HTTP server for local test and demo sites."""

    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 stalls concurrent fetchers for 1 s

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up early (a fetcher that stopped reading: a timeout, a size
        limit) is not the site's error; nothing is printed over the command's output."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionError)):
            return
        logging.getLogger(__name__).warning("error serving %s", client_address, exc_info=True)


class NewsSite:
    """Serve the seed articles and their feeds on 127.0.0.1 until closed."""

    def __init__(self, port: int = 0) -> None:
        self._server = QuietServer(("127.0.0.1", port), self._handler())
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                status, content_type, body = site.route(self.path)
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        return Handler

    def route(self, path: str) -> tuple[int, str, str]:
        path = path.split("?")[0]
        for seed in SEEDS:
            if path == f"/{seed.outlet}/feed.xml":
                return 200, "application/rss+xml; charset=utf-8", render_feed(
                    seed.outlet, self.base_url
                )
            if path == f"/{seed.outlet}/{seed.slug}.html":
                return 200, "text/html; charset=utf-8", render_article(seed)
        return 404, "text/plain", "not found"

    def sources_toml(self) -> str:
        outlets = dict.fromkeys(seed.outlet for seed in SEEDS)
        return "".join(
            f'[[sources]]\nname = "{outlet}"\nfeeds = ["{self.base_url}/{outlet}/feed.xml"]\n\n'
            for outlet in outlets
        )

    def __enter__(self) -> NewsSite:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
