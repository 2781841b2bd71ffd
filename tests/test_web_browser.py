"""A reviewer in a real browser: log in, open the queue, claim an item, resolve it, find the
verdict in the export. Playwright drives Debian's Chromium (/usr/bin/chromium; `.ci/run`
installs it); no browser is downloaded. The app runs under uvicorn in a thread."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time

import pytest

CHROMIUM = os.environ.get("INGEST_TEST_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)),
    reason=f"no Chromium at {CHROMIUM} (CI installs Debian's chromium: see .ci/run)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(settings, seeded):
    import uvicorn

    from ingest.web import create_app

    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="off")
    app_server = uvicorn.Server(config)
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not app_server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(accept_downloads=True)
        browser_page = context.new_page()
        errors = []
        browser_page.on("console", lambda m: errors.append(m.text) if m.type == "error"
                        else None)
        browser_page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))
        browser_page.errors = errors
        yield browser_page
        browser.close()


def test_reviewer_claims_resolves_and_exports(server, seeded, page):
    from tests.web_seed import PASSWORD

    page.goto(f"{server}/queue")
    assert page.url.startswith(f"{server}/login")  # not logged in yet
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{server}/queue")

    rows = page.locator("table.items tbody tr")
    assert rows.count() == 3
    assert "unresolved 3" in page.locator("ul.counts").inner_text()

    item = seeded["makiivka"]
    page.click(f"a[href='/items/{item}']")
    page.wait_for_url(f"{server}/items/{item}")
    assert page.locator("article.claim").count() == 2
    assert page.locator("article.claim mark").all_inner_texts() == ["400", "63"]
    # the hostile article's <script> and <img onerror> are shown as text, never run
    assert '<script>alert("x")</script>' in page.locator("article.claim").first.inner_text()
    assert page.locator("article.claim img").count() == 0

    page.click("form[action$='/claim'] button")
    page.wait_for_url(f"{server}/items/{item}")
    assert "held by ana" in page.locator("p.meta").inner_text()

    page.check("input[name=verdict][value=confirmed]")
    page.fill("form.resolve textarea[name=note]", "Moscow and Kyiv disagree")
    page.click("form.resolve button[type=submit]")
    page.wait_for_url(f"{server}/items/{item}")
    assert "Verdict: confirmed by ana" in page.locator("p.verdict").inner_text()
    assert "resolved" in page.locator("#history").inner_text()

    page.goto(f"{server}/queue")
    assert "resolved 1" in page.locator("ul.counts").inner_text()
    with page.expect_download() as download:  # the export is an attachment
        page.click("header nav a:text('JSON')")
    records = json.loads(open(download.value.path(), encoding="utf-8").read())
    (record,) = [r for r in records if r["id"] == item]
    assert (record["verdict"], record["resolved_by"], record["note"]) == (
        "confirmed", "ana", "Moscow and Kyiv disagree")
    csv_text = page.request.get(f"{server}/api/export/items.csv").text()
    assert "Moscow and Kyiv disagree" in csv_text

    page.goto(f"{server}/events/makiivka/2023-01-01")
    assert page.locator("figure.chart svg circle").count() == 2
    assert page.errors == []  # no CSP violation, no script error, no alert
