"""One exception tree for the whole service.

::

    IngestError                     base of everything raised on purpose
    ├── ConfigError                 bad settings or sources file (raised before any fetching)
    ├── FetchError                  one URL could not be fetched; carries ``url``, ``transient``
    │   ├── HTTPStatusError         the server answered 4xx/5xx; carries ``status_code``
    │   │                           (and ``retry_after`` in seconds, from a 429 or 503)
    │   ├── TransportError          DNS, connection refused or reset, truncated or undecodable
    │   │   ├── TimeoutError        connect/read timeout or the total deadline
    │   │   └── RedirectError       more than the allowed redirects
    │   │       └── RedirectLoopError   a redirect back to a URL already visited
    │   ├── ContentTypeError        not HTML (PDF, image...) or not a feed/sitemap
    │   ├── TooLargeError           the (decoded) body exceeded the size limit while streaming
    │   ├── RobotsError             robots.txt disallows the URL (or could not be read: 5xx)
    │   └── AddressError            the host is a private, loopback, link-local or reserved
    │                               address (before the request and after every redirect)
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
    """A URL could not be fetched. ``transient``: trying again later may succeed."""

    reason = "fetch"

    def __init__(self, message: str, *, url: str, transient: bool = False) -> None:
        super().__init__(message)
        self.url = url
        self.transient = transient


# 408 Request Timeout, 425 Too Early, 429 Too Many Requests and the server-side 5xx
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class HTTPStatusError(FetchError):
    reason = "http_status"

    def __init__(self, message: str, *, url: str, status_code: int,
                 retry_after: float | None = None) -> None:
        super().__init__(message, url=url, transient=status_code in TRANSIENT_STATUS)
        self.status_code = status_code
        self.retry_after = retry_after


class TransportError(FetchError):
    reason = "transport"


class TimeoutError(TransportError):  # noqa: A001 - scoped to this package
    reason = "timeout"


class RedirectError(TransportError):
    reason = "too_many_redirects"


class RedirectLoopError(RedirectError):
    reason = "redirect_loop"


class ContentTypeError(FetchError):
    reason = "content_type"


class TooLargeError(FetchError):
    reason = "too_large"


class RobotsError(FetchError):
    reason = "robots"


class AddressError(FetchError):
    reason = "private_address"


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
