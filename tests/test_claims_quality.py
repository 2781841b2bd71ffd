"""Quality gate: the claims engine and conflict rules may not fall below the pinned floors.

Each labelled set used in development (the devset, and the validation set labelled after the
engine was first tuned) has its floors in its own ``baseline.json``; bench/claims_quality.py
prints the current figures and the errors behind them. The held-out set
(``tests/claims_heldout``) has no floors here: it is read only to report.
"""

import json
from pathlib import Path

import pytest

from ingest.evaluate import load_devset, run_conflicts, score, score_conflicts

HERE = Path(__file__).parent
SETS = ("claims_devset", "claims_validation")


@pytest.fixture(scope="module", params=SETS)
def labelled(request):
    folder = HERE / request.param
    docs, gold, conflicts = load_devset(folder)
    baseline = json.loads((folder / "baseline.json").read_text())
    return request.param, [d for d in docs if gold[d.id]], gold, conflicts, baseline


def test_devset_size():
    docs, gold, conflicts = load_devset(HERE / "claims_devset")
    fakes = [d for d in docs if d.id.startswith("fakes-") and gold[d.id]]
    assert len(fakes) >= 60
    assert len({d.source for d in fakes}) >= 10
    assert sum(len(g) for g in gold.values()) >= 300
    assert {"seed-rt", "seed-efe"} <= {d.id for d in docs}
    assert conflicts


def test_extraction_floors(labelled):
    name, docs, gold, _, baseline = labelled
    summary = score(docs, gold)[0].summary()
    for key in ("value_f1", "value_bound_f1", "subject_accuracy", "measure_accuracy",
                "event_link_precision"):
        assert summary[key] >= baseline[key], f"{name}: {key} fell to {summary[key]}"


def test_conflict_floors(labelled, tmp_path):
    name, docs, gold, conflicts, baseline = labelled
    pairs, _items = run_conflicts(docs, gold, database_url=f"sqlite:///{tmp_path}/d.db")
    result = score_conflicts(pairs, conflicts)
    for key in ("conflict_recall", "conflict_pair_precision"):
        assert result[key] >= baseline[key], f"{name}: {key} fell to {result[key]}"
