"""Rule packs load, validate, and pick the version in force on a date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from compliance.rules import packs


def test_the_shipped_packs_are_valid() -> None:
    assert packs.check() == []
    loaded = packs.load()
    assert {"eumr", "dma_art14"} <= set(loaded)
    for versions in loaded.values():
        for pack in versions:
            for threshold in pack.thresholds.values():
                assert threshold.sources and threshold.citation


def write(folder: Path, regime: str, version: str, body: str) -> None:
    (folder / regime).mkdir(exist_ok=True)
    (folder / regime / f"{version}.toml").write_text(body)


def test_a_bad_pack_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "x", "1", 'regime = "x"\nversion = "1"\n')  # no title, dates, ...
    write(tmp_path, "y", "1", "this is not toml = = =")
    errors = packs.check(tmp_path)
    assert {Path(e.path).parent.name for e in errors} == {"x", "y"}


def test_a_threshold_without_a_source_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path, "z", "1",
        'regime = "z"\nversion = "1"\ntitle = "t"\nlegal_act = "a"\n'
        "effective_from = 2020-01-01\n[thresholds.t]\nvalue = \"1\"\nunit = \"EUR\"\n"
        'operator = ">"\ncitation = "c"\nsources = []\n',
    )  # fmt: skip
    assert packs.check(tmp_path)


def test_the_version_in_force_on_a_date() -> None:
    assert packs.pack_for("eumr", date(2024, 1, 1)) is not None
    assert packs.pack_for("eumr", date(2004, 5, 1)) is not None  # Regulation 139/2004
    assert packs.pack_for("eumr", date(2004, 4, 30)) is None
    assert packs.pack_for("eumr", date(2024, 1, 1), version="1") is not None
    assert packs.pack_for("eumr", date(2024, 1, 1), version="99") is None


def test_a_bad_pack_fails_the_start_up_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compliance import checks

    write(tmp_path, "x", "1", 'regime = "x"\n')
    monkeypatch.setattr(packs, "PACKS", tmp_path)
    errors = checks.check_rule_packs()
    assert [e.id for e in errors] == ["compliance.E001"]


PACK = 'regime = "{r}"\nversion = "1"\ntitle = "t"\nlegal_act = "a"\neffective_from = {on}\n'
LAW = 'applies_from = {on}\ncitation = "c"\nsources = ["https://example.org/law"]\n'


def test_the_shipped_law_starts_are_sourced() -> None:
    assert set(packs.laws()) == {
        "at_kartg_9_4", "de_gwb_35_1a", "dma_art14", "eumr", "fdi_screening", "fsr_art20",
        "it_call_in",
    }  # fmt: skip
    for law in packs.laws().values():
        assert law.citation and law.sources


def test_a_law_start_without_a_source_or_without_packs_is_refused(tmp_path: Path) -> None:
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "law.toml").write_text(LAW.format(on="2021-01-01"))
    write(tmp_path, "z", "1", PACK.format(r="z", on="2020-01-01"))
    (tmp_path / "z" / "law.toml").write_text('applies_from = 2019-01-01\ncitation = "c"\n')
    errors = packs.check(tmp_path)
    assert sorted(Path(e.path).name for e in errors) == ["law.toml", "y"]
    (tmp_path / "z" / "law.toml").write_text(LAW.format(on="2019-01-01"))
    (tmp_path / "y" / "law.toml").unlink()
    assert packs.check(tmp_path) == []
    assert packs.laws(tmp_path)["z"].applies_from == date(2019, 1, 1)
