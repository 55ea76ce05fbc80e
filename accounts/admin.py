from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation, User


class ErasedFilter(admin.SimpleListFilter):
    title = _("erased")
    parameter_name = "erased"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(erased_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(erased_at__isnull=True)
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Willkommen", {"fields": ("role", "preferred_language", "phone", "erased_at")}),
    )
    # Erasure goes through accounts.privacy (the person's own request, or a coordinator
    # calling erase_account), never by editing fields here.
    readonly_fields = ("erased_at",)
    list_display = ("username", "email", "role", "preferred_language", "is_staff", "erased_at")
    list_filter = ("role", "preferred_language", "is_staff", ErasedFilter)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Coordinators review initiatives started at registration here and delete bogus ones
    (their memberships go with them; one with needs is protected and must be emptied first)."""

    list_display = ("name", "kind", "city", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "city")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "status", "is_admin", "created_at")
    list_filter = ("status", "is_admin")
    search_fields = ("user__username", "organisation__name")
    autocomplete_fields = ("user", "organisation")
