"""A small review queue for the web tests: two disputes, a revised article, hostile text."""

from __future__ import annotations

from datetime import date

from ingest import accounts, review, store
from ingest.claims.model import Claim
from ingest.extract import ExtractedArticle, content_hash

PASSWORD = "correct horse battery"
HOSTILE = ('Officials said <script>alert("x")</script> that 400 '
           '<img src=x onerror=alert(1)> soldiers died in Makiivka.')


def figure(sentence, quote, value, *, bound="=", low=None, high=None, actor=None, index=0,
           measure="killed", subject="soldiers", event="makiivka/2023-01-01", **kw):
    start = sentence.index(quote)
    low = value if low is None and bound == "=" else low
    high = value if high is None and bound == "=" else high
    return Claim(sentence=sentence, quote=quote, start=start, end=start + len(quote),
                 value=value, bound=bound, low=low, high=high, approx=False, measure=measure,
                 subject=subject, actor=actor, attributed_to=actor, place=event.split("/")[0],
                 event_date=date.fromisoformat(event.split("/")[1]), event=event,
                 sentence_index=index, **kw)


def add_article(session, *, source, url, claims, text, published, title="t"):
    extracted = ExtractedArticle(url=url, text=text, title=title, authors=None, site_name=None,
                                 published=published, language="en", description=None,
                                 content_hash=content_hash(text))
    article, version = store.save_article_version(session=session, source=source, url=url,
                                                  extracted=extracted)
    rows = store.save_claims(session=session, article=article, version=version, claims=claims,
                             window_days=7)
    review.flag_conflicts(session=session, claims=rows, window_days=7)
    session.flush()
    return article


def seed(session) -> dict:
    """Items: Makiivka (63 rt vs 400 in the hostile efe text), Kramatorsk (600 vs 0) and a
    modified figure between two versions of one article."""
    s1 = "Moscow said 63 servicemen were killed in Makiivka."
    add_article(session, source="rt", url="https://rt.example/makiivka", text=s1,
                published=date(2023, 1, 2), title="Makiivka strike",
                claims=[figure(s1, "63", 63, actor="russia")])
    efe = add_article(session, source="efe", url="https://efe.example/makiivka", text=HOSTILE,
                      published=date(2023, 1, 8), title='<b>Strike</b> "report"',
                      claims=[figure(HOSTILE, "400", 400, bound=">=", low=400,
                                     actor="kyiv")])
    s3 = "More than 600 Ukrainian soldiers were killed in Kramatorsk, Moscow said."
    s4 = "Reporters saw no casualties in Kramatorsk."
    add_article(session, source="rt", url="https://rt.example/kramatorsk", text=s3,
                published=date(2023, 1, 8),
                claims=[figure(s3, "More than 600", None, bound=">", low=600,
                               actor="russia", event="kramatorsk/2023-01-08")])
    add_article(session, source="reuters", url="https://reuters.example/kramatorsk", text=s4,
                published=date(2023, 1, 9),
                claims=[figure(s4, "no", 0, subject="people", event="kramatorsk/2023-01-08")])
    v1 = "A shelling of Donetsk killed 5 civilians on Monday."
    v2 = "A shelling of Donetsk killed 9 civilians on Monday."
    revised = add_article(session, source="ap", url="https://ap.example/donetsk", text=v1,
                          published=date(2023, 1, 3),
                          claims=[figure(v1, "5", 5, subject="civilians",
                                         event="donetsk/2023-01-02")])
    add_article(session, source="ap", url="https://ap.example/donetsk", text=v2,
                published=date(2023, 1, 3),
                claims=[figure(v2, "9", 9, subject="civilians", event="donetsk/2023-01-02")])
    for name in ("ana", "bo"):
        accounts.create_reviewer(session=session, username=name, password=PASSWORD)
    session.commit()
    items = review.list_items(session=session, status=None)
    by_event = {item.event: item.id for item in items}
    return {"makiivka": by_event["makiivka/2023-01-01"],
            "kramatorsk": by_event["kramatorsk/2023-01-08"],
            "donetsk": by_event["donetsk/2023-01-02"],
            "hostile_article": efe.id, "revised_article": revised.id}
