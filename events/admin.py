"""Admin for events: the categories, the external calendars to import (a city's feed) and,
for looking up, the series. Series are posted and changed through the pages and the API,
where `events.services` holds the rules."""

from django.contrib import admin

from events.models import EventCategory, EventSeries, ExternalCalendar


@admin.register(EventCategory)
class EventCategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_de", "name_en", "position")
    ordering = ("position", "slug")


@admin.register(ExternalCalendar)
class ExternalCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "owner", "language", "active", "last_imported_at")
    list_filter = ("active", "language")
    readonly_fields = ("last_imported_at", "last_error")
    filter_horizontal = ("categories",)


@admin.register(EventSeries)
class EventSeriesAdmin(admin.ModelAdmin):
    list_display = ("pk", "owner", "starts_at", "rrule", "district", "status", "source")
    list_filter = ("status", "online", "categories")
    search_fields = ("external_uid", "address", "venue")
    # Texts, times, places and the review (status) go through events.services; here they are
    # only shown.
    readonly_fields = [f.name for f in EventSeries._meta.fields]
