from django.db import migrations


def load_taxonomy(apps, schema_editor):
    from donations.taxonomy import sync_taxonomy

    sync_taxonomy(apps.get_model("donations", "Category"))


def unload_taxonomy(apps, schema_editor):
    # Reversible only while no need or offer uses a category (PROTECT keeps them otherwise).
    from donations.taxonomy import read_taxonomy

    Category = apps.get_model("donations", "Category")
    for row in reversed(read_taxonomy()):
        Category.objects.filter(slug=row["slug"]).delete()


class Migration(migrations.Migration):
    dependencies = [("donations", "0001_initial")]

    operations = [migrations.RunPython(load_taxonomy, unload_taxonomy)]
