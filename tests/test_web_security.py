"""Article text is untrusted: it is escaped everywhere, and the browser is told to run
nothing but our own files."""

import re
from pathlib import Path

import pytest

from tests.conftest import log_in
from tests.web_seed import HOSTILE

TEMPLATES = Path(__file__).parent.parent / "src" / "ingest" / "web" / "templates"


@pytest.fixture
def logged_in(client):
    log_in(client)
    return client


def pages(seeded):
    return ["/queue", "/queue?outlet=efe", f"/items/{seeded['makiivka']}",
            "/events/makiivka/2023-01-01", f"/articles/{seeded['hostile_article']}",
            f"/articles/{seeded['hostile_article']}?v=1"]


def test_hostile_article_text_is_escaped(logged_in, seeded):
    for path in pages(seeded):
        html = logged_in.get(path).text
        assert "<script" not in html, path
        assert "<img" not in html, path
        assert "onerror=alert" not in html or "&lt;img src=x onerror=alert(1)&gt;" in html
    item = logged_in.get(f"/items/{seeded['makiivka']}").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in item
    assert "<mark>400</mark>" in item  # the figure is still highlighted in its sentence
    article = logged_in.get(f"/articles/{seeded['hostile_article']}").text
    assert "&lt;b&gt;Strike&lt;/b&gt;" in article  # the title too


def test_api_returns_the_text_as_data(logged_in, seeded):
    data = logged_in.get(f"/api/items/{seeded['makiivka']}").json()
    assert any(c["claim"]["sentence"] == HOSTILE for c in data["claims"])
    assert logged_in.get(f"/api/items/{seeded['makiivka']}").headers[
        "content-type"] == "application/json"


def test_comments_and_notes_are_escaped(logged_in, seeded):
    token = logged_in.get("/api/me").json()["csrf_token"]
    logged_in.post(f"/api/items/{seeded['makiivka']}/comment",
                   json={"note": "<script>steal()</script>"},
                   headers={"X-CSRF-Token": token})
    html = logged_in.get(f"/items/{seeded['makiivka']}").text
    assert "<script>steal()" not in html and "&lt;script&gt;steal()" in html


@pytest.mark.parametrize("path", ["/login", "/queue", "/api/items", "/api/openapi.json",
                                  "/items/999", "/static/style.css"])
def test_security_headers_everywhere(logged_in, path):
    response = logged_in.get(path)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "server-timing" in response.headers


def test_pages_load_nothing_from_elsewhere_and_run_no_script():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert "<script" not in text, template.name
        assert not re.search(r'(src|href)="(https?:)?//', text), template.name
        assert " style=" not in text and "<style" not in text, template.name  # CSP: no inline


def test_original_links_only_for_web_urls(session):
    from ingest.web.templating import safe_url

    assert safe_url("https://rt.example/a") == "https://rt.example/a"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,x") is None


def test_api_login_is_not_a_form_target(client):
    # a cross-site HTML form can only send form encodings, which the JSON login refuses
    response = client.post("/api/login", data={"username": "ana", "password": "x"})
    assert response.status_code == 422
