"""The database owns the log's time, and stored checkpoints are append-only like the log.

- ``events_event.recorded_at`` is the database's: on PostgreSQL a BEFORE INSERT trigger sets
  it to ``statement_timestamp()`` whatever the client sent (the store's INSERT hashes the
  same value, fixed for the whole statement); SQLite triggers cannot change the row being
  inserted, so there a BEFORE INSERT trigger refuses a ``recorded_at`` more than
  ``SQLITE_TOLERANCE`` seconds from SQLite's own clock.
- ``events_checkpoint`` gets the triggers of the log (UPDATE, DELETE and TRUNCATE refused) and
  leaves Django's management (``flush`` no longer empties it), plus the chain links each
  checkpoint signed since the one it continues (``leaves``, from ``start`` with the Merkle
  tree's compact range there, ``start_frontier``): they reproduce its signed root, so a fork
  can be located to the first position that differs.

Stored rows are not touched: every existing event and checkpoint verifies as before.
"""

from django.db import migrations, models

SQLITE_TOLERANCE = 30

POSTGRESQL = """
CREATE FUNCTION events_own_time() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.recorded_at := statement_timestamp();
    RETURN NEW;
END
$$;
CREATE TRIGGER events_event_recorded_at BEFORE INSERT ON events_event
    FOR EACH ROW EXECUTE FUNCTION events_own_time();
ALTER TABLE events_event ENABLE ALWAYS TRIGGER events_event_recorded_at;
CREATE TRIGGER events_checkpoint_immutable BEFORE UPDATE OR DELETE ON events_checkpoint
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER events_checkpoint_no_truncate BEFORE TRUNCATE ON events_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();
ALTER TABLE events_checkpoint ENABLE ALWAYS TRIGGER events_checkpoint_immutable;
ALTER TABLE events_checkpoint ENABLE ALWAYS TRIGGER events_checkpoint_no_truncate;
"""

SQLITE = f"""
CREATE TRIGGER events_event_recorded_now BEFORE INSERT ON events_event
    WHEN NEW.recorded_at IS NULL
        OR abs(julianday(NEW.recorded_at) - julianday('now')) * 86400 > {SQLITE_TOLERANCE}
    BEGIN SELECT RAISE(ABORT, 'events: recorded_at must be the time of the insert'); END;
CREATE TRIGGER events_checkpoint_no_update BEFORE UPDATE ON events_checkpoint
    BEGIN SELECT RAISE(ABORT, 'events: UPDATE on events_checkpoint is refused: checkpoints are append-only'); END;
CREATE TRIGGER events_checkpoint_no_delete BEFORE DELETE ON events_checkpoint
    BEGIN SELECT RAISE(ABORT, 'events: DELETE on events_checkpoint is refused: checkpoints are append-only'); END;
"""


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(POSTGRESQL)
    else:
        for statement in SQLITE.split(";\n"):
            if statement.strip():
                schema_editor.execute(statement.strip())


def refuse_reverse(apps, schema_editor):
    raise RuntimeError("The log's time and its checkpoints are never given back to the client.")


class Migration(migrations.Migration):
    dependencies = [("events", "0004_personal_keys")]

    operations = [
        migrations.AddField(
            model_name="checkpoint",
            name="start",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="checkpoint",
            name="start_frontier",
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name="checkpoint",
            name="leaves",
            field=models.BinaryField(default=b""),
        ),
        migrations.RunPython(install, refuse_reverse),
        migrations.AlterModelOptions(
            name="checkpoint",
            options={"managed": False, "ordering": ("position", "id")},
        ),
    ]
