"""Derive the labelled conflicts of a claims set from its labelled claims.

    python scripts/derive_conflicts.py tests/claims_fresh

The rule of tests/claims_devset/README.md ("conflicts.jsonl"): two claims conflict when they
have the same ``incident``, the same ``measure`` and the same ``subject`` (or one is a zero
claim about people and the other a toll of a group of people with the same measure, or any
casualty measure for a zero about casualties), and their intervals cannot overlap (a null
bound is unbounded). ``revision`` when both have the same non-null actor, else
``contradiction``. Writes ``conflicts_<half>.jsonl`` for the pairs within each
``claims_<half>.jsonl`` and ``conflicts_cross.jsonl`` for the pairs across halves; prints the
counts. Checks by eye remain the labellers' job: this only applies the rule.
"""

from __future__ import annotations

import json
import math
import sys
from itertools import combinations
from pathlib import Path

# The labelling rule's own lists, not the engine's (``ingest.conflicts.HUMAN_SUBJECTS``):
# the labelled sets must not change when the engine does.
HUMAN = {
    "people", "civilians", "children", "women", "men", "soldiers", "militants", "rebels",
    "fighters", "police", "refugees", "medics", "journalists", "prisoners", "patients",
    "victims", "workers", "students",
}
CASUALTY = {"killed", "injured", "casualties"}


def interval(claim: dict) -> tuple[float, float]:
    low, high = claim.get("low"), claim.get("high")
    return (-math.inf if low is None else low, math.inf if high is None else high)


def _zero_covers(zero: dict, other: dict) -> bool:
    if zero.get("subject") != "people" or interval(zero) != (0, 0):
        return False
    if other.get("subject") not in HUMAN:
        return False
    if zero.get("measure") == "casualties":
        return other.get("measure") in CASUALTY
    return zero.get("measure") == other.get("measure")


def same_figure(a: dict, b: dict) -> bool:
    if not a.get("incident") or a.get("incident") != b.get("incident"):
        return False
    if a.get("measure") is None or b.get("measure") is None:
        return False
    if a.get("measure") == b.get("measure") and a.get("subject") == b.get("subject"):
        return True
    return _zero_covers(a, b) or _zero_covers(b, a)


def conflict(a: dict, b: dict) -> dict | None:
    if not same_figure(a, b):
        return None
    (lo_a, hi_a), (lo_b, hi_b) = interval(a), interval(b)
    if lo_a <= hi_b and lo_b <= hi_a:
        return None
    same_actor = a.get("actor") and a.get("actor") == b.get("actor")
    return {"a": a["id"], "b": b["id"], "kind": "revision" if same_actor else "contradiction"}


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def write(path: Path, pairs: list[dict]) -> None:
    path.write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[0])
    halves = {path.stem.removeprefix("claims_"): read(path)
              for path in sorted(folder.glob("claims_*.jsonl"))}
    if not halves:
        print(f"no claims_*.jsonl in {folder}", file=sys.stderr)
        return 2
    for half, claims in halves.items():
        pairs = [p for a, b in combinations(claims, 2) if (p := conflict(a, b))]
        write(folder / f"conflicts_{half}.jsonl", pairs)
        print(f"conflicts_{half}.jsonl: {len(pairs)} pairs from {len(claims)} claims")
    cross = [p for (h1, c1), (h2, c2) in combinations(halves.items(), 2)
             for a in c1 for b in c2 if (p := conflict(a, b))]
    write(folder / "conflicts_cross.jsonl", cross)
    print(f"conflicts_cross.jsonl: {len(cross)} pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
