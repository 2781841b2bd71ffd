"""Claims quality on the labelled development set, and review load on the whole FA-KES corpus.

    python bench/claims_quality.py [--fakes PATH] [--devset DIR] [--errors]
        [--conflict-errors] [--conflict-summary]

Prints: value precision/recall/F1; value+bound F1; subject and measure accuracy; event-link
pairwise precision; conflict-pair recall and precision; review items per 100 articles over
all of FA-KES, and how many of them show only figures that agree (skipped, with a note, when
the corpus is not at PATH); sentences per second.
``--errors`` lists the misses, false alarms and wrong fields; ``--conflict-errors`` says why
each labelled conflict was missed and which pairs shown together are not one figure;
``--conflict-summary`` only counts them (for the sets whose errors are not to be read).
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from datetime import date
from pathlib import Path

from ingest.claims import extract_claims
from ingest.claims.sentences import split_text
from ingest.evaluate import (
    Document,
    agreeing_items,
    load_devset,
    miss_reasons,
    run_conflicts,
    score,
    score_conflicts,
    wrong_pair_kinds,
)

ROOT = Path(__file__).resolve().parents[1]
FAKES = ROOT.parent / "shared/corpora/fa-kes/FA-KES-Dataset.csv"


def fakes_documents(path: Path) -> list[Document]:
    csv.field_size_limit(10**9)
    docs = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for row in csv.DictReader(handle):
            month, day, year = row["date"].split("/")
            docs.append(Document(f"fakes-{row['unit_id']}", row["source"],
                                 date(int(year), int(month), int(day)),
                                 row["article_title"], row["article_content"]))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fakes", type=Path, default=FAKES)
    parser.add_argument("--devset", type=Path, default=ROOT / "tests/claims_devset")
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--conflict-errors", action="store_true",
                        help="list missed labelled conflicts and wrong pairs, with the reason")
    parser.add_argument("--conflict-summary", action="store_true",
                        help="count missed conflicts by reason and wrong pairs by kind (counts "
                             "only: for sets whose errors are not to be read)")
    args = parser.parse_args()

    docs, gold, conflicts = load_devset(args.devset)
    docs = [d for d in docs if gold[d.id]]
    scores, _ = score(docs, gold)
    print(f"devset: {len(docs)} articles, {scores.gold} labelled claims, "
          f"{scores.predicted} predicted, {len(conflicts)} labelled conflicts")
    for key, value in scores.summary().items():
        print(f"  {key:24} {value:.3f}")
    explained: list[str] | None = [] if args.conflict_errors or args.conflict_summary else None
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/devset.db"
        pairs, items = run_conflicts(docs, gold, database_url=url, labelled=conflicts,
                                     explain=explained)
        agreeing = agreeing_items(database_url=url)
    for key, value in score_conflicts(pairs, conflicts).items():
        print(f"  {key:24} {value:.3f}" if isinstance(value, float) else f"  {key:24} {value}")
    print(f"  {'review_items':24} {items}")
    print(f"  {'items_all_agreeing':24} {agreeing}")

    if args.errors:
        for kind, rows in (("miss", scores.misses), ("false", scores.false_alarms),
                           ("wrong", scores.wrong)):
            for row in rows:
                print(kind, *row)
    if args.conflict_errors:
        for line in explained or ():
            print(line)
    if args.conflict_summary:
        print("  missed conflicts by first failing rule:",
              ", ".join(f"{k} {v}" for k, v in miss_reasons(explained or ()).most_common()))
        print("  wrong pairs shown together:",
              ", ".join(f"{k} {v}" for k, v in wrong_pair_kinds(pairs).most_common()))

    if not args.fakes.exists():
        print(f"FA-KES corpus not found at {args.fakes}: review load and speed not measured")
        return
    corpus = fakes_documents(args.fakes)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        url = f"sqlite:///{tmp}/fakes.db"
        _pairs, items = run_conflicts(corpus, {}, database_url=url)
        elapsed = time.monotonic() - started
        agreeing = agreeing_items(database_url=url)
    print(f"FA-KES: {len(corpus)} articles -> {items} review items = "
          f"{100 * items / len(corpus):.1f} per 100 articles ({elapsed:.1f} s with storage); "
          f"items whose figures all agree: {agreeing}")
    sentences = sum(len(split_text(d.text)) + 1 for d in corpus)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for d in corpus:
            extract_claims(d.text, title=d.title, published=d.published)
        best = min(best, time.process_time() - started)
    print(f"speed: {sentences} sentences (titles included) in {best:.2f} s CPU = "
          f"{sentences / best:,.0f} sentences/s on one core")


if __name__ == "__main__":
    main()
