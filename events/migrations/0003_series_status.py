"""Series get a publication status (draft / in review / published / unpublished); the old
`published` flag becomes a column the database computes from it.

Existing rows: published → "published"; not published → "unpublished" (they were taken down
by their keepers or were gone from an imported feed, not drafts waiting to be finished).
Backwards: the flag is a plain column again, true exactly for the published series."""

import django.db.models.expressions
from django.db import migrations, models


IMMEDIATE = "SET CONSTRAINTS ALL IMMEDIATE"


def status_from_flag(apps, schema_editor):
    EventSeries = apps.get_model("events", "EventSeries")
    EventSeries.objects.filter(published=True).update(status="published")
    EventSeries.objects.filter(published=False).update(status="unpublished")


def flag_from_status(apps, schema_editor):
    EventSeries = apps.get_model("events", "EventSeries")
    EventSeries.objects.update(published=False)
    EventSeries.objects.filter(status="published").update(published=True)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_categories"),
    ]

    operations = [
        migrations.AddField(
            model_name="eventseries",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("in_review", "Waiting for review"),
                    ("published", "Published"),
                    ("unpublished", "Unpublished"),
                ],
                default="draft",
                max_length=16,
                verbose_name="status",
            ),
        ),
        # The rows are written and the table altered in one transaction: deferred foreign-key
        # checks queued by the writes must run first, or PostgreSQL refuses the ALTER TABLE
        # ("pending trigger events"). Before and after the data step, for both directions.
        migrations.RunSQL(IMMEDIATE, reverse_sql=IMMEDIATE),
        migrations.RunPython(status_from_flag, flag_from_status),
        migrations.RunSQL(IMMEDIATE, reverse_sql=IMMEDIATE),
        migrations.RemoveField(model_name="eventseries", name="published"),
        migrations.AddField(
            model_name="eventseries",
            name="published",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.expressions.ExpressionWrapper(
                    models.Q(("status", "published")), output_field=models.BooleanField()
                ),
                output_field=models.BooleanField(),
                verbose_name="published",
            ),
        ),
    ]
