"""The labelled claims sets are consistent: their conflict files follow from their claims by
the rule of tests/claims_devset/README.md (scripts/derive_conflicts.py)."""

import json
import shutil
from pathlib import Path

import pytest

from scripts import derive_conflicts

TESTS = Path(__file__).parent
SETS = sorted(p for p in TESTS.glob("claims_*") if p.is_dir())


def _pairs(folder: Path) -> set[frozenset]:
    return {frozenset((p["a"], p["b"])) for path in folder.glob("conflicts*.jsonl")
            for p in map(json.loads, filter(str.strip, path.read_text().splitlines()))}


@pytest.mark.parametrize("folder", SETS, ids=lambda p: p.name)
def test_conflicts_follow_from_the_labelled_claims(folder, tmp_path):
    for path in folder.glob("claims_*.jsonl"):
        shutil.copy(path, tmp_path)
    assert derive_conflicts.main([str(tmp_path)]) == 0
    assert _pairs(tmp_path) == _pairs(folder)


def test_a_zero_about_people_conflicts_with_a_toll_of_a_group():
    zero = {"id": "a#1", "incident": "x/1/y", "measure": "casualties", "subject": "people",
            "low": 0, "high": 0, "actor": "mayor"}
    toll = {"id": "b#1", "incident": "x/1/y", "measure": "killed", "subject": "soldiers",
            "low": 600, "high": None, "actor": "russia"}
    assert derive_conflicts.conflict(zero, toll) == {"a": "a#1", "b": "b#1", "kind": "contradiction"}
    assert derive_conflicts.conflict(zero, {**toll, "incident": "x/2/y"}) is None
    assert derive_conflicts.conflict({**toll, "id": "c#1", "low": 500, "high": 700}, toll) is None
