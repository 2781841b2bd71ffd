"""Pick FA-KES articles for a new labelled set: clusters of one location whose dates are at
most a day apart, from at least two outlets, that no labelled set under ``tests/`` uses.

    python scripts/pick_labelled_set.py ../shared/corpora/fa-kes/FA-KES-Dataset.csv OUT_DIR

Writes ``OUT_DIR/articles.jsonl`` in the labelled sets' format, clusters given alternately
to ``--labellers`` labellers (``half`` a, b, ...), so that each incident is keyed by one labeller. An
article qualifies with at least two casualty words and under 9,000 characters; a cluster
keeps at most ``--per-cluster`` articles and two per outlet, picked at random (``--seed``).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
CASUALTY = re.compile(r"\b(?:killed|dead|died|wounded|injured|death toll)\b", re.I)


def used_ids(tests: Path = TESTS, *, but: Path | None = None) -> set[str]:
    """Articles of the labelled sets under ``tests``, but the set in ``but``."""
    used = set()
    for path in tests.glob("claims_*/articles.jsonl"):
        if but is not None and path.parent.resolve() == but.resolve():
            continue
        with path.open(encoding="utf-8") as handle:
            used.update(json.loads(line)["id"] for line in handle if line.strip())
    return used


def _published(value: str) -> date:
    month, day, year = value.split("/")
    return date(int(year), int(month), int(day))


def clusters(rows: list[dict], used: set[str]) -> list[list[dict]]:
    """Runs of one location's qualifying articles, each at most a day after the run's first,
    with at least two outlets."""
    by_location: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        text = row["article_content"]
        if (f"fakes-{row['unit_id']}" in used or len(text) >= 9000
                or len(CASUALTY.findall(text)) < 2):
            continue
        by_location[row["location"]].append(row)
    found = []
    for location in sorted(by_location):
        run: list[dict] = []
        for row in sorted(by_location[location], key=lambda r: (_published(r["date"]), r["unit_id"])):
            if run and (_published(row["date"]) - _published(run[0]["date"])).days > 1:
                found.append(run)
                run = []
            run.append(row)
        found.append(run)
    return [run for run in found if len({r["source"] for r in run}) >= 2]


def pick(run: list[dict], rng: random.Random, per_cluster: int) -> list[dict]:
    rows = run[:]
    rng.shuffle(rows)
    picked: list[dict] = []
    per_outlet: dict[str, int] = defaultdict(int)
    for row in rows:
        if len(picked) < per_cluster and per_outlet[row["source"]] < 2:
            picked.append(row)
            per_outlet[row["source"]] += 1
    return picked if len({r["source"] for r in picked}) >= 2 else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fakes", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--per-cluster", type=int, default=5)
    parser.add_argument("--labellers", type=int, default=2, choices=range(1, 27))
    args = parser.parse_args()
    csv.field_size_limit(10**9)
    with args.fakes.open(encoding="utf-8", errors="replace") as handle:
        rows = list(csv.DictReader(handle))
    rng = random.Random(args.seed)
    picked = [pick(run, rng, args.per_cluster) for run in clusters(rows, used_ids(but=args.out))]
    articles = []
    for number, run in enumerate(run for run in picked if run):
        first = min(_published(r["date"]) for r in run)
        for row in sorted(run, key=lambda r: r["unit_id"]):
            articles.append({
                "id": f"fakes-{row['unit_id']}", "cluster": f"{row['location']}/{first}",
                "half": chr(ord("a") + number % args.labellers), "source": row["source"],
                "published": _published(row["date"]).isoformat(), "location": row["location"],
                "title": row["article_title"], "text": row["article_content"],
                "origin": f"FA-KES unit_id {row['unit_id']}", "fakes_label": int(row["labels"]),
            })
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "articles.jsonl").open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article, ensure_ascii=False) + "\n")
    halves = {h: sum(a["half"] == h for a in articles) for h in sorted({a["half"] for a in articles})}
    print(f"{len(articles)} articles, {len({a['cluster'] for a in articles})} clusters, "
          f"{len({a['source'] for a in articles})} outlets, halves {halves}")


if __name__ == "__main__":
    main()
