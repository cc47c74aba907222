"""The heat map: one drawing up to a page's worth of investments, then one per page."""

from __future__ import annotations

from types import SimpleNamespace

from compliance.reports.heatmap import ROWS_PER_MAP, heatmap_svg


def rows(count: int) -> list[dict[str, object]]:
    finding = SimpleNamespace(status="notifiable", score=75)
    return [{"title": f"Deal {i}", "cells": {"eumr": finding}} for i in range(count)]


def test_a_small_portfolio_is_one_map_with_its_legend() -> None:
    svg = heatmap_svg(["eumr"], rows(ROWS_PER_MAP))
    assert svg.count("<svg ") == 1 and svg.count("not_triggered") == 1


def test_a_large_portfolio_is_split_so_that_no_row_is_lost_in_the_pdf() -> None:
    svg = heatmap_svg(["eumr"], rows(2 * ROWS_PER_MAP + 1))
    maps = svg.split("\n")
    assert len(maps) == 3 and all(m.startswith("<svg ") for m in maps)
    assert all(m.count(">eumr</text>") == 1 for m in maps)  # the header on every map
    assert "not_triggered" in maps[-1] and "not_triggered" not in maps[0]  # the legend last
    assert all(f">Deal {i}</text>" in svg for i in range(2 * ROWS_PER_MAP + 1))
