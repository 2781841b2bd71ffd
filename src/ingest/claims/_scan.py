"""Speed helpers: exact, faster equivalents of ``pattern.finditer`` for sparse patterns.

Scanning a sentence with a large case-insensitive alternation tries the whole pattern at every
position.  Most of the engine's patterns can only match around a few cheap-to-find *anchors*
(a digit, a number word, a month name...), so the helpers below find the anchors first and run
the expensive pattern only where a match can start.  They yield exactly the matches of
``pattern.finditer(text)``; each caller documents why its anchors are complete.  None of the
patterns used with them can match the empty string.

Anchor patterns are written in lower case and searched case-sensitively in the lower-cased text
(much faster than a case-insensitive search) whenever that is equivalent, see
:class:`Folded`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# The only characters for which a case-insensitive match against lower-case ASCII literals
# differs from a case-sensitive match in ``str.lower()`` ("İ" lowers to two characters, "ı"
# and "ſ" match "i" and "s" under re.IGNORECASE); checked over all of Unicode, including
# \w, \d and \s of every character and its lower case.
_UNSAFE_FOLD_RE = re.compile("[\u0130\u0131\u017f]")


def folded(text: str) -> str | None:
    """``text.lower()`` when it has the same offsets and case-insensitive semantics."""
    if _UNSAFE_FOLD_RE.search(text):
        return None
    return text.lower()


class Folded:
    """A case-insensitive pattern, also compiled case-sensitively for lower-cased text.

    The pattern must be written in lower case (letters only in lower-case literals, escapes
    such as ``\\s``, group names and ``A-Za-z`` classes): then matching it case-sensitively in
    :func:`folded` text finds the same spans as matching it case-insensitively in the text, and
    is much faster.  Groups of such matches hold lower-cased text: use their offsets, or only
    their lower-cased value.
    """

    def __init__(self, pattern: str) -> None:
        letters = re.sub(r"\\.|\(\?P[<=]\w+>?|A-Za-z", "", pattern)
        if any(c.isupper() for c in letters):
            raise ValueError(f"pattern not in lower case: {pattern[:60]}")
        self.exact = re.compile(pattern)
        self.ignorecase = re.compile(pattern, re.IGNORECASE)

    def scanner(self, text: str, lowered: str | None) -> tuple[re.Pattern, str]:
        """(pattern, subject) to match; ``lowered`` = :func:`folded` of ``text``."""
        if lowered is None:
            return self.ignorecase, text
        return self.exact, lowered


def finditer_at_anchors(pattern: re.Pattern, text: str, anchor: re.Pattern,
                        subject: str) -> Iterator[re.Match]:
    """``pattern.finditer(text)`` for a pattern whose matches all start where ``anchor`` matches.

    ``subject`` is ``text`` or its :func:`folded` form (same offsets); ``anchor`` matches must
    not overlap a possible start of ``pattern`` other than their own start.
    """
    pos = 0
    for a in anchor.finditer(subject):
        start = a.start()
        if start < pos:
            continue
        m = pattern.match(text, start)
        if m is not None:
            yield m
            pos = m.end()


def back_re(runs: int) -> re.Pattern:
    """Pattern for :func:`finditer_near`: at most ``runs`` separator runs ([\\s-]+) back."""
    return re.compile(rf"(?:[^\s-]*[\s-]+){{0,{runs}}}[^\s-]*")


def finditer_near(pattern: re.Pattern, text: str, anchor: re.Pattern, subject: str,
                  back: re.Pattern, starts: re.Pattern | None = None) -> Iterator[re.Match]:
    """``pattern.finditer(text)`` for a pattern whose matches all contain an anchor.

    Every match of ``pattern`` must contain a match of ``anchor`` (searched in ``subject``,
    which is ``text`` or its :func:`folded` form), with at most N runs of whitespace/hyphens
    between the start of the match and that anchor, ``back`` = :func:`back_re` (N).  Then no
    match starts before the earliest such position for the first anchor after the previous
    match, and searching from there finds exactly the next match of ``finditer``.

    ``starts``, if given, is a zero-width pattern matching (at least) wherever ``pattern`` can
    start; only those positions up to the anchor are then tried, instead of searching on past
    an anchor that is in no match.
    """
    pos = 0
    size = len(text)
    reverse = None
    while (a := anchor.search(subject, pos)) is not None:
        if reverse is None:
            reverse = text[::-1]
        at = a.start()
        lowest = max(pos, size - back.match(reverse, size - at).end())
        if starts is None:
            m = pattern.search(text, lowest)
            if m is None:
                return
        else:
            m = None
            for s in starts.finditer(text, lowest, at + 1):
                m = pattern.match(text, s.start())
                if m is not None:
                    break
            if m is None:
                pos = at + 1
                continue
        yield m
        pos = m.end()
