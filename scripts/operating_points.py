"""Conflict recall and pair precision when the rules are made stricter, step by step.

    python scripts/operating_points.py DIR [DIR ...]

e.g. ``tests/claims_devset tests/claims_validation tests/claims_fresh``. Run it on sets whose
errors may be read: choosing a setting from the unseen sets would make them seen.

Why: the engine is held to conflict-pair recall and pair precision of 0.85 on unseen news, and
misses both. If some stricter form of the rules reached 0.85 precision, the desk could trade
recall for reviewer time. This script answers whether one exists. On top of
``conflicts.comparable`` it adds, cumulatively, the strictest conditions the rules can state
about "one incident":

- ``place``: both claims at exactly the same place (not a district and its city);
- ``kind``: both name the same kind of incident (not one of them unnamed);
- ``day``: both about the same day (no window);
- ``stated``: both places are named in the claims' own sentences (not carried over).

Each row runs the real store and review code (``ingest.evaluate.run_conflicts``) with
``ingest.conflicts.comparable`` replaced for that run.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from ingest import conflicts
from ingest.evaluate import Document, Gold, load_devset, run_conflicts, score_conflicts

Condition = Callable[[conflicts.ClaimLike, conflicts.ClaimLike], bool]

CONDITIONS: list[tuple[str, Condition]] = [
    ("place", lambda a, b: a.place == b.place),
    ("kind", lambda a, b: a.incident_kind is not None and a.incident_kind == b.incident_kind),
    ("day", lambda a, b: conflicts.claim_date(a) == conflicts.claim_date(b)),
    ("stated", lambda a, b: bool(getattr(a, "place_stated", False)
                                 and getattr(b, "place_stated", False))),
]


def measure(docs: list[Document], gold: dict[str, list[Gold]], labelled: list[dict],
            extra: list[Condition]) -> dict:
    """Conflict scores with ``extra`` conditions added to ``conflicts.comparable``."""
    original = conflicts.comparable

    def stricter(a, b, *, window_days):
        return original(a, b, window_days=window_days) and all(c(a, b) for c in extra)

    conflicts.comparable = stricter
    try:
        with tempfile.TemporaryDirectory() as tmp:
            pairs, items = run_conflicts(docs, gold, database_url=f"sqlite:///{tmp}/s.db")
    finally:
        conflicts.comparable = original
    return {**score_conflicts(pairs, labelled), "items": items}


def main(folders: list[Path]) -> None:
    steps = [("rules as they are", [])]
    for index in range(len(CONDITIONS)):
        names = [name for name, _ in CONDITIONS[: index + 1]]
        steps.append(("+ " + " + ".join(names), [c for _, c in CONDITIONS[: index + 1]]))
    print(f"{'set':18} {'rules':34} {'recall':>7} {'precision':>9} {'pairs':>6} {'items':>6}")
    for folder in folders:
        docs, gold, labelled = load_devset(folder)
        docs = [d for d in docs if gold[d.id]]
        for label, extra in steps:
            s = measure(docs, gold, labelled, extra)
            print(f"{folder.name:18} {label:34} {s['conflict_recall']:7.3f} "
                  f"{s['conflict_pair_precision']:9.3f} {s['item_pairs']:6} {s['items']:6}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main([Path(arg) for arg in sys.argv[1:]])
