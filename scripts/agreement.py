"""Inter-annotator agreement between two independent labellings of the same articles.

    python scripts/agreement.py ARTICLES.jsonl FIRST.jsonl SECOND.jsonl

e.g. ``tests/claims_sealed/articles.jsonl tests/claims_sealed/claims_a.jsonl
tests/claims_sealed/second_labelling/claims_a.jsonl``. The first labelling is taken as truth.

Why: the engine is held to conflict-pair recall and precision targets of 0.85. Two careful
labellers following the same conventions (``tests/claims_devset/README.md``) do not agree
perfectly, and their agreement is a human ceiling on what any engine can score against one of
them. This prints:

1. claims in each labelling, claims matched by span, and span precision/recall/F1 of the
   second against the first;
2. on span-matched pairs, agreement on value (``ingest.evaluate.value_match``), value+bound
   (``bound_match``), subject, measure, actor, and incident key (where both are non-null);
3. event linking, over all pairs of matched claims (within and across documents) where both
   labellings give both claims an incident: precision and recall of the second's "same
   incident" pairs against the first's, and the same for ``ingest.evaluate.same_figure``
   (this part does not depend on how each labeller spells the keys);
4. conflict pairs derived from each labelling by ``scripts/derive_conflicts.conflict``, the
   second's mapped onto the first's claims through the span matches: counts, recall,
   precision, F1, the reverse direction, and how many agreed pairs have the same kind.

Claims are located by ``ingest.evaluate.load_devset`` itself (called on a temporary folder
holding the articles and one labelling) and matched by ``ingest.evaluate.match_spans``, as
engine claims are: within one document, title against title and text against text, each
claim of the first at most once, the largest overlap wins.
"""

from __future__ import annotations

import sys
import tempfile
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace

from ingest.evaluate import (
    Gold,
    bound_match,
    load_devset,
    match_spans,
    same_figure,
    value_match,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.derive_conflicts import conflict  # noqa: E402


def load(articles: Path, claims: Path) -> dict[str, list[Gold]]:
    """Labelled claims by document, located by ``load_devset`` itself."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "articles.jsonl").symlink_to(articles.resolve())
        (Path(tmp) / "claims.jsonl").symlink_to(claims.resolve())
        _, gold, _ = load_devset(Path(tmp))
    return {doc: found for doc, found in gold.items() if found}


def match(first: list[Gold], second: list[Gold]) -> list[tuple[dict, dict]]:
    """(first, second) span matches in one document, as ``ingest.evaluate.match`` makes."""
    best = match_spans(((s.in_title, s.start, s.end) for s in second), first)
    return [(f.data, s.data) for f, s in zip(best, second, strict=True) if f is not None]


def ratio(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.4f}" if b else f"{a}/0 = n/a"


def f1(p: tuple[int, int], r: tuple[int, int]) -> str:
    pv, rv = p[0] / p[1] if p[1] else 0, r[0] / r[1] if r[1] else 0
    return f"{2 * pv * rv / (pv + rv):.4f}" if pv + rv else "0.0000"


def linking(matched: list[tuple[dict, dict]], same) -> tuple[tuple[int, int], tuple[int, int]]:
    """((right, second's links), (right, first's links)) over pairs of matched claims."""
    both = [(f, s) for f, s in matched if f.get("incident") and s.get("incident")]
    right = first_links = second_links = 0
    for (f1_, s1), (f2, s2) in combinations(both, 2):
        in_first, in_second = same(f1_, f2), same(s1, s2)
        first_links += in_first
        second_links += in_second
        right += in_first and in_second
    return (right, second_links), (right, first_links)


def conflicts(claims: list[dict]) -> dict[frozenset, str]:
    """Conflict pairs (as id sets) and their kind, by ``derive_conflicts.conflict``."""
    return {frozenset((p["a"], p["b"])): p["kind"]
            for a, b in combinations(claims, 2) if (p := conflict(a, b))}


def mapped(pairs: dict[frozenset, str], to: dict[str, str]) -> dict[frozenset, str]:
    """Pairs whose two claims are both matched, renamed through ``to``."""
    return {frozenset(to[i] for i in pair): kind for pair, kind in pairs.items()
            if all(i in to for i in pair)}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    articles, first_path, second_path = map(Path, argv)
    first, second = load(articles, first_path), load(articles, second_path)
    matched = [pair for doc in sorted(first.keys() | second.keys())
               for pair in match(first.get(doc, []), second.get(doc, []))]
    n_first = sum(map(len, first.values()))
    n_second = sum(map(len, second.values()))
    n = len(matched)

    print("1. claims")
    print(f"  first {n_first}, second {n_second}, matched by span {n}")
    span_p, span_r = (n, n_second), (n, n_first)
    print(f"  span precision {ratio(*span_p)}  recall {ratio(*span_r)}  F1 {f1(span_p, span_r)}")

    print("2. agreement on matched pairs")
    value = sum(value_match(SimpleNamespace(**s), f) for f, s in matched)
    bound = sum(bound_match(SimpleNamespace(**s), f) for f, s in matched)
    print(f"  value        {ratio(value, n)}")
    print(f"  value+bound  {ratio(bound, n)}")
    for key in ("subject", "measure", "actor"):
        print(f"  {key:<12} {ratio(sum(f.get(key) == s.get(key) for f, s in matched), n)}")
    keyed = [(f, s) for f, s in matched if f.get("incident") and s.get("incident")]
    same_key = sum(f["incident"] == s["incident"] for f, s in keyed)
    print(f"  incident     {ratio(same_key, len(keyed))}  (both non-null)")

    print("3. event linking over pairs of matched claims (first = truth)")
    for name, same in (("same incident", lambda a, b: a["incident"] == b["incident"]),
                       ("same figure", same_figure)):
        p, r = linking(matched, same)
        print(f"  {name:<14} precision {ratio(*p)}  recall {ratio(*r)}  F1 {f1(p, r)}")

    print("4. conflict pairs (scripts/derive_conflicts.py rule)")
    pairs_first = conflicts([c.data for found in first.values() for c in found])
    pairs_second = conflicts([c.data for found in second.values() for c in found])
    to_first = {s["id"]: f["id"] for f, s in matched}
    to_second = {f["id"]: s["id"] for f, s in matched}
    print(f"  in first {len(pairs_first)}, in second {len(pairs_second)}")
    for name, truth, other, to in (("second vs first", pairs_first, pairs_second, to_first),
                                   ("first vs second", pairs_second, pairs_first, to_second)):
        renamed = mapped(other, to)
        hits = renamed.keys() & truth.keys()
        p, r = (len(hits), len(other)), (len(hits), len(truth))
        print(f"  {name}: recall {ratio(*r)}  precision {ratio(*p)}  F1 {f1(p, r)}")
    second_in_first = mapped(pairs_second, to_first)
    agreed = second_in_first.keys() & pairs_first.keys()
    kinds = sum(pairs_first[pair] == second_in_first[pair] for pair in agreed)
    agreed = len(agreed)
    print(f"  same kind (revision/contradiction) on agreed pairs {ratio(kinds, agreed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
