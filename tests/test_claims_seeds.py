"""The two real seed articles (RT and Reuters/EFE on Makiivka and Kramatorsk, January 2023)."""

from datetime import date
from pathlib import Path

import pytest

from ingest.claims import Claim, extract_claims, same_actor

SEEDS = Path(__file__).resolve().parents[1] / "src" / "ingest" / "demo" / "seeds"


@pytest.fixture(scope="module")
def rt() -> list[Claim]:
    text = (SEEDS / "makiivka-rt.txt").read_text(encoding="utf-8")
    return extract_claims(text, published=date(2023, 1, 2))


@pytest.fixture(scope="module")
def efe() -> list[Claim]:
    text = (SEEDS / "kramatorsk-makiivka-reuters-efe.txt").read_text(encoding="utf-8")
    return extract_claims(text, published=date(2023, 1, 8))


def find(claims: list[Claim], quote: str, context: str = "") -> Claim:
    matches = [c for c in claims if c.quote == quote and context in c.sentence]
    assert len(matches) == 1, (quote, context, [(c.quote, c.sentence) for c in claims])
    return matches[0]


# --- RT -----------------------------------------------------------------------------------

def test_rt_63_servicemen(rt):
    c = find(rt, "63")
    assert (c.value, c.bound, c.low, c.high) == (63, "=", 63, 63)
    assert (c.measure, c.subject, c.subject_text) == ("killed", "soldiers", "Russian servicemen")
    assert "Konashenkov" in c.attributed_to and c.actor == "russia"
    assert c.place == "makiivka"
    assert c.sentence[c.start:c.end] == "63"


def test_rt_more_than_60(rt):
    c = find(rt, "More than 60")
    assert (c.value, c.bound, c.low, c.high) == (60, ">", 60, None)
    assert (c.measure, c.subject, c.actor, c.place) == ("killed", "soldiers", "russia", "makiivka")
    assert c.attributed_to == "Moscow"


def test_rt_missiles(rt):
    fired = find(rt, "six")
    assert (fired.value, fired.measure, fired.subject) == (6, "missiles_fired", "missiles")
    intercepted = find(rt, "Two", "intercepted")
    assert (intercepted.value, intercepted.measure, intercepted.subject) == (
        2, "missiles_intercepted", "missiles")
    hit = find(rt, "four", "made it through")
    assert (hit.value, hit.measure, hit.subject) == (4, "missiles_hit", "missiles")
    assert {c.place for c in (fired, intercepted, hit)} == {"makiivka"}


def test_rt_non_figures(rt):
    quotes = {c.quote for c in rt}
    assert "19" not in quotes and "0:01" not in quotes
    assert not any("New Year" in c.quote for c in rt)
    assert not any(c.value in (2023, 1, 19) and c.measure is None for c in rt)


def test_rt_unqualified_ministry_is_russia(rt):
    assert find(rt, "six").actor == "russia"


# --- Reuters / EFE ------------------------------------------------------------------------

def test_efe_no_casualties_witnesses(efe):
    c = find(efe, "no casualties", "witnesses")
    assert (c.value, c.bound, c.low, c.high) == (0, "=", 0, 0)
    assert (c.measure, c.subject, c.actor, c.place) == ("casualties", "people", "reuters",
                                                        "kramatorsk")


def test_efe_hedged_absence_is_not_a_claim(efe):
    assert not any("obvious signs" in c.sentence and c.value == 0 and c.measure == "casualties"
                   for c in efe)


def test_efe_russia_claimed_600(efe):
    c = find(efe, "600", "Russia claimed")
    assert (c.value, c.bound, c.measure, c.subject) == (600, "=", "killed", "soldiers")
    assert (c.actor, c.place, c.event_date) == ("russia", "kramatorsk", date(2023, 1, 8))


def test_efe_hostel_numbers_and_distance(efe):
    assert not any(c.value in (47, 28) for c in efe)
    c = find(efe, "About 50 meters")
    assert (c.value, c.bound, c.approx) == (50, "~", True)
    assert c.measure not in ("killed", "casualties")


def test_efe_hundreds_of_casualties(efe):
    c = find(efe, "hundreds")
    assert (c.value, c.bound, c.low, c.high) == (None, "range", 200, 999)
    assert (c.measure, c.subject, c.place) == ("casualties", "people", "kramatorsk")
    assert c.actor in ("russia", None)


def test_efe_mayor_no_casualties(efe):
    c = find(efe, "no casualties", "mayor")
    assert c.value == 0 and c.measure == "casualties"
    assert c.actor != "russia" and "mayor" in c.actor
    assert c.place == "kramatorsk"


def test_efe_89_soldiers(efe):
    c = find(efe, "89")
    assert (c.value, c.measure, c.subject) == (89, "killed", "soldiers")
    assert (c.actor, c.place) == ("russia", "makiivka")


def test_efe_kyiv_at_least_400(efe):
    c = find(efe, "at least 400")
    assert (c.value, c.bound, c.low, c.high) == (400, ">=", 400, None)
    assert (c.measure, c.subject, c.actor, c.place) == ("killed", "soldiers", "ukraine",
                                                        "makiivka")


def test_efe_intercepted_and_hit(efe):
    two = find(efe, "two", "Anti-aircraft")
    four = find(efe, "four", "Anti-aircraft")
    assert (two.value, two.measure, two.place) == (2, "missiles_intercepted", "makiivka")
    assert (four.value, four.measure, four.place) == (4, "missiles_hit", "makiivka")


def test_efe_housed_not_killed(efe):
    first = find(efe, "More than 700")
    second = find(efe, "more than 600", "housed")
    for c in (first, second):
        assert (c.measure, c.subject, c.bound) == ("housed", "soldiers", ">")


def test_efe_600_destroyed_without_evidence(efe):
    c = find(efe, "more than 600", "destroyed")
    assert (c.value, c.bound, c.measure, c.subject) == (600, ">", "killed", "soldiers")
    assert (c.actor, c.stance, c.place) == ("russia", "without evidence", "kramatorsk")
    assert c.event_date == date(2023, 1, 8)


def test_efe_power_plants(efe):
    c = find(efe, "Two", "thermal power plants")
    assert (c.value, c.measure, c.subject) == (2, "damaged", "power_plants")
    assert c.place == "donetsk"


# --- across the two articles ---------------------------------------------------------------

def test_same_incident_dates_align(rt, efe):
    rt_makiivka = [c for c in rt if c.place == "makiivka" and c.measure == "killed"]
    efe_makiivka = [c for c in efe if c.place == "makiivka" and c.measure == "killed"]
    assert rt_makiivka and efe_makiivka
    for a in rt_makiivka:
        for b in efe_makiivka:
            assert abs((a.event_date - b.event_date).days) <= 7
    kramatorsk = [c for c in efe if c.place == "kramatorsk" and c.measure == "killed"]
    assert kramatorsk and all(c.event.startswith("kramatorsk/2023-01-08") for c in kramatorsk)
    # both articles call both strikes missile attacks: no kind separates their figures
    for claim in rt_makiivka + efe_makiivka + kramatorsk:
        assert claim.incident_kind in ("shelling", None), claim


def test_same_actor_across_articles(rt, efe):
    assert same_actor(find(rt, "63"), find(efe, "89"))
    assert not same_actor(find(efe, "89"), find(efe, "at least 400"))
    assert not same_actor(find(efe, "two", "Anti-aircraft"), find(efe, "four", "Anti-aircraft"))


def test_claims_are_in_text_order(efe):
    keys = [(c.sentence_index, c.start) for c in efe]
    assert keys == sorted(keys)
