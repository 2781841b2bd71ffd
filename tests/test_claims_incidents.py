import pytest

from ingest.claims.incidents import incident_kind, incident_side


@pytest.mark.parametrize(("sentence", "kind"), [
    ("A suicide car bomb killed 40 people at the bus station.", "bombing"),
    ("Air strikes on rebel-held eastern Aleppo killed 12 civilians.", "airstrike"),
    ("Barrel bombs dropped by helicopters killed nine.", "airstrike"),
    ("Rebel shelling of government-held districts killed eight.", "shelling"),
    ("More than 60 troops were killed by a Ukrainian missile strike.", "shelling"),
    ("At least 70 died in the suspected chemical attack.", "chemical"),
    ("Clashes between the army and rebels left 29 dead.", "clashes"),
    ("IS executed 24 civilians.", "execution"),
    ("The war has killed more than 300000 people since 2011.", "total"),
    ("Since the start of the conflict 11 million have fled.", "total"),
    ("Since then more than a quarter of a million people have been killed.", "total"),
    ("The death toll from the five-year conflict is as high as 470000.", "total"),
    ("The conflict in Syria has killed more than 280000 people.", "total"),
    ("Seven days of airstrikes had left more than 75 civilians dead.", "total"),
    ("Over the past week 40 people were killed in the province.", "total"),
    ("More than 100000 people have been killed in the conflict so far.", "total"),
    ("Some 300000 people have died in Syria's civil war.", "total"),
    # periods shorter than a war: hours, days, a weekend, since a date or an event
    ("25 civilians were killed in rocket attacks on the city during the past 24 hours.", "total"),
    ("At least 45 people have been killed in the last 24 hours, monitors said.", "total"),
    ("24 hours of bombardment in the city kills 45", "total"),
    ("The army said rebel bombardment of the city killed 84 in three days.", "total"),
    ("In recent days 57 civilians were killed.", "total"),
    ("Hundreds were killed in a week of intense bombing.", "total"),
    ("The death toll over the whole weekend was at least 44.", "total"),
    ("Over 350 civilians have been killed since a truce collapsed on September 19.", "total"),
    ("Air raids since late September have killed hundreds of civilians.", "total"),
    ("Eighteen Russian soldiers have been killed in the Syrian conflict.", "total"),
    ("The NGO put the total death toll at more than 470000.", "total"),
    # FA-KES sentences (tests/claims_devset, tests/claims_fresh): since a day, overall, in
    # several incidents, plural strikes that have killed
    ("More than 520 US airstrikes since 21 May have killed between 229 and 425 civilians "
     "overall.", "total"),
    ("Fifteen others were killed in two more incidents of violence.", "total"),
    ("The strikes have killed 122 civilians he said.", "total"),
    ("An offensive that has left dozens dead.", "total"),
    ("An air strike has killed 12 people in Idlib.", "airstrike"),
    ("Rebel shelling killed two civilians in the city that has been divided since July "
     "2012.", "shelling"),
    # the war only describes who speaks, or what the incident was the first of
    ("The Observatory, which monitors Syria's five-year conflict, said air strikes killed 26.",
     "airstrike"),
    ("It was the first car bomb to hit the town since the outbreak of the war, killing two.",
     "bombing"),
    ("Five people were killed.", None),
    ("The gas attack killed 58 people.", "chemical"),
    # a superlative makes the war the comparison: one incident's figure, not the war's
    ("Dozens were killed in a suspected chemical attack described as among the worst in the "
     "country's six-year war.", "chemical"),
])
def test_incident_kind(sentence, kind):
    assert incident_kind(sentence) == kind


@pytest.mark.parametrize(("sentence", "side"), [
    ("Jaysh al-Islam fired rocket shells at Damascus, killing 3.", "rebels"),
    ("Terrorist rocket attacks on Aleppo killed 8 people.", None),  # said of any armed group
    ("Rebel rocket attacks on Aleppo killed 8 people.", "rebels"),
    ("Air strikes on Islamic State positions killed 12.", None),  # a target is not a side
    ("An airstrike on the rebel-held town killed 9.", None),  # nor who holds the place
    ("Thirty were killed in Syrian air strikes on the town, a monitor and rebels said.",
     "government"),  # nor who says so (the attribution, given as sources)
    ("Regime air strikes on Eastern Ghouta killed 45 people.", "government"),
    ("Syrian warplanes struck the town, killing 20.", "government"),
    ("US-led coalition raids killed 21 civilians near Manbij.", "coalition"),
    ("The Islamic State group killed more than 50 in Hama.", "is"),
    ("Regime strikes came after rebel fire killed seven in Damascus.", None),  # both: unknown
    ("A car bomb killed 12 people.", None),
])
def test_incident_side(sentence, side):
    said = sentence.find("a monitor and rebels said")
    sources = [(said, len(sentence))] if said >= 0 else []
    assert incident_side(sentence, sources) == side


@pytest.mark.parametrize("sentence", [
    "An estimated 170000 people have been killed and millions displaced.",
    "An estimated 170000 people have reportedly been killed and millions displaced.",
])
def test_a_war_toll_is_a_total_not_the_previous_sentences_place(sentence):
    from ingest.claims import extract_claims
    [toll, *_] = extract_claims("Air strikes hit the town of Akhtarin. " + sentence)
    assert (toll.value, toll.incident_kind, toll.place) == (170000, "total", None)
