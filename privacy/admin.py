from django.contrib import admin

from privacy.models import DataAccess


@admin.register(DataAccess)
class DataAccessAdmin(admin.ModelAdmin):
    """The audit is read, never written by hand."""

    list_display = ("at", "viewer", "subject", "record_model", "record_id", "why")
    list_filter = ("record_model",)
    raw_id_fields = ("viewer", "subject")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
