"""The heat map: one drawing up to a page's worth of investments, then one per page."""

from __future__ import annotations

from types import SimpleNamespace

from compliance.reports.heatmap import FIRST_MAP_ROWS, ROWS_PER_MAP, heatmap_svg


def rows(count: int) -> list[dict[str, object]]:
    finding = SimpleNamespace(status="notifiable", score=75)
    return [{"title": f"Deal {i}", "cells": {"eumr": finding}} for i in range(count)]


def test_a_small_portfolio_is_one_map_with_its_legend() -> None:
    for count in (0, 1, FIRST_MAP_ROWS):
        svg = heatmap_svg(["eumr"], rows(count))
        assert svg.count("<svg ") == 1 and svg.count("not_triggered") == 1


def test_a_large_portfolio_is_split_so_that_no_row_is_lost_in_the_pdf() -> None:
    count = FIRST_MAP_ROWS + ROWS_PER_MAP + 1
    svg = heatmap_svg(["eumr"], rows(count))
    maps = svg.split("\n")
    assert len(maps) == 3 and all(m.startswith("<svg ") for m in maps)
    assert [m.count("<rect ") for m in maps] == [FIRST_MAP_ROWS, ROWS_PER_MAP, 1 + 7]  # + legend
    assert all(m.count(">eumr</text>") == 1 for m in maps)  # the header on every map
    assert "not_triggered" in maps[-1] and "not_triggered" not in maps[0]  # the legend last
    assert all(f">Deal {i}</text>" in svg for i in range(count))
