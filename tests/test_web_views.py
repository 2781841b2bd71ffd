"""The pure pieces of the pages: the event chart's geometry and the version diff."""

from datetime import date

from ingest.web import chart, textdiff


def point(day, low, high, value, source):
    return chart.Point(date(2023, 1, day), low, high, value, source, "label", "/a")


def test_chart_scales_and_colours():
    drawn = chart.build([point(2, 63, 63, 63, "rt"), point(8, 400, None, 400, "efe"),
                         point(8, 89, 89, 89, "efe")])
    assert [s for s, _ in drawn.legend] == ["rt", "efe"]
    rt, at_least, eighty_nine = drawn.marks
    assert rt.color != at_least.color and at_least.color == eighty_nine.color
    assert at_least.open_up and not rt.open_up
    assert at_least.y_high == drawn.top  # unbounded: up to the top of the plot
    assert drawn.top <= at_least.y_dot < rt.y_dot <= drawn.bottom  # 400 above 63
    assert rt.x < at_least.x and at_least.x != eighty_nine.x  # same day, side by side
    assert drawn.y_ticks[0].text == "0" and float(drawn.y_ticks[-1].text) >= 400
    assert [t.text for t in drawn.x_ticks] == ["2023-01-02", "2023-01-08"]


def test_chart_of_one_day_and_open_low():
    drawn = chart.build([point(2, None, 10, None, "rt")])
    (mark,) = drawn.marks
    assert mark.open_down and mark.y_dot is None and mark.y_low == drawn.bottom
    assert drawn.left < mark.x < drawn.right


def test_diff_marks_changed_figures():
    pieces = textdiff.diff("The strike killed 63 servicemen, Moscow said.",
                           "The strike killed 89 servicemen, Moscow said on Wednesday.")
    changed = [(p.op, p.text, p.figure) for p in pieces if p.op != "equal"]
    assert ("delete", "63", True) in changed and ("insert", "89", True) in changed
    assert any(op == "insert" and not fig for op, _, fig in changed)
    assert textdiff.changed_figures(pieces) == [("63", "89")]
    assert textdiff.changed_figures(textdiff.diff("dozens died", "hundreds died")) == [
        ("dozens", "hundreds")]
    assert textdiff.diff("same", "same") == [textdiff.Piece("equal", "same", False)]
