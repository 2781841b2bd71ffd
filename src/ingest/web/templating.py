"""Jinja2 templates (autoescaped) and the small presentation helpers they use."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ingest.conflicts import describe

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def safe_url(url: str | None) -> str | None:
    """Only http(s) URLs from articles become links."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return None


def interval(claim) -> str:
    low = "−∞" if claim.low is None else f"{claim.low:g}"
    high = "∞" if claim.high is None else f"{claim.high:g}"
    open_low = "(" if claim.bound == ">" or claim.low is None else "["
    open_high = ")" if claim.bound == "<" or claim.high is None else "]"
    return f"{open_low}{low}, {high}{open_high}"


def highlight(claim) -> list[tuple[str, bool]]:
    """The claim's sentence cut into (text, is_the_figure) pieces; escaped by the template."""
    sentence = claim.sentence or ""
    start, end = claim.start, claim.end
    if not (0 <= start < end <= len(sentence)):
        return [(sentence, False)]
    return [(sentence[:start], False), (sentence[start:end], True), (sentence[end:], False)]


def when(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def query(params: dict, **changes) -> str:
    merged = {k: v for k, v in (params | changes).items() if v not in (None, "")}
    return urlencode(merged)


_env.filters.update(interval=interval, when=when, figure=describe, safe_url=safe_url)
_env.globals.update(highlight=highlight, query=query)

templates = Jinja2Templates(env=_env)
