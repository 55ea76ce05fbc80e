from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.forms import OSMWidget

from matching.models import Match, MatchEvent


class MatchEventInline(admin.TabularInline):
    model = MatchEvent
    extra = 0
    readonly_fields = ("from_state", "to_state", "actor", "reason", "at")
    can_delete = False


@admin.register(Match)
class MatchAdmin(GISModelAdmin):
    list_display = (
        "id",
        "state",
        "quantity",
        "need_title",
        "offer_title",
        "distance_km",
        "score",
        "created_at",
    )
    list_filter = ("state", "kind")
    list_select_related = ("goods_need", "donation_offer")
    readonly_fields = (
        "goods_need",
        "donation_offer",
        "quantity",
        "distance_m",
        "score",
        "score_breakdown",
        "need_map",
        "offer_map",
        "created_at",
        "updated_at",
    )
    inlines = [MatchEventInline]

    @admin.display(description="need")
    def need_title(self, obj: Match) -> str:
        return obj.goods_need.title

    @admin.display(description="offer")
    def offer_title(self, obj: Match) -> str:
        return obj.donation_offer.title

    @admin.display(description="km")
    def distance_km(self, obj: Match) -> float:
        return round(obj.distance_m / 1000, 1)

    @admin.display(description="need (map)")
    def need_map(self, obj: Match):
        return self._map(obj.goods_need)

    @admin.display(description="offer (map)")
    def offer_map(self, obj: Match):
        return self._map(obj.donation_offer)

    @property
    def media(self):
        # The maps are read-only fields, not form fields, so their scripts are added here.
        return super().media + OSMWidget().media

    def _map(self, record):
        widget = OSMWidget(attrs={"default_zoom": 13, "disabled": True})
        return widget.render(f"map_{record._meta.model_name}_{record.pk}", record.point)
