from django.db import migrations


def load_skills(apps, schema_editor):
    from volunteers.skills import sync_skills

    sync_skills(apps.get_model("volunteers", "Skill"))


def unload_skills(apps, schema_editor):
    from volunteers.skills import read_skills

    # Only skills no profile or need refers to go; going back further drops the table anyway.
    Skill = apps.get_model("volunteers", "Skill")
    unused = Skill.objects.filter(
        slug__in=[row["slug"] for row in read_skills()],
        volunteer_profiles__isnull=True,
        volunteer_needs__isnull=True,
    ).values_list("pk", flat=True)
    # A plain DELETE: the ORM's cascade collector would follow the historical models of other
    # apps, which are not the ones this state rendered, and refuse ("Must be Skill instance").
    # Nothing refers to these rows, and a foreign key would refuse the delete if anything did.
    schema_editor.execute(f"DELETE FROM {Skill._meta.db_table} WHERE id = ANY(%s)", [list(unused)])


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(load_skills, unload_skills)]
