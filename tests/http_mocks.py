"""Helpers for tests that register exact responses with pytest-httpx."""

from __future__ import annotations

import re

ROBOTS = re.compile(r"^https?://[^/]+/robots\.txt$")


def allow_robots(httpx_mock, *, status: int = 404, text: str = "") -> None:
    """Answer every host's robots.txt (404 by default: everything allowed); optional, so tests
    that never reach a host do not fail on the unused response."""
    httpx_mock.add_response(url=ROBOTS, status_code=status, text=text, is_optional=True,
                            is_reusable=True)
