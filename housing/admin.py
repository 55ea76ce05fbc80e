from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from geo.widgets import LeafletPointWidget
from housing.models import HousingNeed, HousingOffer


class HousingAdmin(SimpleHistoryAdmin, GISModelAdmin):
    search_fields = ("title", "district", "place", "postal_code")
    readonly_fields = ("approx_point", "needs_matching", "created_at", "updated_at", "closed_at")
    gis_widget = LeafletPointWidget  # served locally: works offline, no CDN
    gis_widget_kwargs = {"attrs": {"default_zoom": 12}}


@admin.register(HousingOffer)
class HousingOfferAdmin(HousingAdmin):
    list_display = (
        "title",
        "landlord",
        "rooms",
        "warm_rent",
        "max_occupants",
        "status",
        "district",
        "available_from",
        "available_until",
    )
    list_filter = ("status", "step_free", "pets_allowed", "furnished", "geocode_status")


@admin.register(HousingNeed)
class HousingNeedAdmin(HousingAdmin):
    list_display = (
        "title",
        "organisation",
        "adults",
        "children",
        "rent_ceiling",
        "status",
        "district",
        "move_in_date",
    )
    list_filter = ("status", "needs_step_free", "has_pets", "geocode_status")
