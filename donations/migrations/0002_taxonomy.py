from django.db import migrations


def load_taxonomy(apps, schema_editor):
    from donations.taxonomy import sync_taxonomy

    sync_taxonomy(apps.get_model("donations", "Category"))


class Migration(migrations.Migration):
    dependencies = [("donations", "0001_initial")]

    operations = [# Going back leaves the categories in place: needs and offers may refer to them, and
        # going back further drops the table anyway.
        migrations.RunPython(load_taxonomy, migrations.RunPython.noop)]
