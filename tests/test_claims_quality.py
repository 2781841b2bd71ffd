"""Quality gate: the claims engine and conflict rules may not fall below the pinned floors.

The floors live in tests/claims_devset/baseline.json; bench/claims_quality.py prints the
current figures and the errors behind them.
"""

import json
from pathlib import Path

import pytest

from ingest.evaluate import load_devset, run_conflicts, score, score_conflicts

DEVSET = Path(__file__).parent / "claims_devset"
BASELINE = json.loads((DEVSET / "baseline.json").read_text())


@pytest.fixture(scope="module")
def devset():
    docs, gold, conflicts = load_devset(DEVSET)
    return [d for d in docs if gold[d.id]], gold, conflicts


def test_devset_size(devset):
    docs, gold, conflicts = devset
    fakes = [d for d in docs if d.id.startswith("fakes-")]
    assert len(fakes) >= 60
    assert len({d.source for d in fakes}) >= 10
    assert sum(len(g) for g in gold.values()) >= 300
    assert {"seed-rt", "seed-efe"} <= {d.id for d in docs}
    assert conflicts


def test_extraction_floors(devset):
    docs, gold, _ = devset
    scores, _ = score(docs, gold)
    summary = scores.summary()
    for key in ("value_f1", "value_bound_f1", "subject_accuracy", "measure_accuracy",
                "event_link_precision"):
        assert summary[key] >= BASELINE[key], f"{key} fell to {summary[key]}"


def test_conflict_floors(devset, tmp_path):
    docs, gold, conflicts = devset
    pairs, _items = run_conflicts(docs, gold, database_url=f"sqlite:///{tmp_path}/d.db")
    result = score_conflicts(pairs, conflicts)
    for key in ("conflict_recall", "conflict_pair_precision"):
        assert result[key] >= BASELINE[key], f"{key} fell to {result[key]}"
