"""Short FA-KES articles (Syrian war news with lost commas): casualty figures come out sensibly.

Fixtures: tests/fixtures/fakes/articles.json (see the README there for the source).
"""

import json
from datetime import datetime
from pathlib import Path

import pytest

from ingest.claims import extract_claims

FIXTURE = Path(__file__).parent / "fixtures" / "fakes" / "articles.json"
ARTICLES = {a["unit_id"]: a for a in json.loads(FIXTURE.read_text(encoding="utf-8"))}


def claims_of(unit_id: str):
    a = ARTICLES[unit_id]
    published = datetime.strptime(a["date"], "%m/%d/%Y").date()
    return extract_claims(a["article_content"], title=a["article_title"], published=published)


def summary(claims, body_only=True):
    return [(c.quote, c.measure, c.subject) for c in claims if not (body_only and c.in_title)]


def test_aleppo_bomb_blast_kills_six():
    claims = claims_of(next(k for k, a in ARTICLES.items() if "kills six" in a["article_title"]))
    title = [c for c in claims if c.in_title]
    assert [(c.value, c.measure, c.place) for c in title] == [(6, "killed", "aleppo")]
    body = [c for c in claims if c.sentence.startswith("A bomb blast")]
    assert [(c.value, c.measure, c.subject) for c in body] == [
        (6, "killed", "people"), (32, "injured", "people")]
    assert all(c.place == "aleppo" for c in claims)


def test_over_3_killed_40_injured():
    claims = claims_of(next(k for k, a in ARTICLES.items() if "Over 3" in a["article_title"]))
    body = [c for c in claims if c.sentence.startswith("At least three")]
    assert [(c.quote, c.bound, c.measure, c.subject) for c in body] == [
        ("At least three", ">=", "killed", "people"), ("40", "=", "injured", "people")]
    assert not any(c.value in (2016, 31) for c in claims)  # "Mon Oct 31 2016"


def test_nine_injured_including_five_children():
    claims = claims_of(next(k for k, a in ARTICLES.items() if "9 Injured" in a["article_title"]))
    body = [c for c in claims if c.sentence.startswith("9 injured")]
    assert [(c.value, c.measure, c.subject) for c in body] == [
        (9, "injured", "people"), (5, "injured", "children")]
    recent = [c for c in claims if c.sentence.startswith("In recent days")]
    assert [(c.quote, c.measure, c.subject) for c in recent] == [
        ("57", "killed", "civilians"), ("more than 150", "injured", "people")]


def test_death_toll_at_least_112():
    claims = claims_of(next(k for k, a in ARTICLES.items() if "112" in a["article_title"]))
    toll = [c for c in claims if "reached at least 112" in c.sentence]
    assert [(c.bound, c.low, c.measure, c.actor) for c in toll] == [(">=", 112, "killed", "sohr")]
    bodies = [c for c in claims if c.quote == "at least 100"]
    assert [(c.measure, c.subject) for c in bodies] == [("killed", "people")]
    assert not any(c.value == 2017 for c in claims)
    convoy = [c for c in claims if c.quote == "several hundred"]
    assert [(c.low, c.high, c.subject) for c in convoy] == [(300, 900, "fighters")]


def test_air_strikes_kill_at_least_18():
    claims = claims_of(next(k for k, a in ARTICLES.items() if "at least 18" in a["article_title"]))
    strikes = [c for c in claims if "killed at least 18 people" in c.sentence]
    assert [(c.quote, c.measure, c.subject) for c in strikes] == [
        ("at least 18", "killed", "people"), ("five", "killed", "children")]
    civil_defence = [c for c in claims if "killed 19 and wounded 22" in c.sentence]
    # "the two air raids" counts strikes carried out, not victims
    assert [(c.value, c.measure, c.subject) for c in civil_defence] == [
        (2, "strikes", "airstrikes"), (19, "killed", "people"), (22, "injured", "people")]


@pytest.mark.parametrize("unit_id", sorted(ARTICLES))
def test_no_years_or_dates_as_figures(unit_id):
    for c in claims_of(unit_id):
        assert not (c.value is not None and 1990 <= c.value <= 2030 and c.subject is None), c
        assert c.sentence[c.start:c.end] == c.quote


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("At least 18 civilians including five children and two women were killed in an "
         "airstrike.", [("At least 18", "killed"), ("five", "killed"), ("two", "killed")]),
        ("Sixteen civilians - including three children - were killed on Monday.",
         [("Sixteen", "killed"), ("three", "killed")]),
        ("Clashes left 23 civilians - including nine children - dead, the Observatory said.",
         [("23", "killed"), ("nine", "killed")]),
        ("Reports say hundreds of people including children have been killed in airstrikes.",
         [("hundreds", "killed")]),
        ("The violence has forced tens of thousands of residents to flee.",
         [("tens of thousands", "displaced")]),
    ],
)
def test_measure_found_across_a_subset_aside(sentence, expected):
    assert [(c.quote, c.measure) for c in extract_claims(sentence)] == expected


@pytest.mark.parametrize(
    ("sentence", "quote", "subject"),
    [
        ("Fifteen of the wounded were in critical condition, the monitor said.", "Fifteen",
         "critically_injured"),
        ("Three of the dead were children.", "Three", "children"),
        ("The attack killed 15 civilians with another 10 bodies yet to be identified.", "10",
         "unidentified_bodies"),
        ("Five of the victims were taken to Turkey.", "Five", None),
    ],
)
def test_a_part_of_a_counted_group_is_its_own_subject(sentence, quote, subject):
    claims = {c.quote: c for c in extract_claims(sentence)}
    assert claims[quote].subject == subject


def test_what_a_video_shows_is_not_a_toll():
    [claim] = extract_claims("One video showed the bodies of a dozen people lying on the floor "
                             "of a clinic.")
    assert (claim.quote, claim.measure) == ("a dozen", None)
