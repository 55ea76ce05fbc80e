from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import checks, selectors, services
from accounts.models import Check, Membership, Organisation, Role, User
from base.errors import ApplicationError


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
    actions = ["appoint_coordinators"]

    # --- Roles (front door, issue 12): admins appoint coordinators here, as over the API
    # (users/<id>/role/); both go through accounts.services.change_role.

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not selectors.may_assign_roles(request.user):
            # Staff who may edit people (coordinators) must not make themselves admins.
            fields += ("role",)
        return fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not selectors.may_assign_roles(request.user):
            actions.pop("appoint_coordinators", None)
        return actions

    def save_model(self, request, obj, form, change):
        new_role = obj.role
        if change and "role" in form.changed_data:
            # Saved without the new role first; the service checks the actor and applies it.
            obj.role = form.initial.get("role", obj.role)
        super().save_model(request, obj, form, change)
        if obj.role != new_role:
            services.change_role(user=obj, role=new_role, actor=request.user)

    @admin.action(description=_("Appoint as coordinators"))
    def appoint_coordinators(self, request, queryset):
        appointed = 0
        for user in queryset:
            try:
                services.change_role(user=user, role=Role.COORDINATOR, actor=request.user)
            except ApplicationError as error:
                refused = "; ".join(m for ms in error.errors.values() for m in ms)
                self.message_user(request, f"{user.username}: {refused}", messages.ERROR)
            else:
                appointed += 1
        if appointed:
            self.message_user(
                request,
                _(
                    "%(count)d appointed as coordinators. They set up a second factor at their "
                    "next sign-in."
                )
                % {"count": appointed},
                messages.SUCCESS,
            )


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


class CheckForm(forms.ModelForm):
    class Meta:
        model = Check
        fields = ("subject", "kind", "certificate_date", "note")

    def clean(self):
        data = super().clean()
        subject = data.get("subject")
        if subject is not None and data.get("kind"):
            for field, problems in checks.check_problems(
                subject=subject,
                kind=data["kind"],
                certificate_date=data.get("certificate_date"),
                actor=self.request_user,
            ).items():
                for problem in problems:
                    self.add_error(field if field in self.fields else None, problem)
        return data


@admin.register(Check)
class CheckAdmin(admin.ModelAdmin):
    """Coordinators record what they saw of a person here or over the API: the kind, the
    certificate's date, a short note; never the document (there is no field for one). A
    check is withdrawn over the API (who, when, why stay), not changed or deleted here."""

    form = CheckForm
    list_display = (
        "subject",
        "kind",
        "certificate_date",
        "recorded_by",
        "recorded_at",
        "withdrawn_at",
    )
    list_filter = ("kind", ("withdrawn_at", admin.EmptyFieldListFilter))
    search_fields = ("subject__username",)
    autocomplete_fields = ("subject",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            saved = checks.record_check(
                subject=obj.subject,
                kind=obj.kind,
                actor=request.user,
                note=obj.note,
                certificate_date=obj.certificate_date,
            )
        except ApplicationError as error:
            raise forms.ValidationError(error.messages) from error
        obj.pk = saved.pk
