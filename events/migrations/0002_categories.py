"""The first event categories, with their names in the content languages."""

from django.db import migrations

CATEGORIES = [
    ("language-course", "Sprachkurs", "Language course", "Мовний курс", "دورة لغة"),
    ("counselling", "Beratungsstunde", "Counselling hours", "Консультація", "ساعة استشارة"),
    ("culture", "Kultur", "Culture", "Культура", "ثقافة"),
    ("sport", "Sport", "Sport", "Спорт", "رياضة"),
    (
        "children-families",
        "Kinder und Familien",
        "Children and families",
        "Діти та сім'ї",
        "الأطفال والعائلات",
    ),
    ("work-training", "Arbeit und Ausbildung", "Work and training", "Робота і навчання", "العمل والتدريب"),
    (
        "intercultural",
        "Interkulturelle Begegnung",
        "Intercultural meeting",
        "Міжкультурна зустріч",
        "لقاء بين الثقافات",
    ),
    ("information", "Infoabend", "Information evening", "Інформаційний вечір", "أمسية إعلامية"),
]


def add(apps, schema_editor):
    EventCategory = apps.get_model("events", "EventCategory")
    for position, (slug, de, en, uk, ar) in enumerate(CATEGORIES):
        EventCategory.objects.update_or_create(
            slug=slug,
            defaults={
                "name_de": de,
                "name_en": en,
                "name_uk": uk,
                "name_ar": ar,
                "position": position,
            },
        )


def remove(apps, schema_editor):
    EventCategory = apps.get_model("events", "EventCategory")
    EventCategory.objects.filter(slug__in=[row[0] for row in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
