"""The periodic tasks moved from workers.tasks into their apps: the stored schedule follows.

Beat also rewrites its entries from CELERY_BEAT_SCHEDULE when it starts; this keeps the
admin's list right before that and lets the move be reversed.
"""

from django.db import migrations

MOVED = {
    "workers.tasks.advance_matches": "matching.tasks.advance_matches",
    "workers.tasks.check_offers_still_available": "matching.tasks.check_offers_still_available",
    "workers.tasks.expire_due": "lifecycle.tasks.expire_due",
    "workers.tasks.apply_retention": "privacy.tasks.apply_retention",
}


def rename(apps, names: dict[str, str]) -> None:
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in names.items():
        periodic_task.objects.filter(task=old).update(task=new)


def forwards(apps, schema_editor) -> None:
    rename(apps, MOVED)


def backwards(apps, schema_editor) -> None:
    rename(apps, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(forwards, backwards)]
