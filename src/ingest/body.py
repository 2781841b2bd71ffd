"""Pure: a page's HTML + trafilatura's text -> the article body, by a few general rules.

``extract.extract_article`` runs trafilatura (with metadata; its fast mode in the
``standard`` extraction, its default mode in the ``thorough`` one); ``article_body`` then
corrects that text with second opinions from other trafilatura modes and from the page
itself. Rules 2 and 3 run only in the ``thorough`` extraction (each costs another trafilatura
pass). Each rule acts only on clear evidence:

1. **Too little text.** When trafilatura found fewer than ``too_little`` characters, its
   recall-minded mode is tried and kept if longer and holding (``complete``) the text found;
   rules 2 and 3, which favour precision, are then skipped.
2. **Modes that disagree** (``choose_mode``). The default mode may swap its own result for
   readability's or jusText's (its "fallback"); ``fast=True`` never does. When the default
   text and a precision-minded pass (``fast=True, favor_precision=True``) differ
   substantially, the fast mode's text is extracted too and whichever of the two is closer
   to the precision-minded text is kept: a vote of three trafilatura configurations.
3. **Boilerplate at the edges** (``trim_edges``). Lines before the first and after the last
   line the precision-minded pass also kept (headline, standfirst, "Click here to
   subscribe", related links) are dropped, unless a paragraph of prose (``long_line``
   characters) stands among them: from that paragraph on, the text is kept.
4. **The headline** (``drop_headline``). A first line equal to the page's title is the
   headline, which the article carries in ``title`` already.
5. **A body split into parts** (``join_split_body``). Some sites cut the body into sibling
   containers of one class around ad slots (two ``div.article__body``); trafilatura keeps
   the first. Later containers of the same tag and class (at most ``max_body_parts`` in
   all, more are a layout widget) holding ``min_part_paragraphs`` new paragraphs of prose
   are extracted and added after it.
6. **The publisher's own articleBody** (``supplement_from_jsonld``). The schema.org
   ``articleBody`` in the page's JSON-LD (``@graph`` and nested objects included, HTML in it
   rendered as text, malformed blocks skipped) is used when it is complete, i.e. holds
   ``complete`` of the text's shingles: its paragraphs of prose (ending as a sentence
   ends) that the text lacks are inserted in place; captions and buttons are not. When it
   holds the same words as the text in more paragraphs (trafilatura ran them together), it
   replaces the text. A teaser or a truncated articleBody holds too little of the text and
   is ignored. When trafilatura found too little (rule 1), it is used whole.

No rule removes a line from the middle of trafilatura's text (rule 6 replaces it only with
the same words in more paragraphs); rules 3 and 4 drop lines at its edges, and rule 2 may
prefer the fast mode's text, only on the evidence of another trafilatura pass or of the
page's title. The thresholds (``Rules``) were chosen on the
even-numbered half of the article-extraction benchmark's pages (ids sorted) and checked on
the odd half (``bench/extraction_quality.py``).
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from ingest.evaluate_extraction import SHINGLE_SIZE, shingles

_WORDS = re.compile(r"\w+")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_MARKUP = re.compile(r"<\s*[a-zA-Z][^>]*>|&lt;\s*[a-zA-Z]")
_BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol blockquote section article br tr table pre dd dt".split()
)
_UNWANTED_IN_JSONLD = "script style noscript iframe figure figcaption aside".split()


@dataclass(frozen=True, slots=True)
class Rules:
    """The thresholds of the rules above, with their reasons."""

    too_little: int = 500  # rules 1, 6: trafilatura found too little below this many characters
    complete: float = 0.9  # rules 1, 6: share of the text so far that a richer text must hold
    modes_agree: float = 0.9  # rule 2: each text holds this share of the other's shingles
    long_line: int = 200  # rule 3: a line this long is prose, kept even at an edge
    max_body_parts: int = 4  # rule 5: more same-class containers are a layout widget
    min_part_paragraphs: int = 2  # rule 5: new paragraphs of prose a later part must hold
    prose_paragraph: int = 150  # rule 5: characters that make a paragraph prose
    covered: float = 0.5  # rules 5, 6: a passage with this share already in the text is there
    same_words: float = 0.99  # rule 6: share of the text a re-paragraphed text must hold


RULES = Rules()


@dataclass(frozen=True, slots=True)
class Body:
    """The article text and the rules that shaped it (``"trafilatura"`` when none did)."""

    text: str
    source: str


def article_body(
    html: str | lxml_html.HtmlElement, *, url: str, main: str, title: str | None,
    rules: Rules = RULES, thorough: bool = True,
) -> Body:
    """Correct ``main`` (trafilatura's text, normalised) with rules 1-6.

    ``thorough=False`` skips rules 2 and 3, which cost one or two more trafilatura passes
    per page (``INGEST_EXTRACTION=standard``, where ``main`` is the fast mode's text).
    """
    steps: list[str] = []
    text = main
    too_little = len(main) < rules.too_little
    if too_little:  # recall matters more than precision: rules 1 and 6 only
        recall = trafilatura_text(html, url=url, favor_recall=True)
        if len(recall) > len(main) and contains(recall, main, rules.complete):
            text = recall
            steps.append("recall-mode")
    elif thorough:
        precise = trafilatura_text(html, url=url, fast=True, favor_precision=True)
        # the fast mode's text lies between these two: it can only outvote main if they differ
        agree = rules.modes_agree
        if not (contains(main, precise, agree) and contains(precise, main, agree)):
            text = choose_mode(
                main, trafilatura_text(html, url=url, fast=True), precise, rules=rules
            )
            if text != main:
                steps.append("fast-mode")
        trimmed = trim_edges(text, precise, rules=rules)
        if trimmed != text:
            text = trimmed
            steps.append("edges")
    headless = drop_headline(text, title)
    if headless != text:
        text = headless
        steps.append("headline")
    root = parse(html)
    if root is not None:
        joined = join_split_body(root, text, url=url, rules=rules)
        if joined != text:
            text = joined
            steps.append("split-body")
        candidates = jsonld_bodies(root)  # the one holding most of the text first
        candidates.sort(key=lambda candidate: coverage(candidate, text), reverse=True)
        for candidate in candidates:
            supplemented = supplement_from_jsonld(text, candidate, whole=too_little, rules=rules)
            if supplemented != text:
                text = supplemented
                steps.append("jsonld")
                break
    return Body(text=text, source="+".join(["trafilatura", *steps]))


def trafilatura_text(html: str | lxml_html.HtmlElement, *, url: str | None = None,
                     **options) -> str:
    """trafilatura's text in one mode (comments left out, tables in), normalised; '' if none."""
    try:
        text = trafilatura.extract(html, url=url, include_comments=False, **options)
    except (ValueError, TypeError):  # trafilatura raises these on unparsable input
        return ""
    return normalise_text(text or "")


def normalise_text(text: str) -> str:
    """Collapse runs of spaces and blank lines; keep one paragraph per line."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


def parse(html: str | lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The page as an lxml tree (a tree given is returned as is), or None; a page opening
    with an XML declaration is parsed as UTF-8 bytes (lxml refuses a str that declares an
    encoding)."""
    if isinstance(html, lxml_html.HtmlElement):
        return html
    for content in (html, html.encode("utf-8", "replace")):
        try:
            return lxml_html.document_fromstring(content)
        except ValueError:
            continue
        except etree.ParserError:
            return None
    return None


# rule 2 -----------------------------------------------------------------------------------


def choose_mode(main: str, fast: str, precise: str, *, rules: Rules = RULES) -> str:
    """``main`` unless the fast mode's text differs from it substantially and is closer to
    the precision-minded text."""
    if not fast or not main:
        return main or fast
    if contains(main, fast, rules.modes_agree) and contains(fast, main, rules.modes_agree):
        return main
    return fast if _similarity(fast, precise) > _similarity(main, precise) else main


def _similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' shingle multisets."""
    sa, sb = shingles(a), shingles(b)
    total = sum(sa.values()) + sum(sb.values())
    return 2 * sum((sa & sb).values()) / total if total else 0.0


def contains(container: str, text: str, share: float) -> bool:
    """Whether ``container`` holds at least ``share`` of ``text``'s shingles."""
    return coverage(container, text) >= share


def coverage(container: str, text: str) -> float:
    """The share of ``text``'s shingles found in ``container`` (1.0 for an empty text); a
    text too short for a shingle is found or not as a whole."""
    words = len(_WORDS.findall(text))
    if not words:
        return 1.0
    if words < SHINGLE_SIZE:
        return 1.0 if f" {_key(text)} " in f" {_key(container)} " else 0.0
    wanted = shingles(text)
    total = sum(wanted.values())
    return sum((wanted & shingles(container)).values()) / total if total else 1.0


# rules 3 and 4 -----------------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(_WORDS.findall(text)).lower()


def trim_edges(text: str, precise: str, *, rules: Rules = RULES) -> str:
    """Drop the lines before the first and after the last line that ``precise`` also has,
    stopping at a line of prose."""
    lines = text.split("\n")
    haystack = f" {_key(precise)} "
    kept = [i for i, line in enumerate(lines) if _key(line) and f" {_key(line)} " in haystack]
    if not kept:
        return text
    first, last = kept[0], kept[-1]
    first = next((i for i in range(first) if len(lines[i]) >= rules.long_line), first)
    last = next(
        (i for i in range(len(lines) - 1, last, -1) if len(lines[i]) >= rules.long_line), last
    )
    return "\n".join(lines[first : last + 1])


def drop_headline(text: str, title: str | None) -> str:
    """Drop a first line that repeats the title."""
    first, _, rest = text.partition("\n")
    if title and rest and _key(first) and _key(first) == _key(title):
        return rest
    return text


# rule 5 ------------------------------------------------------------------------------------


def join_split_body(
    root: lxml_html.HtmlElement, text: str, *, url: str, rules: Rules = RULES
) -> str:
    """Add the later parts of a body split into same-class sibling containers."""
    haystack = f" {_key(text)} "

    def found(element) -> bool:
        key = _key(element.text_content())
        return len(key) > 30 and f" {key} " in haystack

    kept = [p for p in root.iter("p") if found(p)]
    if not kept:
        return text
    container = Counter(p.getparent() for p in kept).most_common(1)[0][0]
    css = container.get("class")
    if not css:
        return text
    same = [e for e in root.iter(container.tag) if e.get("class") == css]
    if len(same) > rules.max_body_parts:
        return text
    position = same.index(container)
    additions = []
    for part in same[position + 1 :]:
        if container in part.iterancestors() or part in container.iterancestors():
            continue
        new = [
            p
            for p in part.iter("p")
            if len(" ".join(p.text_content().split())) >= rules.prose_paragraph and not found(p)
        ]
        if len(new) < rules.min_part_paragraphs:
            continue
        markup = lxml_html.tostring(part, encoding="unicode")
        fragment = f"<html><body><article>{markup}</article></body></html>"
        part_text = trafilatura_text(fragment, url=url, fast=True)
        if part_text and not contains(text, part_text, rules.covered):
            additions.append(part_text)
    if not additions:
        return text
    lines = text.split("\n")  # the additions go after the line of the part's last paragraph
    last_key = _key([p for p in kept if p.getparent() is container][-1].text_content())
    anchor = max(
        (i for i, line in enumerate(lines) if last_key in _key(line)), default=len(lines) - 1
    )
    return "\n".join([*lines[: anchor + 1], *additions, *lines[anchor + 1 :]])


# rule 6 ------------------------------------------------------------------------------------


def jsonld_bodies(root: lxml_html.HtmlElement) -> list[str]:
    """The ``articleBody`` texts of the page's JSON-LD, longest first; malformed blocks are
    skipped."""
    bodies = []
    for script in root.iter("script"):
        if not (script.get("type") or "").strip().lower().startswith("application/ld+json"):
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        for value in _article_bodies(data):
            text = jsonld_text(value)
            if text and text not in bodies:
                bodies.append(text)
    return sorted(bodies, key=len, reverse=True)


def _article_bodies(data) -> Iterator[str]:
    """Every ``articleBody`` value in a JSON-LD document (``@graph``, lists, nesting)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "articleBody":
                if isinstance(value, str):
                    yield value
                elif isinstance(value, list):
                    yield "\n".join(v for v in value if isinstance(v, str))
            else:
                yield from _article_bodies(value)
    elif isinstance(data, list):
        for item in data:
            yield from _article_bodies(item)


def jsonld_text(value: str) -> str:
    """An articleBody as text, one paragraph per line; HTML in it (escaped or not) is
    rendered, its figures, captions, embeds and scripts left out."""
    if _MARKUP.search(value):
        if "&lt;" in value:
            value = html_lib.unescape(value)
        try:
            fragment = lxml_html.fragment_fromstring(value, create_parent="div")
        except (ValueError, etree.ParserError):
            return normalise_text(html_lib.unescape(value))
        for element in fragment.xpath(" | ".join(f".//{tag}" for tag in _UNWANTED_IN_JSONLD)):
            element.drop_tree()
        for element in fragment.iter():
            if isinstance(element.tag, str) and element.tag in _BLOCKS:
                element.tail = "\n" + (element.tail or "")
                if element.tag == "br":
                    continue
                element.text = "\n" + (element.text or "")
        value = fragment.text_content()
    else:
        value = html_lib.unescape(value)
    return normalise_text(value)


def supplement_from_jsonld(
    text: str, body: str, *, whole: bool = False, rules: Rules = RULES
) -> str:
    """``text`` with the paragraphs of ``body`` that it lacks, each inserted after the line
    holding the paragraph before it, when ``body`` is complete (holds nearly all of ``text``)
    or ``whole`` is set (trafilatura found too little). When both hold the same words (all
    of ``text``, nearly all of ``body``), ``body`` itself if it has more paragraphs: text
    run together into one line becomes one paragraph per line again."""
    if not body or (not whole and not contains(body, text, rules.complete)):
        return text
    if (
        body.count("\n") > text.count("\n")
        and contains(body, text, rules.same_words)
        and contains(text, body, rules.complete)
    ):
        return body
    lines = text.split("\n") if text else []
    line_shingles = [shingles(line) for line in lines]
    text_shingles = shingles(text)
    inserts: dict[int, list[str]] = {}
    anchor = -1  # insert before the first line until a paragraph of body is found in text
    for paragraph in body.split("\n"):
        wanted = shingles(paragraph)
        total = sum(wanted.values())
        if not total:
            continue
        if sum((wanted & text_shingles).values()) / total >= rules.covered:
            anchor = max(anchor, _line_holding(line_shingles, wanted))
        elif whole or _SENTENCE_END.search(paragraph):  # prose, not a caption or a button
            inserts.setdefault(anchor, []).append(paragraph)
    if not inserts:
        return text
    result = list(inserts.get(-1, []))
    for i, line in enumerate(lines):
        result.append(line)
        result.extend(inserts.get(i, []))
    return "\n".join(result)


def _line_holding(line_shingles: list[Counter], wanted: Counter) -> int:
    """The index of the line sharing most shingles with a paragraph (the last, on ties)."""
    best, best_index = 0, -1
    for i, line in enumerate(line_shingles):
        shared = sum((wanted & line).values())
        if shared and shared >= best:
            best, best_index = shared, i
    return best_index
