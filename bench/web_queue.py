"""Server time of the reviewers' workspace with 100,000 review items.

Seeds a temporary SQLite database in bulk (articles, 2 claims per item, items in every
status, audit entries), logs in, then requests the queue and item pages in-process and
prints the median and 95th percentile of the app's own time (its ``Server-Timing`` header:
routing, queries, template rendering; no network).

    .venv/bin/python bench/web_queue.py [--items 100000] [--repeat 40] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from ingest import accounts  # noqa: E402
from ingest.config import Settings  # noqa: E402
from ingest.db import get_engine  # noqa: E402
from ingest.models import (  # noqa: E402
    Article,
    ArticleVersion,
    FigureClaim,
    ReviewItem,
    ReviewItemClaim,
    ReviewLog,
)
from ingest.web import create_app  # noqa: E402

PLACES = ["makiivka", "kramatorsk", "donetsk", "kharkiv", "bakhmut", "kherson", "odesa",
          "mariupol", "avdiivka", "lviv", "gaza", "khan-yunis", "rafah", "aleppo", "idlib"]
MEASURES = ["killed", "injured", "casualties", "missiles_intercepted", "missiles_hit",
            "displaced"]
SUBJECTS = ["soldiers", "civilians", "people", "children", "missiles"]
STATUSES = ["open"] * 60 + ["claimed"] * 10 + ["resolved"] * 28 + ["merged"] * 2
KINDS = ["contradiction"] * 7 + ["revision"] * 2 + ["modified"]
PASSWORD = "bench password"


def seed(url: str, n_items: int, rng: random.Random) -> None:
    engine = get_engine(url)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    n_outlets, n_articles = 60, max(n_items // 20, 10)
    outlets = [f"outlet{i:02d}" for i in range(n_outlets)]
    events = [f"{rng.choice(PLACES)}/{date(2024, 1, 1) + timedelta(days=rng.randrange(365))}"
              for _ in range(max(n_items // 50, 1))]
    with engine.begin() as conn:
        conn.execute(insert(Article), [
            {"id": a + 1, "url": f"https://{outlets[a % n_outlets]}.example/story/{a}",
             "source": outlets[a % n_outlets], "title": f"Story {a}",
             "published_at": date(2024, 1, 1) + timedelta(days=a % 365),
             "first_seen_at": start, "last_checked_at": start, "latest_version": 1}
            for a in range(n_articles)])
        conn.execute(insert(ArticleVersion), [
            {"id": a + 1, "article_id": a + 1, "version": 1, "content_hash": f"h{a}",
             "fetched_at": start, "final_url": f"https://x.example/{a}", "title": f"Story {a}",
             "text": f"Story {a}. " + "Officials said 63 servicemen were killed. " * 20}
            for a in range(n_articles)])
        claims, items, links, logs = [], [], [], []
        for i in range(n_items):
            item_id = i + 1
            event = rng.choice(events)
            measure, subject = rng.choice(MEASURES), rng.choice(SUBJECTS)
            status = rng.choice(STATUSES)
            created = start + timedelta(seconds=rng.randrange(365 * 86400))
            for k in range(2):
                claim_id = 2 * i + k + 1
                article = rng.randrange(n_articles) + 1
                value = float(rng.choice([0, 5, 12, 63, 89, 400, 600]))
                sentence = f"Officials said {value:g} {subject} were {measure} in the city."
                claims.append({
                    "id": claim_id, "article_id": article, "version_id": article,
                    "source": outlets[(article - 1) % n_outlets],
                    "published_at": created.date(), "sentence": sentence,
                    "sentence_index": claim_id, "quote": f"{value:g}", "start": 15,
                    "end": 15 + len(f"{value:g}"), "value": value, "bound": "=", "low": value,
                    "high": value, "approx": False, "measure": measure, "subject": subject,
                    "attributed_to": "officials", "actor": "officials",
                    "place": event.split("/")[0], "event": event, "superseded": False,
                    "in_title": False, "created_at": created})
                links.append({"item_id": item_id, "claim_id": claim_id, "added_at": created,
                              "reason": "63 vs 400"})
            items.append({
                "id": item_id, "kind": rng.choice(KINDS), "status": status, "event": event,
                "place": event.split("/")[0], "measure": measure, "subject": subject,
                "priority": round(rng.uniform(0, 10), 3), "created_at": created,
                "updated_at": created,
                "assignee": "someone" if status == "claimed" else None,
                "verdict": "confirmed" if status == "resolved" else None,
                "resolved_by": "someone" if status == "resolved" else None,
                "resolved_at": created if status == "resolved" else None,
                "merged_into": 1 if status == "merged" else None})
            logs.append({"item_id": item_id, "at": created, "actor": "system",
                         "action": "opened", "detail": "63 vs 400"})
            if len(items) >= 20_000:
                _flush(conn, claims, items, links, logs)
        _flush(conn, claims, items, links, logs)
    with Session(engine) as session:
        accounts.create_reviewer(session=session, username="bench", password=PASSWORD)
        session.commit()


def _flush(conn, claims, items, links, logs) -> None:
    for table, rows in ((FigureClaim, claims), (ReviewItem, items),
                        (ReviewItemClaim, links), (ReviewLog, logs)):
        if rows:
            conn.execute(insert(table), rows)
        rows.clear()


def server_ms(client: TestClient, path: str) -> float:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return float(response.headers["server-timing"].split("dur=")[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="keep the database in this directory")
    args = parser.parse_args()
    rng = random.Random(4)
    directory = args.keep or Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    db = directory / "web_queue.db"
    url = f"sqlite:///{db}"
    if not db.exists():
        started = time.perf_counter()
        seed(url, args.items, rng)
        print(f"seeded {args.items:,} review items ({2 * args.items:,} claims) in "
              f"{time.perf_counter() - started:.1f} s: {db}")
    client = TestClient(create_app(Settings(database_url=url)))
    assert client.post("/api/login", json={"username": "bench",
                                           "password": PASSWORD}).status_code == 200
    first = client.get("/api/items?limit=2").json()
    cursor = first["next_cursor"]
    n = args.items
    scenarios = {
        "queue (unresolved, by priority)": lambda: "/queue",
        "queue page 2 (cursor)": lambda: f"/queue?limit=2&after={cursor}",
        "queue open, newest first": lambda: "/queue?status=open&sort=newest",
        "queue resolved": lambda: "/queue?status=resolved",
        "queue all statuses": lambda: "/queue?status=all",
        "queue outlet filter": lambda: f"/queue?outlet=outlet{rng.randrange(60):02d}",
        "queue kind + measure": lambda: "/queue?kind=revision&measure=injured",
        "queue event filter": lambda: "/queue?status=all&event=" + first["items"][0]["event"],
        "queue flagged one week": lambda: "/queue?flagged_from=2024-06-01"
                                          "&flagged_to=2024-06-07",
        "item page": lambda: f"/items/{rng.randrange(1, n + 1)}",
        "api items": lambda: "/api/items",
        "api item": lambda: f"/api/items/{rng.randrange(1, n + 1)}",
    }
    print(f"server time per request, {args.repeat} requests each (ms):")
    print(f"  {'page':34} {'median':>8} {'p95':>8} {'max':>8}")
    worst = 0.0
    for name, path in scenarios.items():
        server_ms(client, path())  # warm up
        times = sorted(server_ms(client, path()) for _ in range(args.repeat))
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        worst = max(worst, p95)
        print(f"  {name:34} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}")
    print(f"worst p95: {worst:.1f} ms (goal: under 100 ms)")


if __name__ == "__main__":
    main()
