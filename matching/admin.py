"""The Django admin of matches, for every kind: the list names both sides, the change page
shows them (and the shift, for volunteers) read-only with a map of each.

The sides are read through `Match.need` and `Match.offer`, which know every kind; the
relations they follow are joined in the list's one query.
"""

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from geo.widgets import LeafletPointWidget
from matching.models import Match, MatchEvent

# The Match's side relations: never edited here (that would bypass the capacity they hold),
# shown read-only through `need_title`, `offer_title` and `shift` instead.
SIDE_FIELDS = (
    "goods_need",
    "donation_offer",
    "shift",
    "volunteer",
    "housing_need",
    "housing_offer",
)


def _label(record) -> str:
    """A side by its title; a volunteer's profile has none and names its user instead."""
    title = getattr(record, "title", "")
    return title or str(record)


class MatchEventInline(admin.TabularInline):
    model = MatchEvent
    extra = 0
    readonly_fields = ("from_state", "to_state", "actor", "reason", "at")
    can_delete = False


@admin.register(Match)
class MatchAdmin(GISModelAdmin):
    list_display = (
        "id",
        "kind",
        "state",
        "quantity",
        "need_title",
        "offer_title",
        "distance_km",
        "score",
        "created_at",
    )
    list_filter = ("state", "kind")
    list_select_related = (
        "goods_need",
        "donation_offer",
        "shift__need",
        "volunteer",
        "housing_need",
        "housing_offer",
    )
    exclude = SIDE_FIELDS
    readonly_fields = (
        "kind",
        "need_title",
        "offer_title",
        "shift",
        "quantity",
        "distance_m",
        "score",
        "score_breakdown",
        "need_map",
        "offer_map",
        "created_at",
        "updated_at",
    )
    raw_id_fields = ("created_by",)
    inlines = [MatchEventInline]

    @admin.display(description="need")
    def need_title(self, obj: Match) -> str:
        return _label(obj.need)

    @admin.display(description="offer")
    def offer_title(self, obj: Match) -> str:
        return _label(obj.offer)

    @admin.display(description="km")
    def distance_km(self, obj: Match) -> float:
        return round(obj.distance_m / 1000, 1)

    @admin.display(description="need (map)")
    def need_map(self, obj: Match):
        return self._map(obj.need)

    @admin.display(description="offer (map)")
    def offer_map(self, obj: Match):
        return self._map(obj.offer)

    @property
    def media(self):
        # The maps are read-only fields, not form fields, so their scripts are added here.
        return super().media + LeafletPointWidget().media

    def _map(self, record):
        # Served locally (geo/widgets.py): works offline, no CDN.
        widget = LeafletPointWidget(attrs={"default_zoom": 13, "disabled": True})
        return widget.render(f"map_{record._meta.model_name}_{record.pk}", record.point)
