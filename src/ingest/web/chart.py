"""An event's figures over time as SVG geometry, computed here and drawn by a template.

Pure: claims in, shapes out. x is the publication date (the fetch date when unknown), y the
figure; an interval is a vertical bar from ``low`` to ``high`` (an arrow when unbounded), a
stated value a dot. One colour per outlet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#7f7f7f", "#bcbd22")
WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 20, 40


@dataclass(frozen=True, slots=True)
class Point:
    day: date
    low: float | None
    high: float | None
    value: float | None
    source: str
    label: str  # tooltip text
    href: str


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    y_low: float
    y_high: float
    y_dot: float | None
    open_up: bool
    open_down: bool
    color: str
    label: str
    href: str


@dataclass(frozen=True, slots=True)
class Tick:
    pos: float
    text: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    right: int  # x of the right edge of the plot
    top: int
    bottom: int  # y of the x axis
    marks: list[Mark]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    legend: list[tuple[str, str]]  # (source, colour)


def _nice_step(span: float) -> float:
    raw = span / 5 or 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def build(points: list[Point]) -> Chart:
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    sources = list(dict.fromkeys(p.source for p in points))
    colors = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sources)}
    finite = [v for p in points for v in (p.low, p.high, p.value) if v is not None]
    top_value = max(finite, default=1) or 1
    step = _nice_step(top_value * 1.1)
    y_max = step * math.ceil(top_value * 1.1 / step)

    def y(value: float) -> float:
        return bottom - (bottom - TOP) * value / y_max

    days = sorted({p.day for p in points})
    first, last = (days[0], days[-1]) if days else (date.today(), date.today())
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        if first == last:
            return (LEFT + right) / 2
        return LEFT + 20 + (right - LEFT - 40) * (day - first).days / span

    marks, seen = [], {}
    for p in points:
        lane = seen.get(p.day, 0)  # spread claims of one day side by side
        seen[p.day] = lane + 1
        low = p.low if p.low is not None else 0.0
        high = p.high if p.high is not None else y_max
        offset = ((lane + 1) // 2) * 8 * (1 if lane % 2 else -1)
        marks.append(Mark(
            x=round(x(p.day) + offset, 1),
            y_low=round(y(max(low, 0)), 1), y_high=round(y(min(high, y_max)), 1),
            y_dot=round(y(p.value), 1) if p.value is not None else None,
            open_up=p.high is None, open_down=p.low is None,
            color=colors[p.source], label=p.label, href=p.href,
        ))
    y_ticks = [Tick(round(y(v), 1), f"{v:g}")
               for v in (step * i for i in range(int(y_max / step) + 1))]
    x_days = days if len(days) <= 8 else days[:: math.ceil(len(days) / 8)]
    x_ticks = [Tick(round(x(d), 1), d.isoformat()) for d in x_days]
    return Chart(WIDTH, HEIGHT, LEFT, right, TOP, bottom, marks, y_ticks, x_ticks,
                 [(s, colors[s]) for s in sources])
