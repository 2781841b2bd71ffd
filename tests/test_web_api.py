"""The JSON API in-process: login, the queue, every action, events, articles, exports."""

import csv
import io

import pytest

from tests.conftest import log_in


def write(client, path, token, json=None):
    return client.post(path, json=json, headers={"X-CSRF-Token": token})


def test_openapi_document_lists_the_operations(client):
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    for path in ("/api/login", "/api/items", "/api/items/next", "/api/items/{item_id}",
                 "/api/items/{item_id}/claim", "/api/items/{item_id}/assign",
                 "/api/items/{item_id}/release", "/api/items/{item_id}/resolve",
                 "/api/items/{item_id}/reopen", "/api/items/{item_id}/comment",
                 "/api/events/{event}", "/api/articles/{article_id}",
                 "/api/articles/{article_id}/diff", "/api/export/items.csv",
                 "/api/export/claimreview.jsonld"):
        assert path in paths, path
    assert not any(p.startswith("/items") for p in paths)  # pages stay out of the spec
    assert client.get("/docs").status_code == 404  # Swagger UI would load a CDN


def test_everything_needs_a_login(client, seeded):
    for path in ("/api/items", f"/api/items/{seeded['makiivka']}", "/api/me",
                 "/api/export/items.csv", "/api/events/makiivka/2023-01-01"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"detail": "not logged in"}


def test_login(client):
    bad = client.post("/api/login", json={"username": "ana", "password": "nope nope"})
    assert bad.status_code == 401 and bad.json()["detail"] == "wrong username or password"
    token = log_in(client)
    cookie = client.cookies.jar
    (session_cookie,) = [c for c in cookie if c.name == "ingest_session"]
    assert session_cookie.has_nonstandard_attr("HttpOnly")
    me = client.get("/api/me").json()
    assert me == {"username": "ana", "csrf_token": token}


def test_queue_filters_sorting_and_pages(client, seeded):
    log_in(client)
    page = client.get("/api/items").json()
    assert [i["event"] for i in page["items"]] == [
        "kramatorsk/2023-01-08", "makiivka/2023-01-01", "donetsk/2023-01-02"]
    assert page["counts"] == {"open": 3, "claimed": 0, "resolved": 0, "merged": 0}
    assert page["items"][1]["figures"] == ["≥400 (efe: kyiv)", "63 (rt: russia)"]
    assert [i["id"] for i in client.get("/api/items?outlet=efe").json()["items"]] == [
        seeded["makiivka"]]
    newest = client.get("/api/items?sort=newest&limit=2").json()
    assert [i["id"] for i in newest["items"]] == [seeded["donetsk"], seeded["kramatorsk"]]
    rest = client.get(f"/api/items?sort=newest&limit=2&after={newest['next_cursor']}").json()
    assert [i["id"] for i in rest["items"]] == [seeded["makiivka"]]
    assert rest["next_cursor"] is None
    assert client.get("/api/items?status=lost").status_code == 422
    assert client.get("/api/items?limit=100000").status_code == 422
    assert client.get("/api/items?flagged_from=yesterday").status_code == 422


def test_writes_need_the_csrf_header(client, seeded):
    log_in(client)
    item = seeded["makiivka"]
    refused = client.post(f"/api/items/{item}/claim")
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["detail"]
    wrong = write(client, f"/api/items/{item}/claim", "not-the-token")
    assert wrong.status_code == 403
    assert client.get(f"/api/items/{item}").json()["item"]["status"] == "open"


def test_claim_resolve_reopen_comment(client, seeded):
    token = log_in(client, "ana")
    item = seeded["makiivka"]
    claimed = write(client, f"/api/items/{item}/claim", token).json()
    assert claimed["item"]["status"] == "claimed" and claimed["item"]["assignee"] == "ana"

    other = client.__class__(client.app, base_url="http://testserver")
    bo = log_in(other, "bo")
    taken = write(other, f"/api/items/{item}/claim", bo)
    assert taken.status_code == 409 and taken.json()["detail"] == f"item {item} is held by ana"
    assert write(other, f"/api/items/{item}/resolve", bo,
                 {"verdict": "confirmed"}).status_code == 409

    bad = write(client, f"/api/items/{item}/resolve", token, {"verdict": "maybe"})
    assert bad.status_code == 422
    done = write(client, f"/api/items/{item}/resolve", token,
                 {"verdict": "confirmed", "note": "Moscow and Kyiv disagree"}).json()
    assert done["item"]["verdict"] == "confirmed" and done["item"]["resolved_by"] == "ana"
    again = write(client, f"/api/items/{item}/resolve", token, {"verdict": "confirmed"})
    assert again.status_code == 409 and "already resolved" in again.json()["detail"]

    reopened = write(other, f"/api/items/{item}/reopen", bo, {"note": "new report"}).json()
    assert reopened["item"]["status"] == "open"
    commented = write(other, f"/api/items/{item}/comment", bo, {"note": "checking RT"}).json()
    history = [(e["actor"], e["action"]) for e in commented["history"]]
    assert history[-4:] == [("ana", "claimed"), ("ana", "resolved"), ("bo", "reopened"),
                            ("bo", "commented")]
    assert write(other, f"/api/items/{item}/comment", bo, {"note": " "}).status_code == 409


def test_the_actor_is_the_session_never_the_body(client, seeded):
    token = log_in(client, "ana")
    item = seeded["makiivka"]
    response = write(client, f"/api/items/{item}/resolve", token,
                     {"verdict": "confirmed", "note": "x", "reviewer": "bo",
                      "resolved_by": "bo"})
    assert response.json()["item"]["resolved_by"] == "ana"


def test_assign_and_release(client, seeded):
    token = log_in(client, "ana")
    item = seeded["kramatorsk"]
    assigned = write(client, f"/api/items/{item}/assign", token, {"assignee": "bo"}).json()
    assert assigned["item"]["assignee"] == "bo"
    assert assigned["history"][-1]["detail"] == "to bo"
    assert write(client, f"/api/items/{item}/release", token).status_code == 409
    unknown = write(client, f"/api/items/{seeded['donetsk']}/assign", token,
                    {"assignee": "zoe"})
    assert unknown.status_code == 409
    assert client.get("/api/reviewers").json() == ["ana", "bo"]


def test_next_item(client, seeded):
    token = log_in(client)
    first = write(client, "/api/items/next", token).json()["item"]
    assert first["id"] == seeded["kramatorsk"] and first["assignee"] == "ana"
    filtered = write(client, "/api/items/next?kind=modified", token).json()["item"]
    assert filtered["id"] == seeded["donetsk"]
    write(client, "/api/items/next", token)
    assert write(client, "/api/items/next", token).json() == {"item": None}


def test_unknown_things_are_404(client):
    log_in(client)
    assert client.get("/api/items/999").status_code == 404
    assert client.get("/api/events/nowhere/2020-01-01").status_code == 404
    assert client.get("/api/articles/999").status_code == 404
    assert client.get("/api/articles/1/versions/7").status_code == 404


def test_event_and_articles(client, seeded):
    log_in(client)
    event = client.get("/api/events/makiivka/2023-01-01").json()
    assert [(c["claim"]["source"], c["claim"]["quote"]) for c in event["claims"]] == [
        ("rt", "63"), ("efe", "400")]
    assert [i["id"] for i in event["items"]] == [seeded["makiivka"]]
    article = client.get(f"/api/articles/{seeded['revised_article']}").json()
    assert [v["version"] for v in article["versions"]] == [1, 2]
    text = client.get(f"/api/articles/{seeded['revised_article']}/versions/1").json()
    assert "killed 5 civilians" in text["text"] and text["claims"][0]["quote"] == "5"
    diff = client.get(f"/api/articles/{seeded['revised_article']}/diff?from=1&to=2").json()
    assert diff["changed_figures"] == [["5", "9"]]
    assert {"op": "insert", "text": "9", "figure": True} in diff["pieces"]


def test_exports(client, seeded):
    token = log_in(client)
    item = seeded["makiivka"]
    write(client, f"/api/items/{item}/resolve", token,
          {"verdict": "confirmed", "note": "=HYPERLINK(\"http://evil\")"})
    write(client, f"/api/items/{seeded['donetsk']}/resolve", token,
          {"verdict": "extraction-error"})
    response = client.get("/api/export/items.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 3
    (row,) = [r for r in rows if r["id"] == str(item)]
    assert row["verdict"] == "confirmed" and row["resolved_by"] == "ana"
    assert row["note"].startswith("'=")  # no formula in a spreadsheet
    records = client.get("/api/export/items.json").json()
    assert {r["id"]: r["verdict"] for r in records}[item] == "confirmed"
    jsonld = client.get("/api/export/claimreview.jsonld")
    assert jsonld.headers["content-type"] == "application/ld+json"
    document = jsonld.json()
    assert document["@context"] == "https://schema.org"
    (review_node,) = document["@graph"]  # the extraction error is no claim review
    assert review_node["@type"] == "ClaimReview"
    assert review_node["url"] == f"http://testserver/items/{item}"
    assert review_node["author"] == {"@type": "Person", "name": "ana"}
    assert review_node["itemReviewed"]["@type"] == "Claim"
    assert {a["url"] for a in review_node["itemReviewed"]["appearance"]} == {
        "https://rt.example/makiivka", "https://efe.example/makiivka"}
    assert "63 (rt, according to russia)" in review_node["claimReviewed"]


@pytest.mark.parametrize("path", ["/api/logout"])
def test_logout_ends_the_session(client, path):
    token = log_in(client)
    assert write(client, path, token).status_code == 204
    assert client.get("/api/me").status_code == 401
