from django.db import migrations


def load_skills(apps, schema_editor):
    from volunteers.skills import sync_skills

    sync_skills(apps.get_model("volunteers", "Skill"))


def unload_skills(apps, schema_editor):
    from volunteers.skills import read_skills

    # Only skills no profile or need refers to go; going back further drops the table anyway.
    Skill = apps.get_model("volunteers", "Skill")
    Skill.objects.filter(
        slug__in=[row["slug"] for row in read_skills()],
        volunteer_profiles__isnull=True,
        volunteer_needs__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(load_skills, unload_skills)]
