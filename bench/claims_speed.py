"""Claims engine throughput: sentences and claims per second on one core.

    python bench/claims_speed.py [FA-KES csv]   (default ../shared/corpora/fa-kes/FA-KES-Dataset.csv)

Uses the FA-KES corpus when it is there, else the two seed articles shipped with the demo.
"""

from __future__ import annotations

import csv
import sys
import time
from datetime import date
from pathlib import Path

from ingest.claims import extract_claims
from ingest.claims.sentences import split_text
from ingest.demo.site import SEEDS, seed_text

DEFAULT = Path(__file__).resolve().parents[2] / "shared/corpora/fa-kes/FA-KES-Dataset.csv"


def documents(path: Path) -> list[tuple[str, str, date | None]]:
    if not path.exists():
        print(f"corpus not found at {path}; using the two seed articles")
        return [(None, seed_text(s), date.fromisoformat(s.published)) for s in SEEDS] * 50
    csv.field_size_limit(10**9)
    docs = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for row in csv.DictReader(handle):
            month, day, year = row["date"].split("/")
            docs.append((row["article_title"], row["article_content"],
                         date(int(year), int(month), int(day))))
    return docs


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    docs = documents(path)
    sentences = sum(len(list(split_text(text))) for _t, text, _d in docs)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        claims = sum(len(extract_claims(text, title=title, published=published))
                     for title, text, published in docs)
        best = min(best, time.process_time() - started)
    print(f"documents: {len(docs)}  sentences: {sentences}  claims: {claims}")
    print(f"best of 3: {best:.2f} s CPU  ->  {sentences / best:,.0f} sentences/s, "
          f"{claims / best:,.0f} claims/s (one core)")


if __name__ == "__main__":
    main()
