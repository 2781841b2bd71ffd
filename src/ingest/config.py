"""Settings and the sources file: every knob of the service lives here.

``Settings`` reads environment variables prefixed ``INGEST_`` (``INGEST_DATABASE_URL``,
``INGEST_USER_AGENT``...). ``load_sources`` reads the TOML sources file and rejects unknown
keys, duplicate names and malformed URLs with a message naming the problem, before any
fetching starts.

Sources file::

    [[sources]]
    name = "reuters"                          # unique key of the outlet
    feeds = ["https://example.org/rss.xml"]   # RSS or Atom
    sitemaps = []                             # optional
    max_age_days = 7                          # optional: ignore older feed items
    host_min_interval = 5                     # optional: seconds between requests to its hosts
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.errors import ConfigError


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1

DEFAULT_DATABASE_URL = "sqlite:///storage/ingest.db"


class Settings(BaseSettings):
    """All settings of the service; each can be set as ``INGEST_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="INGEST_", extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the database (SQLite by default, postgresql+psycopg://...).",
    )
    sources_file: Path = Field(Path("sources.toml"), description="The TOML sources file.")
    user_agent: str = Field(
        "ingest-figure-check/0.1 (news figure verification; contact: newsdesk@example.org)",
        description="User-Agent sent with every request.",
    )
    connect_timeout: float = Field(10.0, gt=0, description="Seconds to open a connection.")
    read_timeout: float = Field(20.0, gt=0, description="Seconds to wait for each read.")
    total_timeout: float = Field(
        60.0, gt=0, description="Seconds one request may take in all, body included."
    )
    max_response_bytes: int = Field(
        5_000_000, gt=0, description="Largest body accepted; larger responses are cut off."
    )
    max_redirects: int = Field(5, ge=0, description="Redirects followed per request.")
    fetch_concurrency: int = Field(8, ge=1, description="Requests in flight at once.")
    host_min_interval: float = Field(
        1.0,
        ge=0,
        description="Seconds between two requests to the same host (a source may set its own "
        "host_min_interval; a robots.txt Crawl-delay that is longer wins).",
    )
    host_concurrency: int = Field(1, ge=1, description="Requests in flight at once per host.")
    fetch_attempts: int = Field(
        3, ge=1, description="Tries per URL on transient errors (connect errors, timeouts, 429, "
        "5xx), with exponential backoff and jitter between them."
    )
    retry_backoff: float = Field(
        1.0, ge=0, description="Seconds before the first retry; doubled for each further one."
    )
    retry_max_wait: float = Field(
        30.0, ge=0, description="Most seconds spent waiting between the tries of one URL; a "
        "longer Retry-After gives up at once."
    )
    allow_private_networks: bool = Field(
        False, description="Fetch from private, loopback and link-local addresses (the demo and "
        "tests); otherwise refused, also after a redirect."
    )
    batch_size: int = Field(
        50, ge=1, description="Article URLs handled by one Prefect task (fetch+extract+store)."
    )
    workers: int = Field(
        default_factory=default_workers, ge=0, le=256,
        description="Processes extracting pages and parsing claims (default: the number of "
        "cores); 0 does that work in the ingesting process itself.",
    )
    min_text_chars: int = Field(
        200, ge=0, description="Pages whose extracted text is shorter are recorded as skipped."
    )
    extraction: Literal["standard", "thorough"] = Field(
        "standard", description="Text extraction effort: standard (trafilatura's fast mode and "
        "cheap corrections) or thorough (a second pass trims boilerplate at the edges: better "
        "text for about twice the CPU per page). See 'Extraction quality' in the README."
    )
    recheck_max_age_hours: float = Field(
        72, ge=0, description="Articles first stored longer ago than this are no longer "
        "re-checked for changes."
    )
    event_window_days: int = Field(
        1, ge=0, description="Claims about one place this many days apart may be one incident."
    )

    web_host: str = Field("127.0.0.1", description="Address `ingest serve` listens on.")
    web_port: int = Field(8000, ge=1, le=65535, description="Port `ingest serve` listens on.")
    session_hours: float = Field(
        12.0, gt=0, description="Hours a reviewer's login lasts before logging in again."
    )
    secure_cookies: bool = Field(
        False, description="Mark the session cookie Secure (set when served over HTTPS)."
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        return value


def get_settings(**overrides) -> Settings:
    """Build the settings from the environment; a bad value is a ``ConfigError``."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, "settings (INGEST_* environment variables)")) from exc


def check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise ValueError(f"malformed URL {value!r} (expected http:// or https:// and a host)")
    return value


HttpUrl = Annotated[str, AfterValidator(check_url)]


class Source(BaseModel):
    """One outlet: where its article URLs are listed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    feeds: tuple[HttpUrl, ...] = ()
    sitemaps: tuple[HttpUrl, ...] = ()
    max_age_days: int | None = Field(None, ge=1)
    host_min_interval: float | None = Field(None, ge=0)


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: tuple[Source, ...] = ()

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: tuple[Source, ...]) -> tuple[Source, ...]:
        seen: set[str] = set()
        for source in sources:
            if source.name in seen:
                raise ValueError(f"duplicate source name {source.name!r}")
            seen.add(source.name)
        return sources


def parse_sources(text: str, *, origin: str = "sources file") -> tuple[Source, ...]:
    """Parse and validate the TOML text of a sources file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from exc
    try:
        parsed = SourcesFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, origin, data)) from exc
    if not parsed.sources:
        raise ConfigError(f"{origin}: no [[sources]] defined")
    for source in parsed.sources:
        if not source.feeds and not source.sitemaps:
            raise ConfigError(f"{origin}: source {source.name!r} has neither feeds nor sitemaps")
    return parsed.sources


def load_sources(path: Path | str) -> tuple[Source, ...]:
    """Read the sources file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"sources file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc}") from exc
    return parse_sources(text, origin=str(path))


def _describe(exc: ValidationError, origin: str, data: dict | None = None) -> str:
    """One line per problem, naming the source and the key."""
    lines = []
    for error in exc.errors():
        loc = list(error["loc"])
        where = ".".join(str(part) for part in loc) or "(top level)"
        if data is not None and len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
            try:
                name = data["sources"][loc[1]].get("name")
            except (KeyError, IndexError, AttributeError, TypeError):
                name = None
            if name:
                where = f"source {name!r} ({where})"
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        lines.append(f"{where}: {message}")
    return f"{origin}: " + "; ".join(lines)
