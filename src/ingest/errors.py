"""One exception tree for the whole service.

::

    IngestError                     base of everything raised on purpose
    ├── ConfigError                 bad settings or sources file (raised before any fetching)
    ├── FetchError                  one URL could not be fetched; carries ``url``
    │   ├── HTTPStatusError         the server answered 4xx/5xx; carries ``status_code``
    │   ├── TransportError          timeout, DNS, connection refused, too many redirects
    │   ├── ContentTypeError        not HTML (PDF, image...) or not a feed/sitemap
    │   └── TooLargeError           the body exceeded the size limit while streaming
    ├── DiscoveryError              a feed or sitemap could not be parsed; carries ``url``
    ├── ExtractionError             no usable article text in a fetched page; carries ``url``
    ├── ReviewError                 a reviewer's action is not allowed
    │   ├── NotFoundError           no review item (or article, event) with that id
    │   └── InvalidActionError      e.g. resolving an item that is already resolved
    └── AccountError                a reviewer account cannot be created (bad or taken name)
        └── AuthenticationError     wrong username or password; missing or expired session

Each URL's failure is recorded with ``reason`` (a short machine-friendly code) and the
message; the CLI turns ``ConfigError`` and ``ReviewError`` into a clean message and a
non-zero exit code, the web app (``ingest.web``) into HTTP status codes (404, 409, 401).
"""

from __future__ import annotations


class IngestError(Exception):
    """Base class of the service's own errors."""

    reason = "error"


class ConfigError(IngestError):
    """The settings or the sources file cannot be used."""

    reason = "config"


class FetchError(IngestError):
    """A URL could not be fetched."""

    reason = "fetch"

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class HTTPStatusError(FetchError):
    reason = "http_status"

    def __init__(self, message: str, *, url: str, status_code: int) -> None:
        super().__init__(message, url=url)
        self.status_code = status_code


class TransportError(FetchError):
    reason = "transport"


class TimeoutError(TransportError):  # noqa: A001 - scoped to this package
    reason = "timeout"


class ContentTypeError(FetchError):
    reason = "content_type"


class TooLargeError(FetchError):
    reason = "too_large"


class DiscoveryError(IngestError):
    """A feed or sitemap could not be parsed."""

    reason = "discovery"

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class ExtractionError(IngestError):
    """A page was fetched but holds no usable article text."""

    reason = "extraction"

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class ReviewError(IngestError):
    """A review action was refused."""

    reason = "review"


class NotFoundError(ReviewError):
    reason = "not_found"


class InvalidActionError(ReviewError):
    reason = "invalid_action"


class AccountError(IngestError):
    """A reviewer account cannot be created or changed."""

    reason = "account"


class AuthenticationError(AccountError):
    """Wrong username or password, or no valid session."""

    reason = "authentication"
