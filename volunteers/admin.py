from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from geo.widgets import LeafletPointWidget
from volunteers.models import (
    AvailabilitySlot,
    AwayPeriod,
    Shift,
    Skill,
    VolunteerNeed,
    VolunteerProfile,
)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_de", "name_en", "name_uk", "name_ar")
    search_fields = ("slug", "name_de", "name_en")


class AvailabilityInline(admin.TabularInline):
    model = AvailabilitySlot
    extra = 0


class AwayPeriodInline(admin.TabularInline):
    model = AwayPeriod
    extra = 0


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0


class VolunteerRecordAdmin(SimpleHistoryAdmin, GISModelAdmin):
    list_filter = ("status", "geocode_status")
    readonly_fields = ("approx_point", "needs_matching", "created_at", "updated_at")
    gis_widget = LeafletPointWidget  # served locally: works offline, no CDN
    gis_widget_kwargs = {"attrs": {"default_zoom": 12}}


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(VolunteerRecordAdmin):
    list_display = ("user", "status", "district", "travel_radius_km", "max_hours_per_week")
    search_fields = ("user__username", "district", "place", "postal_code")
    filter_horizontal = ("skills",)
    raw_id_fields = ("user",)
    inlines = [AvailabilityInline, AwayPeriodInline]


@admin.register(VolunteerNeed)
class VolunteerNeedAdmin(VolunteerRecordAdmin):
    list_display = ("title", "organisation", "status", "district")
    search_fields = ("title", "district", "place", "postal_code")
    filter_horizontal = ("required_skills",)
    raw_id_fields = ("created_by",)
    inlines = [ShiftInline]
