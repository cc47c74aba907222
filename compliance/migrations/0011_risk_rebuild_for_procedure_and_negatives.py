"""The rules now state the procedure of each regime's case and answer "no" per kind of question
(not_notifiable, not_eligible, not_reviewable, where one not_triggered stood): the risk read
model is emptied and its checkpoint set back, so that the projection rebuilds it from the log
on its next catch-up. Nothing is lost: the log is the source of truth."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def rebuild_from_the_log(apps: Any, schema_editor: Any) -> None:
    for model in ("RiskFinding", "RiskDeal", "RiskLink"):
        apps.get_model("compliance", model).objects.all().delete()
    checkpoint = apps.get_model("events", "ProjectionCheckpoint")
    checkpoint.objects.filter(name="risk").update(
        position=0, failed_position=None, failed_event_id=None, error=""
    )


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0010_risk_finding_procedure"),
        ("events", "0005_database_time_and_append_only_checkpoints"),
    ]

    operations = [migrations.RunPython(rebuild_from_the_log, migrations.RunPython.noop)]
