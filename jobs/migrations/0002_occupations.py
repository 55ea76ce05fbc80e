from django.db import migrations


def load(apps, schema_editor):
    from jobs.occupations import sync_occupations

    sync_occupations(apps.get_model("jobs", "Occupation"))


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    # Backwards leaves the rows: the table goes with 0001's reversal.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
