from django.db import migrations

# The categories of 0002_taxonomy, before the taxonomy grew to cover every group in detail.
ORIGINAL_SLUGS = {
    "clothing",
    "clothing-winter-jacket",
    "clothing-trousers",
    "clothing-sweater",
    "clothing-children",
    "shoes",
    "shoes-winter-boots",
    "shoes-sneakers",
    "furniture",
    "furniture-bed",
    "furniture-table",
    "furniture-chair",
    "furniture-wardrobe",
    "kitchen",
    "kitchen-cookware",
    "kitchen-dishes",
    "bedding",
    "bedding-blanket",
    "bedding-pillow",
    "hygiene",
    "hygiene-diapers",
    "hygiene-toiletries",
    "baby",
    "baby-stroller",
    "baby-cot",
    "baby-toys",
    "school",
    "school-backpack",
    "school-stationery",
    "electronics",
    "electronics-laptop",
    "electronics-phone",
    "mobility",
    "mobility-adult-bicycle",
    "mobility-child-bicycle",
    "mobility-wheelchair",
}


def sync(apps, schema_editor):
    from donations.taxonomy import sync_taxonomy

    sync_taxonomy(apps.get_model("donations", "Category"))


def remove_unused_additions(apps, schema_editor):
    """Remove the categories added since 0002 that no need or offer uses; the ones in use stay
    (deleting them would delete records or fail on the protected foreign key)."""
    Category = apps.get_model("donations", "Category")
    GoodsNeed = apps.get_model("donations", "GoodsNeed")
    DonationOffer = apps.get_model("donations", "DonationOffer")
    used = set(GoodsNeed.objects.values_list("category_id", flat=True)) | set(
        DonationOffer.objects.values_list("category_id", flat=True)
    )
    # Every addition is a leaf under an original group, so no parent goes before its child.
    Category.objects.exclude(slug__in=ORIGINAL_SLUGS).exclude(pk__in=used).filter(
        children__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("donations", "0004_pickup_windows_allowed_values")]

    operations = [migrations.RunPython(sync, remove_unused_additions)]
