"""The work pages (issue 15, area "jobs"): employers and their jobs, people looking for work,
counsellors who keep profiles for people, coordinators who check employers.

- `/work/`: where each role starts (the one menu entry "Work").
- Employers: `/work/employers/new/` registers a company (`jobs.services.create_employer`;
  its jobs are matched only once the welcome centre checked it); `/work/jobs/` our jobs with
  the state as we are told it (`matching.selectors.as_shown`), places open of places;
  `/work/jobs/new/`, `…/<id>/edit/`, `…/<id>/withdraw/`. Only members of the employer reach
  its jobs: anyone else gets 404; the form of a new job is refused (403) to people who post
  for no employer.
- A person looking for work: `/work/profile/` (their own profile), `/work/profile/new/`;
  `/work/profiles/<id>/edit/`, `…/withdraw/`, `…/why/` ("why no proposal yet", from
  `matching.kinds.JOBS.seeker_diagnosis`). Only the one who keeps a profile reaches it (404).
- Counsellors (active members of an organisation that is not an employer): `/work/counselling/`
  the profiles they keep for people, `/work/counselling/new/` with the person's name and the
  day the person agreed (required, `jobs.services`). Others get 403.
- Coordinators: `/work/employers/` employers to check, unchecked first (check, withdraw a
  check), and `/work/jobs/<id>/residence/` corrects whom a job is open to. Others get 403.

Proposals are answered on the match pages (`/matches/<id>/`, web/inbox_views.py); what an
employer may read of a person there before both said yes is in `web.summaries`.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from base.errors import ApplicationError
from jobs import selectors, services
from jobs.models import Employer, GermanLevel, Hours, Job, JobSeeker, PayPeriod, Recognition
from jobs.models import Residence as ResidenceChoice
from lifecycle import services as lifecycle_services
from lifecycle.states import CLOSED_STATUSES, Status
from matching import selectors as matching_selectors
from matching.core.diagnostics import FEASIBLE
from matching.core.types import Reason
from matching.diagnostics import DIAGNOSIS_CANDIDATES
from matching.kinds import JOBS
from matching.models import LIVE_STATE_VALUES, MatchState
from web import job_forms
from web.coordination_views import _coordinator
from web.edit_values import as_text, pin_values, place_changes
from web.housing_views import MAP_CENTRE, Field, _number
from web.summaries import seeker_summary
from web.volunteer_forms import language_choices

PLACE_FIELDS = ("address", "latitude", "longitude")


# --- what the forms show -------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A <select> (`multiple=False`) or a group of checkboxes (`multiple=True`)."""

    name: str
    label: str
    options: list
    hint: str = ""
    multiple: bool = False
    grouped: bool = False  # options are (group label, [(value, label)]) pairs
    placeholder: str = ""  # the first, empty option of a <select>


def _hours():
    return [(value, str(label)) for value, label in Hours.choices]


def _levels():
    return [(value, value) for value in GermanLevel.values]


def _residence():
    return [(value, str(label)) for value, label in ResidenceChoice.choices]


def _occupations(*, groups_too: bool) -> list:
    """The taxonomy grouped, in the page's language. A job may name a whole group ("any
    occupation in it"); experience is always one occupation."""
    language = get_language() or "en"
    grouped = []
    for group, members in selectors.occupation_groups(language):
        options = [(member.code, member.name(language)) for member in members]
        options.sort(key=lambda option: option[1].casefold())
        if groups_too:
            everything = _("Any occupation in: %(group)s") % {"group": group.name(language)}
            options.insert(0, (group.code, everything))
        grouped.append((group.name(language), options))
    return grouped


def _job_groups() -> list:
    return [
        (
            gettext_lazy("The job"),
            [
                Field(
                    "title",
                    gettext_lazy("Title"),
                    hint=gettext_lazy("In a few words, for example “Cook for our canteen”."),
                    required=True,
                ),
                Choice(
                    "occupation",
                    gettext_lazy("Occupation"),
                    _occupations(groups_too=True),
                    hint=gettext_lazy("Choose a whole group if any occupation in it will do."),
                    grouped=True,
                    placeholder=_("Choose …"),
                ),
                _number("places", gettext_lazy("Places"), "1", "500"),
                Choice("hours", gettext_lazy("Hours"), _hours(), placeholder=_("Choose …")),
                Field(
                    "start_date",
                    gettext_lazy("Start date"),
                    "date",
                    gettext_lazy("Today's date if the job can start at once."),
                    required=True,
                ),
                Field("description", gettext_lazy("Description (optional)"), "textarea"),
            ],
        ),
        (
            gettext_lazy("Pay (optional)"),
            [
                _number(
                    "pay_min", gettext_lazy("Pay from (EUR)"), "0", "100000", "0.01", required=False
                ),
                _number(
                    "pay_max",
                    gettext_lazy("Pay up to (EUR)"),
                    "0",
                    "100000",
                    "0.01",
                    required=False,
                ),
                Choice(
                    "pay_period",
                    gettext_lazy("Per"),
                    [(value, str(label)) for value, label in PayPeriod.choices],
                ),
            ],
        ),
        (
            gettext_lazy("What the person brings"),
            [
                Choice(
                    "german_min",
                    gettext_lazy("German at least"),
                    _levels(),
                    placeholder=_("No German needed"),
                    hint=gettext_lazy("Levels of the European framework: A1 (basic) to C2."),
                ),
                "languages",
                Field(
                    "skills",
                    gettext_lazy("Skills (optional)"),
                    hint=gettext_lazy("Separated by commas, for example “forklift, HACCP”."),
                ),
                Field(
                    "requires_recognition",
                    gettext_lazy("A recognised qualification is required"),
                    "checkbox",
                ),
            ],
        ),
        (
            gettext_lazy("Whom is the job open to?"),
            [
                Choice(
                    "open_to",
                    gettext_lazy("Residence situations the job is open to"),
                    _residence(),
                    hint=gettext_lazy(
                        "What you state here; the welcome centre may correct it. This is not"
                        " legal advice: ask the authorities if you are unsure."
                    ),
                    multiple=True,
                ),
                Field(
                    "residence_irrelevant",
                    gettext_lazy("Not relevant: this is a training place"),
                    "checkbox",
                ),
            ],
        ),
    ]


def _seeker_groups(kept: bool) -> list:
    about = [
        Choice(
            "german_level",
            gettext_lazy("German level"),
            _levels(),
            placeholder=_("No German yet"),
            hint=gettext_lazy("A1 is a beginner, C2 speaks like a native speaker."),
        ),
        "languages",
        Field(
            "skills",
            gettext_lazy("Skills (optional)"),
            hint=gettext_lazy("Separated by commas, for example “forklift, cooking, Excel”."),
        ),
        Choice(
            "recognition",
            gettext_lazy("Qualification"),
            [(value, str(label)) for value, label in Recognition.choices],
        ),
    ]
    work = [
        Choice("hours_wanted", gettext_lazy("Hours wanted"), _hours(), multiple=True),
        Field(
            "available_from",
            gettext_lazy("Available from"),
            "date",
            gettext_lazy("Today's date if you can start at once."),
            required=True,
        ),
        Choice(
            "residence",
            gettext_lazy("What you may do"),
            _residence(),
            placeholder=_("Choose …"),
            hint=gettext_lazy(
                "What you state about your residence situation. It is not checked here and"
                " this is not legal advice: the immigration office or a counselling service"
                " can tell you what applies to you."
            ),
        ),
        Field(
            "description",
            gettext_lazy("About me (optional)"),
            "textarea",
            gettext_lazy("Shown to an employer only after both of you said yes."),
        ),
    ]
    groups = [
        (gettext_lazy("Work you have done"), ["experience"]),
        (gettext_lazy("Languages and skills"), about),
        (gettext_lazy("The work you want"), work),
    ]
    if kept:
        person = [
            Field(
                "person_name",
                gettext_lazy("Name of the person"),
                hint=gettext_lazy("Shown to an employer only after both sides said yes."),
                required=True,
            ),
            Field("person_phone", gettext_lazy("Phone of the person (optional)")),
            Field(
                "consent_on",
                gettext_lazy("Day the person agreed"),
                "date",
                gettext_lazy("The day the person agreed that you keep this profile for them."),
                required=True,
            ),
        ]
        groups.insert(0, (gettext_lazy("The person"), person))
    return groups


def _item(spec, values: dict, errors: dict) -> dict:
    if spec in ("languages", "experience"):
        return {"widget": spec, "errors": errors.get(spec, [])}
    if isinstance(spec, Choice):
        widget = "checks" if spec.multiple else "select"
        chosen = values.get(spec.name, [] if spec.multiple else "")
        return {
            "widget": widget,
            "spec": spec,
            "value": chosen,
            "errors": errors.get(spec.name, []),
        }
    return {
        "widget": "field",
        "spec": spec,
        "value": values.get(spec.name, ""),
        "errors": errors.get(spec.name, []),
    }


def _form_context(groups: list, values: dict, errors: dict, *, known: set, **extra) -> dict:
    # A pin's coordinates are one thing on the page: their messages go with the place.
    shown = {name: list(found) for name, found in errors.items()}
    shown.setdefault("address", [])
    shown["address"] += [*errors.get("latitude", []), *errors.get("longitude", [])]
    general = [
        message
        for name, found in errors.items()
        if name not in known and name not in ("latitude", "longitude")
        for message in found
    ]
    languages = list(values.get("languages", []))
    rows = max(job_forms.LANGUAGE_ROWS, len(languages) + 1)
    languages += [""] * (rows - len(languages))
    experience = list(values.get("experience", []))
    experience += [("", "")] * (max(3, len(experience) + 1) - len(experience))
    return {
        "values": values,
        "errors": shown,
        "general_errors": general,
        "has_errors": bool(errors),
        "groups": [
            {"legend": legend, "items": [_item(spec, values, shown) for spec in specs]}
            for legend, specs in groups
        ],
        "language_rows": list(enumerate(languages)),
        "language_choices": language_choices(),
        "experience_rows": list(enumerate(experience)),
        "unit_occupations": _occupations(groups_too=False),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_centre": MAP_CENTRE,
        **extra,
    }


def _posted(post, names) -> dict:
    values = {name: post.get(name, "") for name in names}
    values["languages"] = job_forms.languages(post)
    for name in ("open_to", "hours_wanted"):
        values[name] = post.getlist(name)
    return values


def _error_messages(request: HttpRequest, error: ApplicationError) -> None:
    for found in error.errors.values():
        for message in found:
            messages.error(request, message)


# --- the start page ----------------------------------------------------------------------


@never_cache
@login_required
def work(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "web/jobs/start.html",
        {
            "employers": list(selectors.employers_of(user).order_by("name")),
            "profile": selectors.own_profiles(user).exclude(status__in=CLOSED_STATUSES).first(),
            "counsellor": selectors.counselling_organisations(user).exists(),
        },
    )


# --- employers -----------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_employer(request: HttpRequest) -> HttpResponse:
    values, errors = {"name": "", "city": "", "email": ""}, {}
    if request.method == "POST":
        fields, errors = job_forms.parse_employer(request.POST)
        if not errors:
            try:
                employer = services.create_employer(user=request.user, **fields)
            except ApplicationError as error:
                errors = error.errors
            else:
                messages.success(
                    request,
                    _(
                        "“%(name)s” is registered. You can post jobs now; they are published"
                        " once the welcome centre has checked your company."
                    )
                    % {"name": employer.organisation.name},
                )
                return redirect("jobs")
        values = {name: request.POST.get(name, "") for name in values}
    general = [m for name, found in errors.items() if name not in values for m in found]
    return render(
        request,
        "web/jobs/employer_form.html",
        {
            "values": values,
            "errors": errors,
            "general_errors": general,
            "has_errors": bool(errors),
        },
        status=400 if errors else 200,
    )


def _job_rows(user) -> list[dict]:
    # Places that unreviewed proposals hold are still open as the employer is told it.
    jobs = matching_selectors.as_shown(selectors.jobs_of_employers(user), user).annotate(
        proposed=Count("matches", filter=Q(matches__state=MatchState.PROPOSED))
    )
    rows = []
    for job in jobs.order_by("-created_at", "-id"):
        status = matching_selectors.status_told(job)
        rows.append(
            {
                "job": job,
                "status": status,
                "status_label": Status(status).label,
                "closed": status in CLOSED_STATUSES,
                "open": min(job.places, job.places_open + job.proposed),
                "checked": job.organisation.employer.is_checked,
                "occupation": job.occupation.name(get_language()),
            }
        )
    return rows


@never_cache
@login_required
def our_jobs(request: HttpRequest) -> HttpResponse:
    employers = list(selectors.employers_of(request.user).order_by("name"))
    return render(
        request,
        "web/jobs/job_list.html",
        {"employers": employers, "rows": _job_rows(request.user)},
    )


JOB_FIELDS = tuple(job_forms.JobForm.base_fields)


def _job_values(job: Job) -> dict:
    values = {name: as_text(getattr(job, name, None)) for name in JOB_FIELDS}
    values.update(pin_values(job))
    values["occupation"] = job.occupation.code
    values["skills"] = ", ".join(job.skills)
    values["languages"] = list(job.languages)
    values["open_to"] = list(job.open_to)
    values["organisation"] = str(job.organisation_id)
    values["max_distance_km"] = f"{job.max_distance_km:g}"
    return values


def _job_page(request, page: dict, values: dict, errors: dict, status: int = 200):
    known = set(JOB_FIELDS) | {"languages", "open_to"}
    context = _form_context(_job_groups(), values, errors, known=known, **page)
    context["job_page"] = True
    context["distance"] = _item(
        _number(
            "max_distance_km",
            gettext_lazy("People living up to how many km away"),
            "1",
            "200",
            "0.5",
        ),
        values,
        context["errors"],
    )
    context["remote"] = _item(
        Field("remote", gettext_lazy("Remote work: the place does not matter"), "checkbox"),
        values,
        context["errors"],
    )
    return render(request, "web/jobs/job_form.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_job(request: HttpRequest) -> HttpResponse:
    employers = list(selectors.employers_of(request.user).order_by("name", "pk"))
    if not employers:
        raise PermissionDenied
    page = {
        "heading": _("Post a job"),
        "action": reverse("job-new"),
        "employers": employers,
        "unchecked": [e.name for e in employers if not e.employer.is_checked],
    }
    if request.method != "POST":
        initial = {
            "places": "1",
            "max_distance_km": "30",
            "pay_period": "month",
            "organisation": str(employers[0].pk),
        }
        return _job_page(request, page, initial, {})
    fields, errors = job_forms.parse_job(request.POST)
    if not errors:
        chosen = fields.pop("organisation")
        organisation = next((e for e in employers if e.pk == chosen), None)
        if chosen is not None and organisation is None:
            errors = {"organisation": [_("You are not a member of this employer.")]}
    if not errors:
        try:
            job = services.create_job(user=request.user, organisation=organisation, **fields)
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return _job_page(request, page, _posted(request.POST, JOB_FIELDS), errors, 400)
    messages.success(request, _("Thank you! Your job “%(title)s” is saved.") % {"title": job.title})
    return redirect("jobs")


def _my_job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(selectors.jobs_of_employers(request.user), pk=pk)


def _comparable(value):
    # Lists are kept sorted by the services; the order of checkboxes is no change.
    return sorted(value) if isinstance(value, list) else value


def _experience_typed(rows: list[dict]):
    try:
        return sorted(
            (row["occupation"], Decimal(str(row["years"])).quantize(Decimal("0.1"))) for row in rows
        )
    except ArithmeticError:
        return None  # not a number: the service says what it wants


def _changes(record, fields: dict, skip=()) -> dict:
    skip = {*PLACE_FIELDS, *skip}
    changes = {
        name: value
        for name, value in fields.items()
        if name not in skip and _comparable(value) != _comparable(getattr(record, name))
    }
    changes.update(place_changes(record, fields))
    return changes


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _my_job(request, pk)
    page = {
        "heading": _("Change the job"),
        "action": reverse("job-edit", args=[job.pk]),
        "record": job,
        "closed": job.status in CLOSED_STATUSES,
    }
    if request.method != "POST":
        return _job_page(request, page, _job_values(job), {})
    fields, errors = job_forms.parse_job(request.POST)
    changes = {}
    if not errors:
        fields.pop("organisation", None)
        if fields["occupation"] == job.occupation.code:
            fields.pop("occupation")
        changes = _changes(job, fields, skip={"occupation"})
        if "occupation" in fields:
            changes["occupation"] = fields["occupation"]
        try:
            if changes:
                services.update_job(record=job, user=request.user, **changes)
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return _job_page(request, page, _posted(request.POST, JOB_FIELDS), errors, 400)
    messages.success(request, _("Your changes are saved.") if changes else _("Nothing changed."))
    return redirect("jobs")


def _withdraw_page(request, record, title: str, page: dict, list_url: str) -> HttpResponse:
    if request.method == "POST":
        try:
            lifecycle_services.withdraw(record, actor=request.user)
        except ApplicationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, page["done"])
        return redirect(list_url)
    return render(
        request,
        "web/jobs/withdraw.html",
        {
            **page,
            "title": title,
            "record": record,
            "closed": record.status in CLOSED_STATUSES,
            "list_url": reverse(list_url),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _my_job(request, pk)
    page = {
        "heading": _("Withdraw the job"),
        "explanation": _(
            "Nobody will be proposed for this job any more. Matches that are not finished yet"
            " are cancelled."
        ),
        "done": _("The job “%(title)s” is withdrawn.") % {"title": job.title},
        "action": reverse("job-withdraw", args=[job.pk]),
    }
    return _withdraw_page(request, job, job.title, page, "jobs")


# --- people looking for work ---------------------------------------------------------------

SEEKER_FIELDS = tuple(job_forms.KeptSeekerForm.base_fields)


def _seeker_values(seeker: JobSeeker) -> dict:
    values = {name: as_text(getattr(seeker, name, None)) for name in SEEKER_FIELDS}
    values.update(pin_values(seeker))
    values["skills"] = ", ".join(seeker.skills)
    values["languages"] = list(seeker.languages)
    values["hours_wanted"] = list(seeker.hours_wanted)
    values["travel_radius_km"] = f"{seeker.travel_radius_km:g}"
    values["experience"] = [
        (row.occupation.code, f"{row.years.normalize():f}")
        for row in seeker.experience.select_related("occupation").order_by("-years", "pk")
    ]
    values["counsellor_organisation"] = as_text(seeker.counsellor_organisation_id)
    return values


def _seeker_posted(post) -> dict:
    values = _posted(post, SEEKER_FIELDS)
    values["experience"] = [row for row in job_forms.experience(post)[1] if row != ("", "")]
    return values


def _seeker_page(request, page: dict, values: dict, errors: dict, status: int = 200):
    kept = page["kept"]
    known = set(SEEKER_FIELDS) | {"languages", "hours_wanted", "experience"}
    context = _form_context(_seeker_groups(kept), values, errors, known=known, **page)
    context["distance"] = _item(
        _number(
            "travel_radius_km",
            gettext_lazy("How far would you travel to work (km)?"),
            "1",
            "200",
            "0.5",
        ),
        values,
        context["errors"],
    )
    return render(request, "web/jobs/seeker_form.html", context, status=status)


def _create_seeker(request, page: dict, initial: dict, done_url: str) -> HttpResponse:
    kept = page["kept"]
    if request.method != "POST":
        return _seeker_page(request, page, initial, {})
    fields, errors = job_forms.parse_seeker(request.POST, kept=kept)
    if not errors and kept:
        chosen = fields.pop("counsellor_organisation")
        organisations = page["organisations"]
        found = next((o for o in organisations if o.pk == chosen), None)
        if found is None and chosen is not None:
            errors = {"counsellor_organisation": [_("You are not a member of this organisation.")]}
        fields["counsellor_organisation"] = found or organisations[0]
    if not errors:
        try:
            services.create_job_seeker(user=request.user, **fields)
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return _seeker_page(request, page, _seeker_posted(request.POST), errors, 400)
    messages.success(request, page["done"])
    return redirect(done_url)


def _seeker_initial() -> dict:
    return {
        "travel_radius_km": "15",
        "recognition": Recognition.NONE,
        "available_from": timezone.localdate().isoformat(),
    }


@never_cache
@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    profile = (
        selectors.own_profiles(request.user)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("-created_at")
        .first()
    )
    return render(
        request,
        "web/jobs/profile.html",
        {"profile": profile, "summary": _summary(profile) if profile else None},
    )


def _summary(seeker: JobSeeker) -> dict:
    shown = matching_selectors.as_shown(JobSeeker.objects.filter(pk=seeker.pk), seeker.created_by)
    status = matching_selectors.status_told(shown.first() or seeker)
    return {
        "status": status,
        "status_label": Status(status).label,
        "closed": status in CLOSED_STATUSES,
        "facts": seeker_summary(seeker),
        "hours": [str(Hours(value).label) for value in seeker.hours_wanted],
        "residence": str(ResidenceChoice(seeker.residence).label),
    }


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_profile(request: HttpRequest) -> HttpResponse:
    if selectors.own_profiles(request.user).exclude(status__in=CLOSED_STATUSES).exists():
        return redirect("work-profile")
    page = {
        "heading": _("My profile: I am looking for work"),
        "action": reverse("work-profile-new"),
        "kept": False,
        "done": _("Your profile is saved. We look for work that fits."),
        "list_url": reverse("work-profile"),
    }
    return _create_seeker(request, page, _seeker_initial(), "work-profile")


def _my_seeker(request: HttpRequest, pk: int) -> JobSeeker:
    # Their own, or one their counselling organisation keeps (as the API allows).
    kept = JobSeeker.objects.filter(selectors.job_seekers_kept_q(request.user))
    return get_object_or_404(kept, pk=pk)


def _back(seeker: JobSeeker) -> str:
    return "work-counselling" if seeker.counsellor_organisation_id else "work-profile"


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_profile(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = _my_seeker(request, pk)
    kept = seeker.counsellor_organisation_id is not None
    page = {
        "heading": _("Change the profile"),
        "action": reverse("work-profile-edit", args=[seeker.pk]),
        "record": seeker,
        "kept": kept,
        "edit": True,
        "closed": seeker.status in CLOSED_STATUSES,
        "list_url": reverse(_back(seeker)),
    }
    if request.method != "POST":
        return _seeker_page(request, page, _seeker_values(seeker), {})
    fields, errors = job_forms.parse_seeker(request.POST, kept=kept)
    changes: dict = {}
    if not errors:
        fields.pop("counsellor_organisation", None)
        experience = fields.pop("experience")
        current = sorted(
            (row.occupation.code, row.years)
            for row in seeker.experience.select_related("occupation")
        )
        changes = _changes(seeker, fields)
        if _experience_typed(experience) != current:
            changes["experience"] = experience
        try:
            if changes:
                services.update_job_seeker(record=seeker, user=request.user, **changes)
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return _seeker_page(request, page, _seeker_posted(request.POST), errors, 400)
    messages.success(request, _("Your changes are saved.") if changes else _("Nothing changed."))
    return redirect(_back(seeker))


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_profile(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = _my_seeker(request, pk)
    page = {
        "heading": _("Withdraw the profile"),
        "explanation": _(
            "No work will be proposed any more for this profile. Matches that are not finished"
            " yet are cancelled."
        ),
        "done": _("The profile is withdrawn."),
        "action": reverse("work-profile-withdraw", args=[seeker.pk]),
    }
    title = seeker.person_name or _("My profile")
    return _withdraw_page(request, seeker, title, page, _back(seeker))


@never_cache
@login_required
def why_no_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = _my_seeker(request, pk)
    reason, message, waiting = None, "", False
    # A proposal still under review stays internal to the welcome centre (as_shown).
    live = seeker.matches.filter(state__in=LIVE_STATE_VALUES).exclude(state=MatchState.PROPOSED)
    if seeker.status in CLOSED_STATUSES:
        message = _("This profile is withdrawn or closed: no work is proposed for it.")
    elif live.exists():
        message = _("A proposal is under way: you hear from us as soon as there is news.")
        waiting = True
    elif seeker.approx_point is None:
        message = _(
            "We could not find the place of your address yet, so nothing can be proposed. Please"
            " check the address."
        )
    else:
        diagnosis = JOBS.seeker_diagnosis(seeker, timezone.now(), limit=DIAGNOSIS_CANDIDATES)
        reason = diagnosis.reason
        message = _explain(diagnosis, seeker)
    return render(
        request,
        "web/jobs/why.html",
        {
            "seeker": seeker,
            "reason": reason,
            "message": message,
            "waiting": waiting,
            "list_url": reverse(_back(seeker)),
        },
    )


def _explain(diagnosis, seeker: JobSeeker) -> str:
    # As matching.diagnostics.explain, with the sentences addressed to the person.
    if diagnosis.reason == Reason.NOTHING_IN_RANGE:
        return str(JOBS.nothing_for_seeker % {"km": f"{seeker.travel_radius_km:g}"})
    if diagnosis.reason in (Reason.ALL_RESERVED, Reason.OUTSCORED):
        n = diagnosis.counts.get(FEASIBLE, 0) + diagnosis.counts.get(Reason.ALL_RESERVED, 0)
    else:
        n = diagnosis.counts.get(str(diagnosis.reason), 0)
    return str(JOBS.seeker_messages[diagnosis.reason] % {"n": n})


# --- counsellors ---------------------------------------------------------------------------


def _counselling(request: HttpRequest) -> list:
    organisations = list(selectors.counselling_organisations(request.user).order_by("name", "pk"))
    if not organisations:
        raise PermissionDenied
    return organisations


@never_cache
@login_required
def counselling(request: HttpRequest) -> HttpResponse:
    _counselling(request)
    rows = []
    for seeker in selectors.profiles_kept_by(request.user).order_by("-created_at", "-pk"):
        rows.append({"seeker": seeker, **_summary(seeker)})
    return render(request, "web/jobs/kept_list.html", {"rows": rows})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_kept_profile(request: HttpRequest) -> HttpResponse:
    organisations = _counselling(request)
    page = {
        "heading": _("Keep a profile for a person looking for work"),
        "action": reverse("work-counselling-new"),
        "kept": True,
        "organisations": organisations,
        "done": _("The profile is saved. We look for work that fits."),
        "list_url": reverse("work-counselling"),
    }
    initial = {**_seeker_initial(), "counsellor_organisation": str(organisations[0].pk)}
    return _create_seeker(request, page, initial, "work-counselling")


# --- coordinators --------------------------------------------------------------------------


@never_cache
@login_required
def employers_to_check(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    open_jobs = Job.objects.exclude(status__in=CLOSED_STATUSES).order_by("-created_at")
    employers = selectors.employers_to_check().prefetch_related(
        Prefetch("organisation__jobs", queryset=open_jobs, to_attr="open_jobs")
    )
    rows = [
        {"employer": employer, "jobs": employer.organisation.open_jobs[:20]}
        for employer in employers
    ]
    return render(request, "web/jobs/employers_check.html", {"rows": rows})


def _employer_step(request: HttpRequest, pk: int, step, done: str) -> HttpResponse:
    _coordinator(request)
    employer = get_object_or_404(Employer.objects.select_related("organisation"), pk=pk)
    try:
        step(employer=employer, coordinator=request.user)
    except ApplicationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, done % {"name": employer.organisation.name})
    return redirect("work-employers")


@login_required
@require_POST
def check_employer(request: HttpRequest, pk: int) -> HttpResponse:
    return _employer_step(
        request, pk, services.check_employer, _("“%(name)s” is checked; its jobs are matched.")
    )


@login_required
@require_POST
def withdraw_check(request: HttpRequest, pk: int) -> HttpResponse:
    return _employer_step(
        request,
        pk,
        services.withdraw_employer_check,
        _("The check of “%(name)s” is withdrawn; its jobs are not matched."),
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def correct_residence(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    job = get_object_or_404(Job.objects.select_related("organisation"), pk=pk)
    values = {"open_to": list(job.open_to), "residence_irrelevant": job.residence_irrelevant}
    errors: dict = {}
    if request.method == "POST":
        values = job_forms.parse_residence(request.POST)
        try:
            services.correct_residence(record=job, coordinator=request.user, **values)
        except ApplicationError as error:
            errors = error.errors
        else:
            messages.success(request, _("Whom the job is open to is corrected."))
            return redirect("work-employers")
    shown = dict(errors)
    shown.setdefault("open_to", [])
    general = [m for name, found in errors.items() if name != "open_to" for m in found]
    return render(
        request,
        "web/jobs/residence.html",
        {
            "job": job,
            "closed": job.status in CLOSED_STATUSES,
            "open_to": _item(
                Choice(
                    "open_to",
                    gettext_lazy("Residence situations the job is open to"),
                    _residence(),
                    multiple=True,
                ),
                values,
                shown,
            ),
            "irrelevant": _item(
                Field(
                    "residence_irrelevant",
                    gettext_lazy("Not relevant: this is a training place"),
                    "checkbox",
                ),
                {"residence_irrelevant": "on" if values["residence_irrelevant"] else ""},
                shown,
            ),
            "general_errors": general,
            "has_errors": bool(errors),
        },
        status=400 if errors else 200,
    )
