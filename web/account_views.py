"""The pages for everyone: registration by role and the welcome after it, one's settings,
the export of one's data and the erasure of one's account.

- `/register/` lets a person choose a role, `/register/<role>/` registers them
  (accounts.services.register_user) and signs them in; `/register/welcome/` tells the next
  step for their role.
- `/account/settings/`: names, phone, language (accounts.services.update_own_account) and
  how notifications come (notifications.services.update_preferences), saved together or not
  at all.
- `/account/export/`: everything the platform holds about the person, as a JSON download
  (privacy.selectors.export_personal_data, the same as GET /api/v1/me/export/).
- `/account/erase/`: erasure confirmed with the password (privacy.services.erase_own_account,
  the same as POST /api/v1/me/erase/); the person is signed out and told it is done.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import Role, User
from base.errors import GENERAL, ApplicationError
from base.limits import claim, parse_rate
from notifications import services as notification_services
from notifications.preferences import preferences_for
from privacy import selectors as privacy_selectors
from privacy import services as privacy_services
from web.account_forms import (
    JOIN,
    START,
    EraseForm,
    InitiativeRegistrationForm,
    RegistrationForm,
    SettingsForm,
)

# The role in the address of a registration page, and the role it registers.
ROLES = {
    "donor": Role.DONOR,
    "landlord": Role.LANDLORD,
    "volunteer": Role.VOLUNTEER,
    "initiative": Role.INITIATIVE_MEMBER,
}
# How many initiatives the list to join shows at once; a search narrows it.
INITIATIVES_SHOWN = 300
# The first page of each role after registering: URL names or paths, the first the site
# answers is linked; none is linked if none exists (each role's pages are their own part).
NEXT_PAGES = {
    Role.DONOR: ("donation-new", "/donations/new/", "donations"),
    Role.LANDLORD: ("flat-new", "housing-offer-new", "/flats/new/", "/housing/new/", "flats"),
    Role.VOLUNTEER: ("volunteer-profile", "/volunteer/profile/"),
    Role.INITIATIVE_MEMBER: (
        "initiative",
        "initiative-needs",
        "/initiative/",
        "/initiatives/",
        "/needs/new/",
    ),
}
# The service names an initiative to start "new_initiative"; the form asks for its name.
SERVICE_FIELD_NAMES = {"new_initiative": "new_initiative_name"}
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


# --- fields with their errors ------------------------------------------------------------------


def _form_errors(form) -> dict[str, list[str]]:
    return {
        (GENERAL if name == "__all__" else name): [str(m) for m in found]
        for name, found in form.errors.items()
    }


def _service_errors(error: ApplicationError, known: set[str], renamed: dict | None = None):
    """The service's messages under the form's field names; messages for no field of the
    form come under GENERAL (shown above the form)."""
    errors: dict[str, list[str]] = {}
    for name, found in error.errors.items():
        name = (renamed or {}).get(name, name)
        errors.setdefault(name if name in known else GENERAL, []).extend(found)
    return errors


def _field(name, label, values, errors, *, kind="text", autocomplete="", required=False, hint=""):
    """What the template needs to draw one input: its label, the value typed (never a
    password's), its messages and the ids that tie them together."""
    return {
        "name": name,
        "id": f"id_{name}",
        "label": label,
        "kind": kind,
        "value": "" if kind == "password" else values.get(name, ""),
        "errors": errors.get(name, []),
        "autocomplete": autocomplete,
        "required": required,
        "hint": hint,
    }


def _posted(request: HttpRequest, names) -> dict:
    return {name: request.POST.get(name, "") for name in names if name != "password"}


# --- registration ------------------------------------------------------------------------------


def _person_fields(values: dict, errors: dict) -> list[dict]:
    return [
        _field(
            "username",
            _("User name"),
            values,
            errors,
            autocomplete="username",
            required=True,
            hint=_("You sign in with it. Letters, digits and @ . + - _ only."),
        ),
        _field(
            "email", _("Email"), values, errors, kind="email", autocomplete="email", required=True
        ),
        _field(
            "password",
            _("Password"),
            values,
            errors,
            kind="password",
            autocomplete="new-password",
            required=True,
            hint=_("At least 8 characters; not a common word, name or number."),
        ),
        _field("first_name", _("First name"), values, errors, autocomplete="given-name"),
        _field("last_name", _("Last name"), values, errors, autocomplete="family-name"),
        _field(
            "phone",
            _("Phone"),
            values,
            errors,
            kind="tel",
            autocomplete="tel",
            hint=_("Only shown to the other side once you both said yes to a match."),
        ),
    ]


def _registration_page(request, slug, values, errors, status=200) -> HttpResponse:
    search = request.GET.get("q", "") or values.get("q", "")
    initiatives = []
    if slug == "initiative":
        initiatives = list(account_selectors.initiatives_to_join(search)[:INITIATIVES_SHOWN])
    context = {
        "slug": slug,
        "role_label": ROLES[slug].label,
        "fields": _person_fields(values, errors),
        "values": values,
        "errors": errors,
        "general_errors": errors.get(GENERAL, []),
        "language": values.get("preferred_language") or get_language(),
        "languages": settings.LANGUAGES,
        "initiatives": initiatives,
        "search": search,
        "join": JOIN,
        "start": START,
        "initiative_fields": [
            _field("new_initiative_name", _("Name of the initiative"), values, errors),
            _field("new_initiative_city", _("City"), values, errors),
            _field(
                "new_initiative_email",
                _("Email of the initiative"),
                values,
                errors,
                kind="email",
                hint=_("Optional: an address of the initiative rather than your own."),
            ),
        ],
    }
    return render(request, "web/account/register.html", context, status=status)


@never_cache
@require_GET
def register_choose(request: HttpRequest) -> HttpResponse:
    return render(request, "web/account/register_choose.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest, role: str) -> HttpResponse:
    if role not in ROLES:
        raise Http404
    if request.user.is_authenticated:
        # One person, one account: registering would sign them out of theirs.
        return render(request, "web/account/register.html", {"signed_in": True})
    form_class = InitiativeRegistrationForm if role == "initiative" else RegistrationForm
    if request.method != "POST":
        return _registration_page(request, role, {}, {})
    form = form_class(request.POST)
    values = _posted(request, [*form.fields, "q"])
    # The same limit per client as the API's registration (the "login" rate): accounts made
    # by the thousand would flood the coordinators' queues.
    if _limited(f"web:register:{request.META.get('REMOTE_ADDR', '')}", "login"):
        errors = {GENERAL: [_("Too many tries from here. Please wait a little and try again.")]}
        return _registration_page(request, role, values, errors, status=429)
    if not form.is_valid():
        return _registration_page(request, role, values, _form_errors(form), status=400)
    data = form.cleaned_data
    extra = form.service_arguments() if role == "initiative" else {}
    try:
        registration = account_services.register_user(
            username=data["username"],
            email=data["email"],
            password=data["password"],
            role=ROLES[role],
            preferred_language=data["preferred_language"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            phone=data["phone"],
            **extra,
        )
    except ApplicationError as error:
        errors = _service_errors(error, set(form.fields), SERVICE_FIELD_NAMES)
        return _registration_page(request, role, values, errors, status=400)
    login(request, registration.user, backend=MODEL_BACKEND)
    return redirect("register-welcome")


def _existing_page(candidates) -> str:
    """The path of the first of `candidates` (URL names or paths) that the site answers, or
    "" if none does (yet)."""
    for candidate in candidates:
        try:
            if candidate.startswith("/"):
                resolve(candidate)
                return candidate
            return reverse(candidate)
        except (NoReverseMatch, Resolver404):
            continue
    return ""


@never_cache
@login_required
@require_GET
def welcome(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    memberships = list(account_selectors.memberships_of_user(user))
    context = {
        "role": user.role,
        "roles": Role,
        "next_page": _existing_page(NEXT_PAGES.get(user.role, ())),
        "memberships": memberships,
    }
    return render(request, "web/account/welcome.html", context)


# --- settings ----------------------------------------------------------------------------------

CHANNEL_FIELDS = {"email": "email_channel", "in_app": "inbox_channel"}


def _settings_values(user: User) -> dict:
    preference = preferences_for(user)
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
        "email_channel": preference.email,
        "inbox_channel": preference.in_app,
        "frequency": preference.frequency,
    }


def _settings_page(request, values, errors, status=200) -> HttpResponse:
    context = {
        "fields": [
            _field("first_name", _("First name"), values, errors, autocomplete="given-name"),
            _field("last_name", _("Last name"), values, errors, autocomplete="family-name"),
            _field(
                "phone",
                _("Phone"),
                values,
                errors,
                kind="tel",
                autocomplete="tel",
                hint=_("Only shown to the other side once you both said yes to a match."),
            ),
        ],
        "values": values,
        "errors": errors,
        "general_errors": errors.get(GENERAL, []),
        "languages": settings.LANGUAGES,
        "frequencies": SettingsForm.base_fields["frequency"].choices,
        "account": request.user,
    }
    return render(request, "web/account/settings.html", context, status=status)


def _save_settings(user: User, data: dict) -> dict[str, list[str]]:
    """Both services or neither: field messages of both at once, and nothing stored if any."""
    errors: dict[str, list[str]] = {}
    known = set(SettingsForm.base_fields)
    with transaction.atomic():
        try:
            account_services.update_own_account(
                user=user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                preferred_language=data["preferred_language"],
            )
        except ApplicationError as error:
            errors.update(_service_errors(error, known))
        try:
            notification_services.update_preferences(
                user,
                email=data["email_channel"],
                in_app=data["inbox_channel"],
                frequency=data["frequency"],
            )
        except ApplicationError as error:
            for name, found in _service_errors(error, known, CHANNEL_FIELDS).items():
                errors.setdefault(name, []).extend(found)
        if errors:
            transaction.set_rollback(True)
    if errors:
        user.refresh_from_db()
    return errors


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _settings_page(request, _settings_values(request.user), {})
    form = SettingsForm(request.POST)
    values = _posted(request, form.fields)
    for name in CHANNEL_FIELDS.values():
        values[name] = bool(request.POST.get(name))
    if not form.is_valid():
        return _settings_page(request, values, _form_errors(form), status=400)
    errors = _save_settings(request.user, form.cleaned_data)
    if errors:
        return _settings_page(request, values, errors, status=400)
    # Said in the language just chosen: the next page speaks it.
    with translation.override(request.user.preferred_language):
        messages.success(request, _("Your settings are saved."))
    return redirect("account-settings")


# --- export and erasure ------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    data = privacy_selectors.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="willkommen-export-{request.user.pk}-{stamp}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


ERASE_PASSWORD_LABEL = gettext_lazy("Your password, to confirm")


def _limited(key: str, scope: str) -> bool:
    """Whether this try is over the API's rate of the same scope (settings'
    DEFAULT_THROTTLE_RATES), counted in the shared cache like the API's (base.limits)."""
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]
    return claim(key, *parse_rate(rate)) is not None


def _erase_try_allowed(user: User) -> bool:
    # Erasure checks the password again. Like the API's password_check throttle: a few tries
    # an hour per person, so that someone with a stolen session cannot guess the password here.
    return not _limited(f"web:erase-tries:{user.pk}", "password_check")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        form = EraseForm(request.POST)
        if not _erase_try_allowed(request.user):
            errors = {GENERAL: [_("Too many tries. Please wait an hour and try again.")]}
            status = 429
        elif not form.is_valid():
            errors, status = _form_errors(form), 400
        else:
            try:
                privacy_services.erase_own_account(
                    request.user, password=form.cleaned_data["password"]
                )
            except ApplicationError as error:
                errors, status = _service_errors(error, {"password"}), 400
            else:
                # Its sessions are gone already; this one is forgotten too. The page still
                # speaks the language the person had.
                logout(request)
                return render(request, "web/account/erased.html")
    field = _field(
        "password",
        ERASE_PASSWORD_LABEL,
        {},
        errors,
        kind="password",
        autocomplete="current-password",
        required=True,
    )
    context = {"field": field, "general_errors": errors.get(GENERAL, [])}
    return render(request, "web/account/erase.html", context, status=status)
