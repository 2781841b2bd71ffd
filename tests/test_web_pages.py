"""The server-rendered pages in-process: login, queue, item actions, event, article."""

import re

import pytest

from tests.web_seed import PASSWORD


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def page_login(client, username="ana", password=PASSWORD, next_path="/queue"):
    form = client.get(f"/login?next={next_path}")
    assert form.status_code == 200
    return client.post("/login", data={"csrf_token": csrf_of(form.text), "username": username,
                                       "password": password, "next": next_path},
                       follow_redirects=False)


@pytest.fixture
def ana(client):
    response = page_login(client)
    assert response.status_code == 303, response.text
    return client


def post(client, path, **fields):
    token = csrf_of(client.get("/queue").text)
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def test_pages_redirect_to_login(client, seeded):
    for path in ("/", "/queue?status=open", f"/items/{seeded['makiivka']}",
                 "/events/makiivka/2023-01-01", "/articles/1"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=/")


def test_login_page_flow(client):
    wrong = page_login(client, password="not the password")
    assert wrong.status_code == 401 and "Wrong username or password." in wrong.text
    ok = page_login(client, next_path="/items/1")
    assert ok.status_code == 303 and ok.headers["location"] == "/items/1"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_login_form_needs_its_csrf_token(client):
    client.get("/login")
    forged = client.post("/login", data={"csrf_token": "forged", "username": "ana",
                                         "password": PASSWORD}, follow_redirects=False)
    assert forged.status_code == 403 and "ingest_session" not in forged.headers.get(
        "set-cookie", "")


def test_login_never_redirects_off_site(client):
    response = page_login(client, next_path="//evil.example/")
    assert response.headers["location"] == "/queue"


def test_queue_page(ana, seeded):
    html = ana.get("/queue").text
    assert "unresolved <b>3</b>" in html and "open <b>3</b>" in html
    assert html.index("kramatorsk/2023-01-08") < html.index("makiivka/2023-01-01")
    assert "≥400" in html and "(efe: kyiv)" in html
    filtered = ana.get("/queue?kind=&outlet=efe&measure=&event=&flagged_from=&sort=newest").text
    assert "makiivka/2023-01-01" in filtered and "kramatorsk/2023-01-08" not in filtered
    assert ana.get("/queue?flagged_from=soon").status_code == 422
    one = ana.get("/queue?limit=1").text
    assert 'rel="next"' in one
    after = re.search(r'href="\?([^"]*after=[^"]+)"', one).group(1).replace("&amp;", "&")
    second = ana.get(f"/queue?{after}").text
    assert "makiivka/2023-01-01" in second and "kramatorsk/2023-01-08" not in second.split(
        "<tbody>")[1]


def test_item_page_shows_the_evidence(ana, seeded):
    html = ana.get(f"/items/{seeded['makiivka']}").text
    assert html.count("<article class=\"claim") == 2
    assert "<mark>63</mark>" in html and "<mark>400</mark>" in html
    assert "[400, ∞)" in html and "[63, 63]" in html
    assert "kyiv" in html and "russia" in html and "2023-01-08" in html
    assert 'href="https://rt.example/makiivka"' in html
    assert f'/articles/{seeded["hostile_article"]}?v=1' in html
    assert "Flagged" in html and "soldiers killed (efe) vs" in html
    assert "opened" in html  # the history


def test_claim_resolve_and_export_through_forms(ana, seeded):
    item = seeded["makiivka"]
    response = post(ana, f"/items/{item}/claim")
    assert response.status_code == 303 and response.headers["location"] == f"/items/{item}"
    assert "held by <strong>ana</strong>" in ana.get(f"/items/{item}").text
    post(ana, f"/items/{item}/comment", note="asking the desk")
    post(ana, f"/items/{item}/resolve", verdict="confirmed", note="they disagree",
         reviewer="bo")  # a reviewer field is ignored: the session decides
    html = ana.get(f"/items/{item}").text
    assert "Verdict: <strong>confirmed</strong> by ana" in html
    assert "asking the desk" in html
    assert "confirmed (ana)" in ana.get("/queue?status=resolved").text
    assert "they disagree" in ana.get("/api/export/items.csv").text
    post(ana, f"/items/{item}/reopen", note="new figure")
    assert "badge status-open" in ana.get(f"/items/{item}").text


def test_refused_action_shows_the_reason(client, seeded):
    page_login(client, "bo")
    item = seeded["makiivka"]
    post(client, f"/items/{item}/claim")
    client.cookies.clear()
    page_login(client, "ana")
    response = post(client, f"/items/{item}/claim")
    assert response.status_code == 409
    assert f"item {item} is held by bo" in response.text
    assert f'href="/items/{item}"' in response.text
    bad = post(client, f"/items/{seeded['kramatorsk']}/resolve", verdict="maybe")
    assert bad.status_code == 409 and "unknown verdict" in bad.text


def test_take_next_and_assign(ana, seeded):
    response = post(ana, "/queue/next")
    assert response.headers["location"] == f"/items/{seeded['kramatorsk']}"
    page = ana.get(f"/items/{seeded['kramatorsk']}").text
    assert f'action="/items/{seeded["kramatorsk"]}/release"' in page
    assert "<option>bo</option>" in page
    post(ana, f"/items/{seeded['kramatorsk']}/assign", assignee="bo")
    assert "held by <strong>bo</strong>" in ana.get(f"/items/{seeded['kramatorsk']}").text


def test_forms_without_csrf_token_are_refused(ana, seeded):
    item = seeded["makiivka"]
    for fields in ({}, {"csrf_token": "guess"}):
        response = ana.post(f"/items/{item}/claim", data=fields, follow_redirects=False)
        assert response.status_code == 403
    json_post = ana.post(f"/items/{item}/claim", json={"csrf_token": "x"})
    assert json_post.status_code == 403
    assert "badge status-open" in ana.get(f"/items/{item}").text


def test_event_page_has_a_chart(ana, seeded):
    html = ana.get("/events/makiivka/2023-01-01").text
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert svg.count("<circle") == 2  # the stated values 63 and 400
    assert svg.count("<path") == 1  # "at least 400": an arrow up
    assert f'href="/articles/{seeded["hostile_article"]}?v=1"' in svg
    assert "rt" in html and "efe" in html and f"/items/{seeded['makiivka']}" in html


def test_article_page_diff_highlights_figures(ana, seeded):
    html = ana.get(f"/articles/{seeded['revised_article']}").text
    assert '<del class="figure">5</del>' in html and '<ins class="figure">9</ins>' in html
    assert "v1" in html and "v2" in html
    first = ana.get(f"/articles/{seeded['revised_article']}?v=1").text
    assert "killed 5 civilians" in first and "<del" not in first
    assert ana.get(f"/articles/{seeded['revised_article']}?v=9").status_code == 404


def test_logout(ana):
    response = post(ana, "/logout")
    assert response.status_code == 303
    assert ana.get("/queue", follow_redirects=False).status_code == 303


def test_event_chart_draws_one_figure_at_a_time(ana, seeded, settings):
    """Killed soldiers and fired missiles are not drawn on one axis."""
    from datetime import date

    from ingest.db import session_scope
    from tests.web_seed import add_article, figure

    text = "Six HIMARS missiles were fired at Makiivka."
    with session_scope(settings.database_url) as session:
        add_article(session, source="tass", url="https://tass.example/makiivka", text=text,
                    published=date(2023, 1, 2),
                    claims=[figure(text, "Six", 6, measure="missiles_fired", subject="missiles")])
    html = ana.get("/events/makiivka/2023-01-01").text
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert svg.count("<circle") == 2  # the disputed figure: 63 and 400 killed soldiers
    assert "Chart of:" in html and "missiles_fired/missiles" in html
    html = ana.get("/events/makiivka/2023-01-01?figure=missiles_fired/missiles").text
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert svg.count("<circle") == 1
    assert "Six" in html and "63" in html  # the table still lists every claim
