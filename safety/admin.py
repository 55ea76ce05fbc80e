"""Reports and suspensions in the admin: to look things up. Every change goes through the
services (the API and /coordination/), which keep the history and end the matches."""

from django.contrib import admin

from safety.models import Report, ReportEvent, Suspension


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    fields = ("at", "action", "actor", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "category", "urgency", "state", "respond_by", "target")
    list_filter = ("state", "urgency", "category", "target", "via")
    inlines = [ReportEventInline]


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ("user", "suspended_at", "suspended_by", "lifted_at", "lifted_by")
    list_filter = (("lifted_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username",)
