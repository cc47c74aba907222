"""What a proof bundle of a report proves (``export_proof --report ID``): the report's pinned
position and chain hash are a link of the signed log, and its files' SHA-256. For a matter's
report it also carries the events of the matter's investment streams up to that position.
Registered in ``EVENTS_PROOF_SUBJECTS``; the event store knows nothing of reports."""

from __future__ import annotations

from events.hashing import format_time
from events.proofs import ProofError, Subject


def report_subject(identifier: str) -> Subject:
    from compliance.models import Report

    report = Report.objects.filter(pk=int(identifier) if identifier.isdigit() else -1).first()
    if report is None:
        raise ProofError(f"No report {identifier!r}.")
    if report.position is None or report.status != Report.Status.DONE:
        raise ProofError(f"Report {report.pk} has not been built.")
    description = {
        "kind": "report",
        "report": report.pk,
        "position": report.position,
        "chain_hash": report.chain_hash,
        "as_of": report.as_of.isoformat(),
        "known_at": format_time(report.known_at),
        "matter": report.matter_code,
        "pack_versions": dict(report.pack_versions),
        "files": [
            {"format": f.format, "sha256": f.sha256, "size": f.size}
            for f in report.files.order_by("format")
        ],
    }
    streams = sorted(report.investment_ids) if report.matter_code else []
    return Subject(description, stream_ids=streams, anchors=[report.position])
