"""Per-host politeness across processes and machines: the next allowed time per host, kept
in the database (table ``host_slot``) so that every worker sharing it waits its turn.

::

    delay = reserve_host_slot(database_url, "example.org", interval=1.0)
    time.sleep(delay)                # then send the request
    # or, in async code:
    await wait_for_host_slot(database_url, "example.org", interval=1.0)

A reservation is one atomic statement (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``,
the row locked by PostgreSQL for its duration), committed at once: the slot starts at the
later of now and the host's next allowed time, and moves the next allowed time ``interval``
seconds past it. Reservations hold no lock while waiting, so a killed worker leaves nothing
to clean up; its unused slot only delays the next request by ``interval``. Times are on the
database's clock (PostgreSQL), or this machine's (SQLite, one machine anyway).
"""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import text

from ingest.db import get_engine

_POSTGRES = text("""
    INSERT INTO host_slot (host, next_at)
    VALUES (:host, extract(epoch FROM statement_timestamp()) + :interval)
    ON CONFLICT (host) DO UPDATE
    SET next_at = GREATEST(host_slot.next_at, extract(epoch FROM statement_timestamp()))
                  + :interval
    RETURNING next_at - :interval - extract(epoch FROM statement_timestamp())
""")
_SQLITE = text("""
    INSERT INTO host_slot (host, next_at) VALUES (:host, :now + :interval)
    ON CONFLICT (host) DO UPDATE SET next_at = max(host_slot.next_at, :now) + :interval
    RETURNING next_at - :interval - :now
""")


def reserve_host_slot(database_url: str, host: str, interval: float) -> float:
    """Reserve the next request slot for ``host``; returns the seconds to wait before
    sending (0.0 when the host is free now). ``interval``: seconds until the slot after."""
    if interval <= 0:
        return 0.0
    engine = get_engine(database_url)
    host = host.lower()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            delay = connection.execute(_POSTGRES, {"host": host, "interval": interval}).scalar()
        else:
            delay = connection.execute(
                _SQLITE, {"host": host, "interval": interval, "now": time.time()}
            ).scalar()
    return max(0.0, float(delay))


async def wait_for_host_slot(database_url: str, host: str, interval: float) -> float:
    """Reserve a slot (in a thread: the database call blocks) and sleep until it starts;
    returns the seconds waited."""
    if interval <= 0:
        return 0.0
    delay = await asyncio.to_thread(reserve_host_slot, database_url, host, interval)
    if delay > 0:
        await asyncio.sleep(delay)
    return delay


def host_gate(database_url: str):
    """``wait_for_host_slot`` on one database, in the shape of ``fetch.HostGate``:
    ``Fetcher(settings, host_gate=host_gate(settings.database_url))``."""

    async def gate(host: str, interval: float) -> None:
        await wait_for_host_slot(database_url, host, interval)

    return gate
