"""The demo news site plus pages that fail in the usual ways, served on 127.0.0.1."""

from __future__ import annotations

import time

from ingest.demo.site import NewsSite

BROKEN_FEED = "<rss><channel><item><title>cut off"


class FaultySite(NewsSite):
    """Adds /faults/feed.xml listing one good article and one URL per kind of failure."""

    FAULTS = ("missing", "error", "slow", "pdf", "huge", "empty")

    def route(self, path: str) -> tuple[int, str, str]:
        path = path.split("?")[0]
        if path == "/faults/feed.xml":
            links = [f"{self.base_url}/rt/makeyevka-strike.html"] + [
                f"{self.base_url}/faults/{name}" for name in self.FAULTS
            ]
            items = "".join(f"<item><title>{link}</title><link>{link}</link></item>"
                            for link in links)
            return 200, "application/rss+xml", (
                f'<rss version="2.0"><channel><title>f</title>{items}</channel></rss>')
        if path == "/faults/broken-feed.xml":
            return 200, "application/rss+xml", BROKEN_FEED
        if path == "/faults/missing":
            return 404, "text/html", "gone"
        if path == "/faults/error":
            return 500, "text/html", "oops"
        if path == "/faults/slow":
            time.sleep(3)
            return 200, "text/html", "<html><body>late</body></html>"
        if path == "/faults/pdf":
            return 200, "application/pdf", "%PDF-1.4"
        if path == "/faults/huge":
            return 200, "text/html", "<html><body>" + "x" * 300_000 + "</body></html>"
        if path == "/faults/empty":
            return 200, "text/html", "<html><body><nav>Home</nav></body></html>"
        return super().route(path)

    def faults_toml(self) -> str:
        return (
            f'[[sources]]\nname = "faults"\nfeeds = ["{self.base_url}/faults/feed.xml", '
            f'"{self.base_url}/faults/broken-feed.xml", "{self.base_url}/faults/nofeed"]\n'
        )
