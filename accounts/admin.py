from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Membership, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Willkommen", {"fields": ("role", "preferred_language", "phone")}),
    )
    list_display = ("username", "email", "role", "preferred_language", "is_staff")
    list_filter = ("role", "preferred_language", "is_staff")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "city")
    search_fields = ("name", "city")
    inlines = [MembershipInline]
