from datetime import date

import pytest

from ingest import errors
from ingest.demo.site import SEEDS, render_article
from ingest.extract import content_hash, extract_article, normalise_text


def test_extracts_seed_page():
    seed = SEEDS[1]
    article = extract_article(render_article(seed), url="http://127.0.0.1/efe/a.html")
    assert article.title == seed.title
    assert article.published == date(2023, 1, 8)
    assert article.language == "en"
    assert article.site_name == "EFE (with Reuters)"
    assert "At least 400" in article.text or "at least 400" in article.text
    assert "First modification:" in article.text
    assert "Demo copy of a real article" not in article.text  # footer is boilerplate
    assert len(article.content_hash) == 64


def test_rt_seed_drops_caption_and_keeps_body():
    article = extract_article(render_article(SEEDS[0]), url="http://127.0.0.1/rt/a.html")
    assert "63 Russian servicemen were killed" in article.text
    assert "© Sputnik" not in article.text
    assert article.published == date(2023, 1, 2)


@pytest.mark.parametrize("html", ["", "   ", "<html><body></body></html>"])
def test_no_text(html):
    with pytest.raises(errors.ExtractionError):
        extract_article(html, url="http://x/a")


def test_too_short():
    html = "<html><body><article><p>Only a line of text here.</p></article></body></html>"
    with pytest.raises(errors.ExtractionError, match="minimum 500"):
        extract_article(html, url="http://x/a", min_chars=500)


def test_broken_html_still_extracts():
    body = "Forty people were killed in the attack, officials said. " * 10
    html = f"<html><body><div><p>{body}<p><b>unclosed <i>tags</div>"
    article = extract_article(html, url="http://x/a")
    assert "Forty people were killed" in article.text


def test_hash_ignores_whitespace_only_changes():
    assert content_hash("a  b\n\n c") == content_hash("a b\nc")
    assert content_hash("63 killed") != content_hash("89 killed")
    assert normalise_text(" a \u00a0 b \n\n\n c ") == "a b\nc"
