from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from donations.models import Category, DonationOffer, GoodsNeed, PickupWindow
from geo.widgets import LeafletPointWidget


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "parent", "name_de", "name_en", "name_uk", "name_ar", "attributes")
    search_fields = ("slug", "name_de", "name_en", "name_uk", "name_ar")
    list_filter = ("parent",)


class GoodsAdmin(GISModelAdmin):
    list_filter = ("status", "category", "geocode_status")
    search_fields = ("title", "district", "place", "postal_code")
    readonly_fields = ("approx_point", "needs_matching", "created_at", "updated_at")
    gis_widget = LeafletPointWidget  # served locally: works offline, no CDN
    gis_widget_kwargs = {"attrs": {"default_zoom": 12}}


@admin.register(GoodsNeed)
class GoodsNeedAdmin(GoodsAdmin):
    list_display = (
        "title",
        "organisation",
        "category",
        "quantity",
        "quantity_open",
        "status",
        "district",
        "deadline",
    )


class PickupWindowInline(admin.TabularInline):
    model = PickupWindow
    extra = 0


@admin.register(DonationOffer)
class DonationOfferAdmin(GoodsAdmin):
    list_display = ("title", "donor", "category", "quantity", "quantity_open", "status", "district")
    inlines = [PickupWindowInline]
