"""export_proof --report: a report's pinned position and chain hash, its files' SHA-256 and
its matter's investment streams, verified offline."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from compliance.reports import services
from events import signatures
from events import verify as verifier
from tests.compliance.reports.conftest import World
from tests.events.checkpointing import configure, new_key, public

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_report_bundle_proves_its_pins_files_and_streams(
    world: World, settings: Any, tmp_path: Path
) -> None:
    key = new_key()
    configure(settings, key, tmp_path / "checkpoints")
    report = services.report_request(
        matter_code="A-1", as_of=date(2024, 5, 1), known_at=datetime(2100, 1, 1, tzinfo=UTC)
    )
    report = services.report_build(report_id=report.pk)
    out = tmp_path / "bundle.json"
    call_command("export_proof", "--report", str(report.pk), "--out", str(out), stderr=StringIO())
    bundle = json.loads(out.read_text())
    pdf = services.report_file(report, "pdf")
    assert pdf is not None
    summary = verifier.check_bundle(bundle, {signatures.key_id(public(key))}, files=[pdf[1]])
    assert summary["anchors"] == [report.position]
    assert bundle["subject"]["chain_hash"] == report.chain_hash
    assert set(summary["streams"]) == {world.a.investment}
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(pdf[1].read_bytes() + b"%")
    with pytest.raises(verifier.Invalid, match="SHA-256"):
        verifier.check_bundle(bundle, {signatures.key_id(public(key))}, files=[forged])


def test_an_unknown_report_is_refused(settings: Any, tmp_path: Path) -> None:
    configure(settings, new_key(), tmp_path / "checkpoints")
    with pytest.raises(CommandError, match="No report"):
        call_command("export_proof", "--report", "999999", stdout=StringIO())
