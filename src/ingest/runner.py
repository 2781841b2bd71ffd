"""Running the ingestion flow from the command line, with or without a Prefect server.

With ``PREFECT_API_URL`` set (environment or Prefect profile) the run is recorded by that
server like any deployment run. Without one, Prefect starts a temporary server inside this
process: it costs a few seconds once per command, its run history is discarded at exit, and
its shutdown noise is silenced here. Our own run record (``ingest runs``) is kept either way.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass

_QUIET = {
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",  # "Error flushing events" tracebacks at exit
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # telemetry errors on an offline machine
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


@dataclass(frozen=True, slots=True)
class PrefectMode:
    server_url: str | None

    def describe(self) -> str:
        if self.server_url:
            return f"Prefect server {self.server_url} (run history kept there)"
        return (
            "no Prefect server configured (PREFECT_API_URL): this run used a temporary "
            "server and Prefect keeps no run history; `ingest runs` keeps ours"
        )


def prepare_prefect() -> PrefectMode:
    """Quiet Prefect's client-side noise and tell whether a server is configured.

    Must run before ``prefect`` is imported for the logging settings to apply.
    """
    for key, value in _QUIET.items():
        os.environ.setdefault(key, value)
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        # the temporary server's client warns at exit about events it will never deliver
        logging.getLogger("prefect").setLevel(logging.ERROR)
    return PrefectMode(server_url=str(url) if url else None)


def run_flow(name: str, **parameters) -> dict:
    """Run the flow ``name`` (``ingest`` or ``recheck``) once in this process; its summary."""
    from flows import ingestion

    return asyncio.run(getattr(ingestion, name)(**parameters))
