"""Quality gate: the claims engine and conflict rules may not fall below the pinned floors.

Each labelled set used in development (the devset, and the validation set labelled after the
engine was first tuned) has its floors in its own ``baseline.json``; bench/claims_quality.py
prints the current figures and the errors behind them. The held-out set
(``tests/claims_heldout``) has no floors here: it is read only to report.
"""

import json
from pathlib import Path

import pytest

from ingest.evaluate import agreeing_items, load_devset, run_conflicts, score, score_conflicts

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
    url = f"sqlite:///{tmp_path}/d.db"
    pairs, _items = run_conflicts(docs, gold, database_url=url)
    result = score_conflicts(pairs, conflicts)
    for key in ("conflict_recall", "conflict_pair_precision"):
        assert result[key] >= baseline[key], f"{name}: {key} fell to {result[key]}"
    assert agreeing_items(database_url=url) == 0  # no item for figures that agree


def test_error_counts_say_why_without_the_errors():
    from ingest.evaluate import miss_reasons, wrong_pair_kinds

    a = {"id": "d#1", "incident": "aleppo/2016-10-28/shelling", "measure": "killed",
         "subject": "civilians"}
    pairs = [
        (a, dict(a, id="e#1")),  # one figure: right
        (a, dict(a, id="e#2", incident="aleppo/2016-10-27/shelling")),
        (a, dict(a, id="e#3", measure="injured")),
        (a, dict(a, id="e#4", subject="children")),
        (a, None),
    ]
    assert wrong_pair_kinds(pairs) == {"two incidents": 1, "two measures": 1,
                                       "two subjects": 1, "claim not labelled": 1}
    lines = ["miss d#1 e#9: date: ...", "miss d#2 e#8: claim d#2 not extracted (or value "
             "unmatched)", "miss d#3 e#7: date: ...", "wrong item 3: ..."]
    assert miss_reasons(lines) == {"date": 2, "not extracted": 1}


def test_operating_points_tighten_the_rules_for_one_run_only():
    from ingest import conflicts
    from scripts import operating_points

    docs, gold, labelled = load_devset(HERE / "claims_devset")
    seeds = [d for d in docs if d.id.startswith("seed-")]
    gold = {d.id: gold[d.id] for d in seeds}
    labelled = [c for c in labelled if c["a"].split("#")[0] in gold]
    rules = conflicts.comparable
    as_they_are = operating_points.measure(seeds, gold, labelled, [])
    same_place = operating_points.measure(seeds, gold, labelled,
                                          [operating_points.CONDITIONS[0][1]])
    nothing = operating_points.measure(seeds, gold, labelled, [lambda a, b: False])
    assert conflicts.comparable is rules
    assert as_they_are["item_pairs"] >= same_place["item_pairs"] > 0  # Makiivka, Kramatorsk
    assert as_they_are["conflict_recall"] > 0
    assert nothing["item_pairs"] == 0 and nothing["items"] == 0


def test_agreeing_items_counts_items_whose_figures_all_agree(tmp_path):
    from ingest import review
    from ingest.db import session_scope
    from tests.test_review import figure, ingest

    url = f"sqlite:///{tmp_path}/d.db"
    with session_scope(url) as session:
        ingest(session, source="rt", url="http://rt/1", claims=[figure(63, actor="russia")])
        (item,) = ingest(session, source="efe", url="http://efe/1",
                         claims=[figure(400, actor="ukraine")])
    assert agreeing_items(database_url=url) == 0
    with session_scope(url) as session:
        for claim in review.item_claims(session=session, item_id=item.id):
            claim.value = claim.low = claim.high = 63
            session.add(claim)
    assert agreeing_items(database_url=url) == 1
