"""The heat map: one drawing up to a page's worth of investments, then one per page."""

from __future__ import annotations

from types import SimpleNamespace

from compliance.reports.content import present
from compliance.reports.heatmap import (
    COLOURS,
    FIRST_MAP_ROWS,
    NONE_COLOUR,
    ROWS_PER_MAP,
    heatmap_svg,
)
from compliance.rules.base import Status


def rows(count: int) -> list[dict[str, object]]:
    finding = SimpleNamespace(status="notifiable", score=75)
    return [{"title": f"Deal {i}", "cells": {"eumr": finding}} for i in range(count)]


def test_a_small_portfolio_is_one_map_with_its_legend() -> None:
    for count in (0, 1, FIRST_MAP_ROWS):
        svg = heatmap_svg(["eumr"], rows(count))
        assert svg.count("<svg ") == 1 and svg.count("not_notifiable") == 1


def test_a_large_portfolio_is_split_so_that_no_row_is_lost_in_the_pdf() -> None:
    count = FIRST_MAP_ROWS + ROWS_PER_MAP + 1
    svg = heatmap_svg(["eumr"], rows(count))
    maps = svg.split("\n")
    assert len(maps) == 3 and all(m.startswith("<svg ") for m in maps)
    assert [m.count("<rect ") for m in maps] == [
        FIRST_MAP_ROWS,
        ROWS_PER_MAP,
        1 + len(COLOURS),
    ]  # + legend (every status, and settled cases)
    assert all(m.count(">eumr</text>") == 1 for m in maps)  # the header on every map
    assert "not_notifiable" in maps[-1] and "not_notifiable" not in maps[0]  # the legend last
    assert all(f">Deal {i}</text>" in svg for i in range(count))


def test_outside_coverage_has_its_own_colour_and_legend_entry_and_is_never_nothing_to_do() -> None:
    assert set(COLOURS) == {*Status, "settled"}
    quiet = {COLOURS[Status.NOT_NOTIFIABLE], COLOURS[Status.NOT_APPLICABLE], NONE_COLOUR}
    assert COLOURS[Status.OUTSIDE_COVERAGE] not in quiet
    assert len({fill for fill, _ in COLOURS.values()}) == len(COLOURS)
    svg = heatmap_svg(["eumr"], rows(1))
    assert ">outside_coverage</text>" in svg and ">not_applicable</text>" in svg
    assert present(Status.OUTSIDE_COVERAGE) and present(Status.INSUFFICIENT_DATA)
    assert not present(Status.NOT_NOTIFIABLE) and not present(Status.NOT_APPLICABLE)
    assert not present(Status.NOT_ELIGIBLE) and not present(Status.NOT_REVIEWABLE)
    assert not present("not_triggered")  # the single "no" of rows stored before


def test_a_cleared_notifiable_deal_is_not_a_red_cell() -> None:
    """Issue 16 point 2: jurisdiction and procedure both show; a settled case is green."""
    cleared = SimpleNamespace(status=Status.NOTIFIABLE, score=5, procedure="cleared")
    pending = SimpleNamespace(status=Status.NOTIFIABLE, score=95, procedure="")
    svg = heatmap_svg(["eumr"], [{"title": "A", "cells": {"eumr": cleared}},
                                 {"title": "B", "cells": {"eumr": pending}}])  # fmt: skip
    assert f'fill="{COLOURS["settled"][0]}"' in svg
    assert "eumr: notifiable, cleared (5)" in svg
    assert svg.count(f'fill="{COLOURS[Status.NOTIFIABLE][0]}"') == 2  # B's cell and the legend
