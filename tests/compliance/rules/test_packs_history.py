"""The rule packs cover each regime's history from its first pack without a gap, with the
figures and dates their sources give (issue 16 point 6, the data part)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from compliance.domain.events import StakeAcquired
from compliance.domain.values import Instrument
from compliance.rules import engine, packs
from compliance.rules.base import Status
from tests.compliance.domain.helpers import T0
from tests.compliance.rules.helpers import deal, turnover

ERAS = ("era_before_guidance", "era_guidance_2021", "era_after_illumina_grail")


def in_force(regime: str) -> list[packs.RulePack]:
    return [p for p in packs.load()[regime] if not p.superseded_by]


@pytest.mark.parametrize("regime", sorted(packs.load()))
def test_the_packs_cover_every_date_from_the_first_pack_without_a_gap(regime: str) -> None:
    versions = in_force(regime)
    assert versions, f"{regime}: every version is superseded"
    for earlier, later in itertools.pairwise(versions):
        assert earlier.effective_from < later.effective_from
        assert earlier.effective_to is None or earlier.effective_to >= later.effective_from, (
            f"{regime}: nothing in force from {earlier.effective_to} to {later.effective_from}"
        )
    # Every boundary day and the day before it has a pack, and it is the one that starts then.
    for pack in versions[1:]:
        assert packs.pack_for(regime, pack.effective_from) == pack
        assert packs.pack_for(regime, pack.effective_from - timedelta(days=1)) is not None


@pytest.mark.parametrize("regime", sorted(packs.load()))
def test_a_superseded_version_stays_loadable_and_its_period_is_covered(regime: str) -> None:
    versions = {p.version: p for p in packs.load()[regime]}
    for pack in versions.values():
        if not pack.superseded_by:
            continue
        assert packs.pack_for(regime, pack.effective_from, version=pack.version) == pack
        assert packs.pack_for(regime, pack.effective_from) != pack
        assert packs.pack_for(regime, pack.effective_from) is not None
        for other in pack.superseded_by:
            assert not versions[other].superseded_by


def write(folder: Path, version: str, start: str, extra: str = "") -> None:
    (folder / "x").mkdir(exist_ok=True)
    (folder / "x" / f"{version}.toml").write_text(
        f'regime = "x"\nversion = "{version}"\ntitle = "t"\nlegal_act = "a"\n'
        f"effective_from = {start}\n{extra}"
    )


def test_a_superseded_version_may_share_its_start_and_must_name_known_versions(
    tmp_path: Path,
) -> None:
    write(tmp_path, "1", "2020-01-01", 'superseded_by = ["2"]\n')
    write(tmp_path, "2", "2020-01-01")
    assert packs.check(tmp_path) == []
    write(tmp_path, "1", "2020-01-01", 'superseded_by = ["9"]\n')
    assert [e.message for e in packs.check(tmp_path)] == ["version 1: no version 9 supersedes it"]


# EUMR: Regulation 139/2004 from 2004-05-01, so a 2016 deal is decided, not outside coverage.
def test_a_2016_deal_with_an_eu_dimension_and_sole_control_is_notifiable_under_the_eumr() -> None:
    on = date(2016, 6, 1)
    big = (turnover("20000", "5000", {"DE": "1000", "FR": "1000"}, year=2015),)
    control = StakeAcquired(
        occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal("60")
    )
    found = {
        f.regime: f for f in engine.evaluate(deal(control, investor=big, target=big, as_of=on))
    }
    assert (found["eumr"].status, found["eumr"].pack_id) == (Status.NOTIFIABLE, "eumr@1")
    assert found["eumr"].status != Status.OUTSIDE_COVERAGE


def test_the_eumr_pack_starts_when_regulation_139_2004_applies() -> None:
    first = in_force("eumr")[0]
    assert first.effective_from == date(2004, 5, 1)
    assert first.milestones["regulation_139_2004_applies"].on == date(2004, 5, 1)
    law = packs.law_start("eumr")
    assert law is not None and law.applies_from == date(1990, 9, 21)  # Regulation 4064/89


# EUMR Art 22: three eras, marked as data (one era_* provision per pack).
@pytest.mark.parametrize(
    ("on", "era"),
    [
        (date(2004, 5, 1), "era_before_guidance"),
        (date(2021, 3, 25), "era_before_guidance"),
        (date(2021, 3, 26), "era_guidance_2021"),
        (date(2024, 9, 2), "era_guidance_2021"),
        (date(2024, 9, 3), "era_after_illumina_grail"),
    ],
)
def test_the_art_22_era_is_in_the_pack_in_force(on: date, era: str) -> None:
    pack = packs.pack_for("eumr_art22", on)
    assert pack is not None
    assert [k for k in pack.provisions if k in ERAS or k.startswith("era_")] == [era]
    assert pack.provisions[era].citation and pack.provisions[era].sources


def test_every_art_22_pack_carries_the_keys_the_rule_reads() -> None:
    for pack in packs.load()["eumr_art22"]:
        assert {"art_22_1", "standstill", "guidance_2021", "illumina_grail"} <= set(pack.provisions)
        assert "illumina_grail" in pack.milestones and "call_in_states" in pack.listings


# UK: the Enterprise Act 2002 from 2003-06-20, the 2018 and 2020 lower thresholds as separate
# keys, and the EUMR one-stop shop until the end of the transition period.
def test_the_uk_packs_follow_the_enterprise_act_2002_as_amended() -> None:
    first = in_force("uk_cma")[0]
    assert first.effective_from == date(2003, 6, 20)
    assert first.thresholds["target_uk_turnover"].value == Decimal(70_000_000)
    assert first.thresholds["share_of_supply"].value == Decimal(25)
    for on, sectors in (
        (date(2018, 6, 11), "quantum"),
        (date(2020, 7, 21), "artificial intelligence"),
    ):
        pack = packs.pack_for("uk_cma", on)
        assert pack is not None and pack.effective_from == on
        assert pack.thresholds["relevant_enterprise_target_uk_turnover"].value == Decimal(1_000_000)
        assert pack.thresholds["target_uk_turnover"].value == Decimal(70_000_000)  # unchanged
        assert sectors in pack.provisions["relevant_enterprises"].text
    assert "relevant_enterprise_target_uk_turnover" not in first.thresholds


@pytest.mark.parametrize(
    ("on", "inside"),
    [(date(2003, 6, 20), True), (date(2020, 12, 31), True), (date(2021, 1, 1), False)],
)
def test_the_uk_was_inside_the_eumr_one_stop_shop_until_2020_12_31(on: date, inside: bool) -> None:
    pack = packs.pack_for("uk_cma", on)
    assert pack is not None
    provision = pack.provisions["eumr_one_stop_shop"]
    assert "23:00 GMT" in provision.text and provision.sources
    assert provision.text.startswith("The UK was inside") is inside


# US HSR: the thresholds published each year, from the day each took effect.
@pytest.mark.parametrize(
    ("on", "size_of_transaction", "smaller", "larger", "disregarded_above"),
    [
        (date(2005, 3, 1), "50", "10", "100", "200"),  # the 2000 amendments' figures
        (date(2005, 3, 2), "53.1", "10.7", "106.2", "212.3"),  # 70 FR 5020
        (date(2008, 2, 27), "59.8", "12.0", "119.6", "239.2"),
        (date(2008, 2, 28), "63.1", "12.6", "126.2", "252.3"),
        (date(2010, 2, 22), "63.4", "12.7", "126.9", "253.7"),  # the first decrease
        (date(2019, 4, 2), "84.4", "16.9", "168.8", "337.6"),  # 2019 notice delayed
        (date(2019, 4, 3), "90.0", "18.0", "180.0", "359.9"),
        (date(2024, 3, 5), "111.4", "22.3", "222.7", "445.5"),
        (date(2024, 3, 6), "119.5", "23.9", "239.0", "478.0"),
    ],
)
def test_the_hsr_thresholds_of_the_year(
    on: date, size_of_transaction: str, smaller: str, larger: str, disregarded_above: str
) -> None:
    pack = packs.pack_for("us_hsr", on)
    assert pack is not None
    t = pack.thresholds
    million = Decimal(1_000_000)
    assert t["size_of_transaction"].value == Decimal(size_of_transaction) * million
    assert t["size_of_person_smaller"].value == Decimal(smaller) * million
    assert t["size_of_person_larger"].value == Decimal(larger) * million
    assert t["size_of_person_disregarded_above"].value == Decimal(disregarded_above) * million
    assert all(th.sources and str(pack.effective_from) in th.citation for th in t.values())


def test_every_hsr_year_from_2005_has_its_own_pack() -> None:
    starts = [p.effective_from for p in in_force("us_hsr")]
    assert sorted({d.year for d in starts if d.year >= 2005}) == list(range(2005, 2027))
    assert len([d for d in starts if d.year >= 2005]) == len(range(2005, 2027))


def test_the_german_10th_amendment_applies_from_2021_01_19() -> None:
    before = packs.pack_for("de_gwb_35_1a", date(2021, 1, 18))
    assert before is not None
    assert before.thresholds["first_domestic_turnover"].value == Decimal(25_000_000)
    pack = packs.pack_for("de_gwb_35_1a", date(2021, 1, 19))
    assert pack is not None and pack.effective_from == date(2021, 1, 19)
    assert pack.thresholds["first_domestic_turnover"].value == Decimal(50_000_000)


def test_the_austrian_value_test_applies_from_2017_11_01() -> None:
    law = packs.law_start("at_kartg_9_4")
    assert law is not None and law.applies_from == date(2017, 11, 1)
    assert in_force("at_kartg_9_4")[0].effective_from == date(2017, 11, 1)
