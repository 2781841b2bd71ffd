from dataclasses import dataclass
from datetime import date
from itertools import count

import pytest

from ingest.conflicts import comparable, find_conflicts, kind_of, overlaps, priority

_ids = count(1)


@dataclass
class C:
    low: float | None
    high: float | None
    measure: str | None = "killed"
    subject: str | None = "soldiers"
    subject_text: str | None = None
    actor: str | None = None
    source: str = "rt"
    place: str | None = "makiivka"
    event_date: date | None = date(2023, 1, 1)
    published_at: date | None = date(2023, 1, 2)
    unit: str | None = None
    incident_kind: str | None = None
    setting: str | None = None
    side: str | None = None
    article_id: int = 0
    version_id: int = 0
    sentence_index: int = 0
    value: float | None = None
    id: int = 0

    def __post_init__(self):
        self.id = next(_ids)
        self.article_id = self.article_id or self.id
        self.version_id = self.version_id or self.id


def exact(v, **kw):
    return C(v, v, value=v, **kw)


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        (exact(63), exact(63), True),
        (exact(63), exact(89), False),
        (exact(600), C(600, None), True),  # "more than 600" agrees with "600"
        (C(60, None), exact(89), True),  # "more than 60" and 89
        (C(400, None), exact(89), False),  # "at least 400" and 89
        (C(45, 55), exact(50), True),  # "about 50"
        (C(24, 99), exact(150), False),  # "dozens" and 150
        (C(None, 10), exact(12), False),  # "fewer than 10"
    ],
)
def test_overlap(a, b, agree):
    assert overlaps(a, b) is agree
    assert bool(find_conflicts(a, [b])) is not agree


def test_makiivka_revision_and_contradiction():
    moscow_63 = exact(63, actor="russia", source="rt")
    moscow_89 = exact(89, actor="russia", source="efe", event_date=date(2023, 1, 1))
    kyiv_400 = C(400, None, actor="ukraine", source="efe", article_id=moscow_89.article_id,
                 version_id=moscow_89.version_id, sentence_index=5)
    assert kind_of(moscow_89, moscow_63) == "revision"
    kinds = {c.other.id: c.kind for c in find_conflicts(kyiv_400, [moscow_63, moscow_89])}
    assert kinds == {moscow_63.id: "contradiction", moscow_89.id: "contradiction"}


def test_time_decides_revision_or_contradiction():
    earlier = exact(63, actor="russia", published_at=date(2023, 1, 2))
    higher = exact(89, actor="russia", published_at=date(2023, 1, 8))
    lower = exact(40, actor="russia", published_at=date(2023, 1, 8))
    assert kind_of(higher, earlier) == "revision"  # a rising toll
    assert kind_of(earlier, higher) == "revision"  # whichever arrives last
    assert kind_of(lower, earlier) == "contradiction"  # a source lowering its toll
    assert priority([earlier, higher], kind="revision") < priority([earlier, higher])


def test_unattributed_same_outlet_is_revision():
    assert kind_of(exact(5, source="a"), exact(7, source="a")) == "revision"
    assert kind_of(exact(5, source="a"), exact(7, source="b")) == "contradiction"
    assert kind_of(exact(5, source="a", actor="x"), exact(7, source="a")) == "contradiction"


def test_modified_between_versions():
    old = exact(63, article_id=50, version_id=1)
    new = exact(65, article_id=50, version_id=2)
    assert kind_of(new, old) == "modified"


def test_zero_casualties_covers_soldiers_killed():
    none = exact(0, measure="casualties", subject="people", place="kramatorsk")
    claimed = C(600, None, place="kramatorsk")
    assert comparable(none, claimed, window_days=7)
    assert find_conflicts(claimed, [none])
    # but a non-zero count of people is not compared with a count of soldiers
    assert not comparable(exact(5, subject="people", place="kramatorsk"), claimed,
                          window_days=7)
    # and zero missiles say nothing about soldiers
    assert not comparable(exact(0, measure="missiles_hit", subject="missiles",
                                place="kramatorsk"), claimed, window_days=7)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, True),
        ({"place": "kyiv"}, False),
        ({"place": None}, False),
        ({"measure": "injured"}, False),
        ({"subject": "children"}, False),
        ({"measure": None}, False),
        ({"event_date": date(2023, 2, 1)}, False),
        ({"event_date": date(2023, 1, 6)}, True),
        ({"unit": "%"}, False),
        ({"subject_text": "Ukrainian soldiers"}, False),
        ({"incident_kind": "shelling"}, True),
        ({"incident_kind": "total"}, False),
    ],
)
def test_comparable(change, expected):
    base = exact(63, subject_text="Russian servicemen")
    assert comparable(base, exact(89, **change), window_days=7) is expected


def test_different_kinds_of_incident_not_compared():
    shelling = exact(8, incident_kind="shelling", subject="civilians")
    airstrike = exact(15, incident_kind="airstrike", subject="civilians")
    unknown = exact(15, subject="civilians")
    assert not comparable(shelling, airstrike, window_days=7)
    assert comparable(shelling, unknown, window_days=7)
    totals = [exact(300000, incident_kind="total"), exact(400000, incident_kind="total")]
    assert comparable(*totals, window_days=7)


def test_a_day_apart_both_or_neither_name_the_kind_of_incident():
    # on the labelled sets, a figure that names what happened and one that does not, a day
    # apart, were nearly always two incidents (tests/claims_fresh: 0 of 33 pairs)
    day, next_day = date(2016, 10, 27), date(2016, 10, 28)
    kw = dict(subject="civilians", place="aleppo")
    shelling = exact(13, incident_kind="shelling", event_date=day, **kw)
    assert not comparable(shelling, exact(15, event_date=next_day, **kw), window_days=1)
    assert comparable(shelling, exact(15, event_date=day, **kw), window_days=1)
    assert comparable(shelling, exact(15, incident_kind="shelling", event_date=next_day, **kw),
                      window_days=1)
    assert comparable(exact(13, event_date=day, **kw), exact(15, event_date=next_day, **kw),
                      window_days=1)


def test_figures_of_one_text_compared_only_between_quoted_sources():
    a = exact(700, article_id=9, version_id=9, sentence_index=3)
    b = exact(600, article_id=9, version_id=9, sentence_index=5)
    assert not comparable(a, b, window_days=7)  # a breakdown or an update
    moscow = exact(89, article_id=9, version_id=9, sentence_index=3, actor="russia")
    kyiv = C(400, None, article_id=9, version_id=9, sentence_index=4, actor="ukraine")
    assert comparable(moscow, kyiv, window_days=7)  # the article reports a dispute
    assert not comparable(moscow, exact(63, article_id=9, version_id=9, sentence_index=6,
                                        actor="russia"), window_days=7)


def test_priority_grows_with_spread_and_outlets():
    narrow = [exact(63, source="a"), exact(65, source="a")]
    wide = [exact(63, source="a"), C(400, None, source="b")]
    assert priority(wide) > priority(narrow)


def test_one_incident_placed_differently_by_two_outlets():
    """"98 evacuees from Foua and Kefraya killed at Rashidin" against "43 killed in Rashidin":
    each claim's place is named in the other's article."""
    kw = dict(subject="people", event_date=date(2017, 4, 15))
    foua = exact(98, place="al_foua", setting="al_foua kefraya rashidin aleppo", **kw)
    rashidin = exact(43, place="rashidin", setting="rashidin al_foua aleppo", **kw)
    assert comparable(foua, rashidin, window_days=1)
    # one-sided: the other article never names Foua, so Foua's toll is not its incident
    elsewhere = exact(43, place="rashidin", setting="rashidin aleppo", **kw)
    assert not comparable(foua, elsewhere, window_days=1)
    # claims stored before settings were kept: matched by place alone
    assert not comparable(exact(98, place="al_foua", **kw), rashidin, window_days=1)


def test_incidents_carried_out_by_different_sides_are_different():
    """"Rebel rockets on Damascus killed 3" and "regime strikes on Damascus killed 45"."""
    kw = dict(subject="people", place="damascus", event_date=date(2015, 2, 5))
    rockets = exact(3, side="rebels", **kw)
    strikes = exact(45, side="government", **kw)
    assert not comparable(rockets, strikes, window_days=1)
    assert comparable(rockets, exact(45, **kw), window_days=1)  # the side unknown: compared


def test_first_rank_cities_named_together_are_not_one_incident():
    """Articles name Aleppo and Damascus together all the time: that is not one incident."""
    kw = dict(subject="people", event_date=date(2017, 4, 15))
    aleppo = exact(70, place="aleppo", setting="aleppo damascus", **kw)
    damascus = exact(7, place="damascus", setting="damascus aleppo", **kw)
    assert not comparable(aleppo, damascus, window_days=1)


def test_places_within_places_at_any_depth():
    """Douma lies in Eastern Ghouta, which lies in the Damascus countryside."""
    kw = dict(subject="people", event_date=date(2013, 8, 21))
    assert comparable(exact(1300, place="damascus", **kw), exact(200, place="douma", **kw),
                      window_days=1)
    # a place the gazetteer lacks lies in the known place its text put it in (``area``)
    village = exact(30, place="tl_twl", **kw)
    village.area = "hasakah"
    assert comparable(village, exact(5, place="hasakah", **kw), window_days=1)
    assert not comparable(village, exact(5, place="aleppo", **kw), window_days=1)


def test_a_part_may_be_smaller_than_the_whole():
    """"80 killed in Ain Tarma" (its sentence says so) does not dispute "1,300 killed in
    Eastern Ghouta" when the claims in view give tolls for several places within Ghouta;
    with one place only within it, the larger place merely says where that one lies."""
    kw = dict(subject="people", event_date=date(2013, 8, 21))
    whole = exact(1300, place="eastern_ghouta", **kw)
    part = exact(80, place="ain_tarma", **kw)
    part.place_stated = True
    other_town = exact(100, place="kafr_batna", **kw)
    assert find_conflicts(part, [whole, other_town]) == []
    assert [c.other for c in find_conflicts(part, [whole])] == [whole]  # one place: a locator
    bigger = exact(2000, place="ain_tarma", **kw)  # a part larger than its whole: disputed
    bigger.place_stated = True
    assert [c.other for c in find_conflicts(bigger, [whole, other_town])] == [whole]
    # placed by its context, a figure is as often the text's whole toll: disputed
    loose = exact(80, place="ain_tarma", **kw)
    assert [c.other for c in find_conflicts(loose, [whole, other_town])] == [whole]


def test_a_place_with_no_casualties_disputes_no_toll_around_it():
    """"One of their buildings in Haritan was hit. There were no injuries." against "more
    than 30 injured in Aleppo"."""
    kw = dict(measure="injured", subject="people", event_date=date(2016, 6, 18))
    none_there = exact(0, place="haritan", **kw)
    none_there.area = "aleppo"
    assert find_conflicts(none_there, [C(30, None, place="aleppo", **kw)]) == []


def test_a_chemical_attack_is_written_about_for_days():
    kw = dict(subject="people", place="damascus", incident_kind="chemical")
    attack = exact(1300, event_date=date(2013, 8, 21), **kw)
    assert comparable(attack, exact(300, event_date=date(2013, 8, 24), **kw), window_days=1)
    assert not comparable(attack, exact(300, event_date=date(2013, 8, 26), **kw), window_days=1)
    shelling = dict(kw, incident_kind="shelling")
    assert not comparable(exact(30, event_date=date(2013, 8, 21), **shelling),
                          exact(3, event_date=date(2013, 8, 24), **shelling), window_days=1)


@pytest.mark.parametrize(("kinds", "one_incident"), [
    (("chemical", "airstrike"), True),  # a chemical attack named by its delivery
    (("shelling", "airstrike"), False),
    (("bombing", "clashes"), True),  # an assault led by suicide car bombs
    (("bombing", "airstrike"), False),
])
def test_kinds_that_may_name_one_incident(kinds, one_incident):
    kw = dict(subject="people", place="khan_shaykhun", event_date=date(2017, 4, 4))
    assert comparable(exact(58, incident_kind=kinds[0], **kw),
                      exact(72, incident_kind=kinds[1], **kw), window_days=1) is one_incident


def test_a_claim_with_no_date_is_dated_by_when_it_was_stored():
    from datetime import UTC, datetime

    from ingest.conflicts import claim_date, same_incident

    undated = exact(400, event_date=None, published_at=None)
    assert claim_date(undated) is None  # not stored: compared with claims of any date
    assert same_incident(undated, exact(63), window_days=2)
    undated.created_at = datetime(2023, 1, 3, 9, tzinfo=UTC)  # read a day after the strike
    assert claim_date(undated) == date(2023, 1, 3)
    assert same_incident(undated, exact(63), window_days=2)
    undated.created_at = datetime(2024, 6, 1, tzinfo=UTC)  # read 17 months on: another one
    assert not same_incident(undated, exact(63), window_days=2)


def test_a_rare_kind_placed_by_its_country_is_about_its_places():
    day = date(2013, 8, 21)
    country = exact(1429, subject="people", place="syria", incident_kind="chemical",
                    event_date=day)
    ghouta = exact(355, subject="people", place="eastern_ghouta", incident_kind="chemical",
                   event_date=day)
    assert comparable(country, ghouta, window_days=1)
    assert comparable(ghouta, country, window_days=1)
    assert find_conflicts(ghouta, [country])
    lebanon = exact(355, subject="people", place="beirut", incident_kind="chemical",
                    event_date=day)
    assert not comparable(country, lebanon, window_days=1)
    for kind in (None, "shelling"):  # the town's figure may name the delivery, or no kind
        town = exact(355, subject="people", place="douma", incident_kind=kind, event_date=day)
        assert comparable(town, country, window_days=1)
    assert not comparable(country, exact(5, subject="people", place="douma",
                                         incident_kind="bus_bombing", event_date=day),
                          window_days=1)
    shelled = [exact(v, subject="people", place=p, incident_kind="shelling", event_date=day)
               for v, p in ((1429, "syria"), (355, "eastern_ghouta"))]
    assert not comparable(*shelled, window_days=1)  # a national total is not one incident's
