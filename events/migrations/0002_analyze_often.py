"""Keep planner statistics of the log fresh: the sealer's lookups depend on them."""

from django.db import migrations

TABLES = ("events_event", "events_ledger")


def analyze_often(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} SET (autovacuum_analyze_scale_factor = 0.01, "
            "autovacuum_analyze_threshold = 1000)"
        )


def analyze_as_default(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} RESET (autovacuum_analyze_scale_factor, "
            "autovacuum_analyze_threshold)"
        )


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(analyze_often, analyze_as_default)]
