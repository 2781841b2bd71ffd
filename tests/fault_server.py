"""A local HTTP server (127.0.0.1, free port) that fails in every way the fetcher must survive.

Unlike ``tests/faulty_site.py`` (the demo site plus a few bad URLs), each path here writes its
raw response itself, so it can lie about Content-Length, stall, trickle, compress, redirect
in circles or answer conditionally. ``FAULTS`` lists every path with what the run should
record for it; ``tests/test_fetch_faults.py`` checks the table, and the README's "What
happens to bad input" is written from it.
"""

from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler

from ingest.demo.site import QuietServer

PARAGRAPH = (
    "Moscow said on Monday that 63 servicemen were killed when Ukrainian rockets struck a "
    "building in Makiivka where newly mobilised soldiers were housed. "
)
ARTICLE_TEXT = PARAGRAPH * 4
WIRE_TEXT = (
    "Officials in Kramatorsk said a Russian missile attack damaged two school buildings and "
    "caused no casualties, contradicting a claim from Moscow. "
) * 4
RUSSIAN = ("В результате удара по пункту временной дислокации в Макеевке погибли 63 российских "
           "военнослужащих, сообщило Министерство обороны. ") * 3


def article(text: str = ARTICLE_TEXT, *, head: str = "", title: str = "Makiivka strike") -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{head}</head><body>"
            f"<article><h1>{title}</h1><p>{text}</p></article></body></html>")


# path -> (outcome, reason) that a pipeline run records for it, as an article URL
FAULTS = {
    "/ok": ("stored", None),
    "/404": ("failed", "http_status"),
    "/410": ("failed", "http_status"),
    "/500": ("failed", "http_status"),  # after the retries
    "/503-then-ok": ("stored", None),  # Retry-After: 1, then a page
    "/429-for-an-hour": ("failed", "http_status"),  # Retry-After beyond the budget: no retry
    "/stalled": ("failed", "timeout"),  # headers, then nothing
    "/slow": ("failed", "timeout"),  # a byte now and then, past the total deadline
    "/truncated": ("failed", "transport"),  # Content-Length larger than what is sent
    "/huge": ("failed", "too_large"),  # no Content-Length, streams past the cap
    "/gzip-bomb": ("failed", "too_large"),  # ~20 KB of gzip inflating to 20 MB
    "/loop-a": ("failed", "redirect_loop"),  # -> /loop-b -> /loop-a
    "/hop/0": ("failed", "too_many_redirects"),  # /hop/0 -> /hop/1 -> ... -> /hop/20
    "/report.pdf": ("skipped", "content_type"),
    "/photo.png": ("skipped", "content_type"),
    "/private/page": ("skipped", "robots"),  # robots.txt: Disallow: /private/
    "/nav-only": ("skipped", "no_article"),
    "/broken-html": ("stored", None),  # unclosed tags, stray end tags
    "/cp1251-bare": ("stored", None),  # windows-1251, no charset anywhere
    "/wrong-charset": ("stored", None),  # header says utf-8, bytes are windows-1251
}


class FaultServer:
    """``with FaultServer() as server: server.url("/404")``; ``server.hits`` counts requests."""

    def __init__(self, robots: str = "User-agent: *\nDisallow: /private/\n") -> None:
        self.robots = robots
        self.hits: dict[str, int] = {}
        self.extra: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(self, path: str, body: str | bytes, *, status: int = 200,
            content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        """Serve ``body`` at ``path`` (headers as keyword arguments, ``_`` for ``-``)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.extra[path] = (status, {"Content-Type": content_type,
                                     **{k.replace("_", "-"): v for k, v in headers.items()}},
                            data)

    def feed(self, *paths: str) -> str:
        """An RSS feed listing these paths (relative links, as some outlets write them)."""
        items = "".join(f"<item><title>{p}</title><link>{p}</link></item>" for p in paths)
        return f'<rss version="2.0"><channel><title>faults</title>{items}</channel></rss>'

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path.split("?")[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                try:
                    server.serve(self, path, server.hits[path])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            def handle(self) -> None:
                try:
                    super().handle()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                pass

        return Handler

    def serve(self, h: BaseHTTPRequestHandler, path: str, hit: int) -> None:
        def send(status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
                 length: int | None = None, **headers: str) -> None:
            h.send_response(status)
            h.send_header("Content-Type", content_type)
            for name, value in headers.items():
                h.send_header(name.replace("_", "-"), value)
            if length is not None or status != 200 or body:
                h.send_header("Content-Length", str(len(body) if length is None else length))
            h.end_headers()
            h.wfile.write(body)
            h.wfile.flush()

        page = article().encode()
        if path in self.extra:
            status, headers, body = self.extra[path]
            etag = headers.get("ETag")
            if etag and h.headers.get("If-None-Match") == etag:
                h.send_response(304)
                h.send_header("ETag", etag)
                h.send_header("Content-Length", "0")
                h.end_headers()
                return
            h.send_response(status)
            for name, value in headers.items():
                h.send_header(name, value)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
        elif path == "/robots.txt":
            send(200, self.robots.encode(), "text/plain")
        elif path in ("/ok", "/private/page"):
            send(200, page)
        elif path in ("/404", "/410", "/500"):
            send(int(path[1:]), b"no")
        elif path == "/503-then-ok":
            if hit == 1:
                send(503, b"busy", Retry_After="1")
            else:
                send(200, article(WIRE_TEXT, title="Kramatorsk").encode())
        elif path == "/429-for-an-hour":
            send(429, b"slow down", Retry_After="3600")
        elif path == "/stalled":
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            h.wfile.write(b"<html><body>")
            h.wfile.flush()
            time.sleep(3)
        elif path == "/slow":
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            for _ in range(30):  # a byte every 0.1 s: no read times out, the total does
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(0.1)
        elif path == "/truncated":
            send(200, page[:200], length=len(page))
            h.close_connection = True
        elif path == "/huge":
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Connection", "close")
            h.end_headers()  # no Content-Length: the body runs until the connection closes
            for _ in range(30):
                h.wfile.write(b"<p>" + b"x" * 9_997)
            h.close_connection = True
        elif path == "/gzip-bomb":
            send(200, gzip.compress(b"<html><body>" + b" " * 20_000_000), Content_Encoding="gzip")
        elif path == "/loop-a":
            send(302, b"", Location="/loop-b")
        elif path == "/loop-b":
            send(301, b"", Location=self.url("/loop-a"))
        elif path.startswith("/hop/"):
            send(302, b"", Location=f"/hop/{int(path[5:]) + 1}")
        elif path == "/report.pdf":
            send(200, b"%PDF-1.4 ...", "application/pdf")
        elif path == "/photo.png":
            send(200, b"\x89PNG\r\n\x1a\n...", "image/png")
        elif path == "/nav-only":
            send(200, b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
        elif path == "/broken-html":
            send(200, (f"<html><head><title>Broken</title><body><div><article><h1>Broken"
                       f"<p>{ARTICLE_TEXT.replace('63', '64')}<p></span></b><div>"
                       f"<table><tr><td>").encode())
        elif path == "/cp1251-bare":
            send(200, article(RUSSIAN, title="Макеевка").encode("cp1251"), "text/html")
        elif path == "/wrong-charset":
            text = RUSSIAN + "Киев заявил, что погибли по меньшей мере 400 человек. " * 2
            send(200, article(text, title="Макеевка").encode("cp1251"),
                 "text/html; charset=utf-8")
        else:
            send(404, b"not found")


class _Server(QuietServer):
    request_queue_size = 64
