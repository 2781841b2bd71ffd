"""Word diff of two article versions, with changed figures singled out. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\s+|[^\s]+")
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty "
    "fifty sixty seventy eighty ninety hundred hundreds thousand thousands million "
    "millions dozen dozens score scores".split()
)


@dataclass(frozen=True, slots=True)
class Piece:
    op: str  # equal | delete | insert
    text: str
    figure: bool  # a changed piece that holds a number


def has_figure(text: str) -> bool:
    return any(ch.isdigit() for ch in text) or any(
        word.strip(".,;:()").lower() in _NUMBER_WORDS for word in text.split()
    )


def diff(old: str, new: str) -> list[Piece]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("equal", "".join(a[i1:i2]), False))
            continue
        if op in ("delete", "replace"):
            text = "".join(a[i1:i2])
            pieces.append(Piece("delete", text, has_figure(text)))
        if op in ("insert", "replace"):
            text = "".join(b[j1:j2])
            pieces.append(Piece("insert", text, has_figure(text)))
    return pieces


def changed_figures(pieces: list[Piece]) -> list[tuple[str, str]]:
    """(old, new) for each change that touches a number, in text order."""
    changes, pending = [], None
    for piece in pieces:
        if piece.op == "delete" and piece.figure:
            pending = piece.text.strip()
        elif piece.op == "insert" and piece.figure:
            changes.append((pending or "", piece.text.strip()))
            pending = None
        elif piece.op == "equal" and pending is not None:
            changes.append((pending, ""))
            pending = None
    if pending is not None:
        changes.append((pending, ""))
    return changes
