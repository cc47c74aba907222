"""Each deal's cited events once (``RiskDeal``), not on each of its ten findings."""

from django.db import migrations, models


def keep_cited_events(apps, schema_editor):
    """Each deal's cited events, from its findings: every regime that used the deal's facts
    cites the same events; one with no rule pack in force cites none."""
    finding = apps.get_model("compliance", "RiskFinding")
    deal = apps.get_model("compliance", "RiskDeal")
    cited: dict[str, list[str]] = {}
    rows = finding.objects.values_list("pk", "investment_id", "event_ids")
    uncited = []
    for pk, investment_id, event_ids in rows.iterator(chunk_size=2000):
        if event_ids:
            cited[investment_id] = event_ids
        else:
            cited.setdefault(investment_id, [])
            uncited.append(pk)
    deal.objects.bulk_create(
        (deal(investment_id=i, event_ids=e) for i, e in cited.items()), batch_size=2000
    )
    for start in range(0, len(uncited), 2000):
        finding.objects.filter(pk__in=uncited[start : start + 2000]).update(cites_deal=False)


def restore_cited_events(apps, schema_editor):
    finding = apps.get_model("compliance", "RiskFinding")
    deal = apps.get_model("compliance", "RiskDeal")
    for investment_id, event_ids in deal.objects.values_list("investment_id", "event_ids"):
        rows = finding.objects.filter(investment_id=investment_id, cites_deal=True)
        rows.update(event_ids=event_ids)


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0007_risk_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="RiskDeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("investment_id", models.CharField(max_length=200, unique=True)),
                ("event_ids", models.JSONField(default=list)),
            ],
        ),
        migrations.AddField(
            model_name="riskfinding",
            name="cites_deal",
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(keep_cited_events, restore_cited_events),
        migrations.RemoveField(
            model_name="riskfinding",
            name="event_ids",
        ),
    ]
