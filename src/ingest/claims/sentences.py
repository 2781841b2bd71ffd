"""Paragraph and sentence splitting.

Paragraphs are the non-empty lines of the text.  Sentences end at ``.``, ``!`` or ``?``
(optionally followed by closing quotes/brackets) followed by whitespace and an upper-case
letter, a digit or an opening quote.  A period does not end a sentence after a known
abbreviation ("No.", "Gen.", "Jan.") or an initial / dotted acronym ("U.S.", "J.").
Offsets are kept so claims can point back into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset(
    "no nos nr mr mrs ms dr gen lt col maj capt sgt cpl st mt ft sen rep gov pres prof rev "
    "jan feb mar apr jun jul aug sep sept oct nov dec vs etc approx est inc corp co ltd jr sr "
    "dept univ fig vol art para".split()
)

_BOUNDARY_RE = re.compile(r"[.!?][\"”’»)\]]*\s+(?=[\"“‘«(\[]?[A-Z0-9])")
_WORD_BEFORE_RE = re.compile(r"([\w.]+)$")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    paragraph: int  # index of the paragraph (0-based)
    index: int  # index of the sentence in the whole text (0-based)
    start: int  # offset of the sentence in its paragraph


def _ends_sentence(paragraph: str, dot: int) -> bool:
    if paragraph[dot] != ".":
        return True
    m = _WORD_BEFORE_RE.search(paragraph, max(0, dot - 40), dot)
    if not m:
        return True
    word = m.group(1)
    if "." in word:  # "U.S", "a.m"
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():  # an initial
        return False
    return word.lower() not in ABBREVIATIONS


def split_paragraph(paragraph: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs of one paragraph."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in _BOUNDARY_RE.finditer(paragraph):
        if not _ends_sentence(paragraph, m.start()):
            continue
        end = m.end()
        text = paragraph[start:end].strip()
        if text:
            out.append((start, text))
        start = end
    rest = paragraph[start:].strip()
    if rest:
        out.append((start, rest))
    return out


def split_text(text: str) -> list[Sentence]:
    """All sentences of ``text``; paragraphs are separated by newlines."""
    sentences: list[Sentence] = []
    paragraph_index = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        for offset, sentence in split_paragraph(line):
            sentences.append(Sentence(sentence, paragraph_index, len(sentences), offset))
        paragraph_index += 1
    return sentences
