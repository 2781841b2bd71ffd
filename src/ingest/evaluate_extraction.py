"""The article-extraction benchmark's metric (Zyte, scrapinghub/article-extraction-benchmark).

Pure: expected text + extracted text -> one page's score; pages -> the averages.

- Tokens are the runs of ``\\w+`` (case kept); a page's text becomes the multiset of its
  4-token shingles (consecutive tokens; a text of 1-3 tokens is one shorter shingle, an empty
  text none).
- Per page, TP/FP/FN are counted over those shingles (TP = shingles in both, with
  multiplicity) and divided by their sum, so that a long page weighs no more than a short one.
- Precision is averaged over the pages where something was extracted (TP + FP > 0), recall
  over the pages whose expected text is not empty (TP + FN > 0); F1 is taken from those two
  averages, not averaged per page.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


@dataclass(frozen=True, slots=True)
class PageScore:
    """One page's TP/FP/FN shares (summing to 1, or all 0 when both texts are empty)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    pages: int


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The multiset of ``size``-token shingles of ``text``."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def score_page(expected: str, extracted: str | None) -> PageScore:
    """TP/FP/FN of one page's extracted text against its expected text, normalised."""
    true, pred = shingles(expected), shingles(extracted or "")
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if not total:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


def aggregate(pages: Iterable[PageScore]) -> Scores:
    """Precision and recall averaged over pages, F1 from the two averages."""
    pages = list(pages)
    precisions = [p.precision for p in pages if p.tp + p.fp > 0]
    recalls = [p.recall for p in pages if p.tp + p.fn > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision=precision, recall=recall, f1=f1, pages=len(pages))
