"""Writing the directory: provider profiles, services, their hours, publication and review.

Who: active members of the organisation, and coordinators (the welcome centre's editors are
coordinators for now). Every rule lives here; a refusal is an `ApplicationError` naming every
field that needs a fix at once, and nothing is written.

Publication: `publish_*` makes a draft public at once, or puts it in review when the
organisation's profile says `needs_review` (a coordinator's own publishing never waits);
`approve_*` (coordinators) publishes what waits. A change made by the organisation to a
published entry of an organisation that needs review goes back to review, so that review
cannot be passed by publishing something harmless and changing it afterwards. Whenever an
entry starts to wait for review, and when a coordinator approves one that waited,
`directory.signals` says so after commit (notifications tells the coordinators and the
organisation's admins).

Hours: see `directory.hours` for the rule (a closing time before the opening time means past
midnight, up to 06:00; "18:00–09:00" is refused as ending before it starts).
"""

import re
from collections.abc import Iterable, Mapping
from datetime import date, time

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation
from base.errors import NOT_ALLOWED, WRONG_STATE, ApplicationError
from base.text import UnsafeText, clean_text
from directory.hours import interval_problem, week_overlaps
from directory.models import (
    Audience,
    Cost,
    HoursException,
    OpeningHours,
    ProviderKind,
    ProviderProfile,
    PublicationStatus,
    Service,
    Weekday,
)
from directory.signals import review_approved, submitted_for_review
from directory.taxonomy import SPOKEN, TOPICS
from editorial import services as editorial
from editorial.languages import content_languages, is_content_language
from geo.models import GeocodeStatus
from geo.services import apply_placement, place_address

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
COST_NOTE_MAX = 300
MAX_HOURS = 28  # four intervals a day
MAX_EXCEPTIONS = 60
_PHONE = re.compile(r"^\+?[0-9][0-9 ()/\-]{3,38}$")
_URL = URLValidator(schemes=["http", "https"])
_EMAIL = EmailValidator()

PROFILE_TEXT_FIELDS = ("name", "description")
SERVICE_TEXT_FIELDS = ("title", "description", "cost_note")


# --- who --------------------------------------------------------------------------------------


def may_edit(user, organisation: Organisation) -> bool:
    """Active members of the organisation and coordinators."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_coordinator:
        return True
    return Membership.objects.filter(
        user=user, organisation=organisation, status=Membership.Status.ACTIVE
    ).exists()


def _require_editor(user, organisation: Organisation) -> None:
    if not may_edit(user, organisation):
        raise ApplicationError(
            _("Only members of the organisation and the welcome centre can change this."),
            code=NOT_ALLOWED,
        )


def _require_coordinator(user) -> None:
    if user is None or not user.is_authenticated or not user.is_coordinator:
        raise ApplicationError(
            _("Only the welcome centre's editors can review entries."), code=NOT_ALLOWED
        )


# --- parsing helpers that collect errors ------------------------------------------------------


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ApplicationError(dict(self))


def _text(errors: _Errors, field: str, value, *, limit: int, multiline=False, required=False):
    text = "" if value is None else str(value).strip()
    try:
        text = clean_text(text, multiline=multiline)
    except UnsafeText as refused:
        for message in refused.messages:
            errors.add(field, message)
        return ""
    if required and not text:
        errors.add(field, _("This field is required."))
    if len(text) > limit:
        errors.add(field, _("Please keep this under %(n)s characters.") % {"n": limit})
    return text


def _contact(errors: _Errors, values: Mapping) -> dict:
    found = {}
    if "website" in values:
        website = _text(errors, "website", values["website"], limit=300)
        if website:
            try:
                _URL(website)
            except ValidationError:
                errors.add("website", _("Give the full address, e.g. https://example.org."))
        found["website"] = website
    if "phone" in values:
        phone = _text(errors, "phone", values["phone"], limit=40)
        if phone and not _PHONE.match(phone):
            errors.add("phone", _("Give a phone number with digits, e.g. +49 341 1234567."))
        found["phone"] = phone
    if "email" in values:
        email = _text(errors, "email", values["email"], limit=254)
        if email:
            try:
                _EMAIL(email)
            except ValidationError:
                errors.add("email", _("Give an email address, e.g. info@example.org."))
        found["email"] = email
    return found


def _language(errors: _Errors, language: str) -> str:
    if not is_content_language(language):
        errors.add(
            "language",
            _("Choose one of the languages content is written in: %(languages)s.")
            % {"languages": ", ".join(content_languages())},
        )
    return language


def _choices(errors: _Errors, field: str, values, known: Iterable[str], message: str) -> list:
    if isinstance(values, str):
        values = [values]
    values = list(dict.fromkeys(str(v).strip() for v in (values or []) if str(v).strip()))
    known = set(known)
    unknown = [v for v in values if v not in known]
    if unknown:
        errors.add(field, message % {"values": ", ".join(unknown[:5])})
    return [v for v in values if v in known]


def _time(value) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    try:
        return time.fromisoformat(str(value)).replace(second=0, microsecond=0, tzinfo=None)
    except ValueError:
        return None


def _weekday_label(weekday: int) -> str:
    return str(Weekday(weekday).label)


def clean_hours(errors: _Errors, hours) -> list[tuple[int, time, time]]:
    """The weekly intervals, or messages on "hours" naming each bad row."""
    cleaned: list[tuple[int, time, time]] = []
    rows = list(hours or [])
    if len(rows) > MAX_HOURS:
        errors.add("hours", _("At most %(n)s intervals a week.") % {"n": MAX_HOURS})
        return []
    for number, row in enumerate(rows, start=1):
        try:
            weekday = int(row.get("weekday"))
            Weekday(weekday)
        except (TypeError, ValueError):
            errors.add("hours", _("Row %(n)s: choose a day of the week.") % {"n": number})
            continue
        opens, closes = _time(row.get("opens")), _time(row.get("closes"))
        problem = interval_problem(opens, closes)
        if problem:
            errors.add(
                "hours",
                _("%(day)s %(opens)s–%(closes)s: %(problem)s")
                % {
                    "day": _weekday_label(weekday),
                    "opens": opens.strftime("%H:%M") if opens else "?",
                    "closes": closes.strftime("%H:%M") if closes else "?",
                    "problem": problem,
                },
            )
            continue
        cleaned.append((weekday, opens, closes))
    for a, b in week_overlaps(cleaned):
        errors.add(
            "hours",
            _("%(day)s: two intervals overlap (%(a)s and %(b)s).")
            % {
                "day": _weekday_label(cleaned[a][0]),
                "a": f"{cleaned[a][1]:%H:%M}–{cleaned[a][2]:%H:%M}",
                "b": f"{cleaned[b][1]:%H:%M}–{cleaned[b][2]:%H:%M}",
            },
        )
    return cleaned


def clean_exceptions(errors: _Errors, rows) -> list[dict]:
    cleaned: list[dict] = []
    rows = list(rows or [])
    if len(rows) > MAX_EXCEPTIONS:
        errors.add("exceptions", _("At most %(n)s dates.") % {"n": MAX_EXCEPTIONS})
        return []
    seen: set[date] = set()
    for number, row in enumerate(rows, start=1):
        day = row.get("date")
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:
                day = None
        if not isinstance(day, date) or day.year < 2000 or day.year > 2100:
            errors.add("exceptions", _("Row %(n)s: give a date.") % {"n": number})
            continue
        if day in seen:
            errors.add(
                "exceptions",
                _("%(date)s is given twice.") % {"date": day.isoformat()},
            )
            continue
        seen.add(day)
        closed = bool(row.get("closed", True))
        opens, closes = _time(row.get("opens")), _time(row.get("closes"))
        note_errors = _Errors()
        note = _text(note_errors, "exceptions", row.get("note", ""), limit=120)
        for message in note_errors.get("exceptions", []):
            errors.add("exceptions", f"{day.isoformat()}: {message}")
        if closed:
            opens = closes = None
        else:
            problem = interval_problem(opens, closes)
            if problem:
                errors.add("exceptions", f"{day.isoformat()}: {problem}")
                continue
        cleaned.append(
            {"date": day, "closed": closed, "opens": opens, "closes": closes, "note": note}
        )
    return cleaned


def _write_hours(service: Service, hours, exceptions) -> None:
    if hours is not None:
        service.hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(service=service, weekday=w, opens=o, closes=c) for w, o, c in hours
        )
    if exceptions is not None:
        service.exceptions.all().delete()
        HoursException.objects.bulk_create(
            HoursException(service=service, **row) for row in exceptions
        )


def _place(errors: _Errors, record: Service, address, latitude, longitude) -> None:
    address = _text(errors, "address", address, limit=300, required=True)
    if "address" in errors:
        return
    if (latitude is None) != (longitude is None):
        errors.add("address", _("Give both latitude and longitude, or neither."))
        return
    try:
        placement = place_address(address, latitude, longitude)
    except ApplicationError as refused:
        for name, messages in refused.errors.items():
            for message in messages:
                errors.add(name, message)
        return
    record.address = address
    apply_placement(record, placement)
    # The gazetteer's place (or the pin) is the service's point; no remote refinement is
    # wired for the directory yet, so nothing is left "pending".
    record.geocode_status = GeocodeStatus.PLACED


# --- provider profiles ------------------------------------------------------------------------


@transaction.atomic
def save_provider_profile(
    *, organisation: Organisation, actor, language: str = "de", **values
) -> ProviderProfile:
    """Create the organisation's profile, or change the given fields of it. `name` and
    `description` are the text in `language` (its source language when created; a change
    in another language than the source is a translation)."""
    _require_editor(actor, organisation)
    errors = _Errors()
    profile = ProviderProfile.objects.select_for_update().filter(organisation=organisation).first()
    language = _language(errors, language)
    fields = {}
    if "name" in values or profile is None:
        fields["name"] = _text(errors, "name", values.get("name"), limit=TITLE_MAX, required=True)
    if "description" in values:
        fields["description"] = _text(
            errors, "description", values["description"], limit=DESCRIPTION_MAX, multiline=True
        )
    contact = _contact(errors, values)
    kind = values.get("kind")
    if kind is not None and kind not in ProviderKind.values:
        errors.add("kind", _("Choose one of the kinds of provider."))
    if "needs_review" in values and not (actor.is_coordinator):
        errors.add("needs_review", _("Only the welcome centre decides about review."))
    errors.raise_if_any()
    if profile is None:
        text = editorial.create_text(
            language=language, fields=fields, required=("name",), actor=actor
        )
        profile = ProviderProfile(
            organisation=organisation,
            text=text,
            kind=kind or ProviderKind.PROVIDER,
            last_confirmed_on=timezone.localdate(),
            last_confirmed_by=actor,
            **contact,
        )
        if "needs_review" in values:
            profile.needs_review = bool(values["needs_review"])
        profile.save()
        return profile
    _write_text(profile.text, language, fields, actor)
    for name, value in contact.items():
        setattr(profile, name, value)
    if kind is not None:
        profile.kind = kind
    if "needs_review" in values:
        profile.needs_review = bool(values["needs_review"])
    status_before = profile.status
    profile.status = _status_after_change(profile, profile, actor)
    profile.last_confirmed_on = timezone.localdate()
    profile.last_confirmed_by = actor
    profile.save()
    _announce_status(ProviderProfile, profile, status_before)
    return profile


def _write_text(text, language: str, fields: dict, actor) -> None:
    if not fields:
        return
    if language == text.source_language:
        editorial.edit_source(text, fields=fields, actor=actor)
    else:
        current = dict(
            text.translations.filter(language=language).values_list("fields", flat=True).first()
            or {}
        )
        editorial.translate(text, language=language, fields={**current, **fields}, actor=actor)


def _status_after_change(entry, profile: ProviderProfile, actor) -> str:
    if (
        entry.status == PublicationStatus.PUBLISHED
        and profile.needs_review
        and not actor.is_coordinator
    ):
        return PublicationStatus.IN_REVIEW
    return entry.status


# --- services ---------------------------------------------------------------------------------


def _service_values(errors: _Errors, values: Mapping, *, creating: bool) -> tuple[dict, dict]:
    """(model values, text fields) of the given inputs."""
    model: dict = {}
    text: dict = {}
    if "title" in values or creating:
        text["title"] = _text(errors, "title", values.get("title"), limit=TITLE_MAX, required=True)
    if "description" in values:
        text["description"] = _text(
            errors, "description", values["description"], limit=DESCRIPTION_MAX, multiline=True
        )
    if "cost_note" in values:
        text["cost_note"] = _text(errors, "cost_note", values["cost_note"], limit=COST_NOTE_MAX)
    if "topics" in values or creating:
        model["topics"] = _choices(
            errors, "topics", values.get("topics"), TOPICS, _("Unknown topic: %(values)s.")
        )
        if not model["topics"] and "topics" not in errors:
            errors.add("topics", _("Choose at least one topic."))
    if "audience" in values:
        model["audience"] = _choices(
            errors,
            "audience",
            values["audience"],
            Audience.values,
            _("Unknown audience: %(values)s."),
        )
    if "languages" in values or creating:
        model["languages"] = _choices(
            errors,
            "languages",
            values.get("languages"),
            SPOKEN,
            _("Unknown language code: %(values)s. Use ISO 639 codes such as ar, uk or fa."),
        )
        if not model["languages"] and "languages" not in errors:
            errors.add("languages", _("Name at least one language the staff speak."))
    if "cost" in values:
        if values["cost"] not in Cost.values:
            errors.add("cost", _("Choose free of charge or with a fee."))
        else:
            model["cost"] = values["cost"]
    for flag in ("appointment_only", "barrier_free"):
        if flag in values:
            model[flag] = bool(values[flag])
    model.update(_contact(errors, values))
    return model, text


@transaction.atomic
def create_service(
    *,
    provider: ProviderProfile,
    actor,
    language: str = "de",
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    hours: Iterable[Mapping] = (),
    exceptions: Iterable[Mapping] = (),
    **values,
) -> Service:
    """A new service of the provider, as a draft (publish it with `publish_service`)."""
    _require_editor(actor, provider.organisation)
    errors = _Errors()
    language = _language(errors, language)
    model, text_fields = _service_values(errors, values, creating=True)
    cleaned_hours = clean_hours(errors, hours)
    cleaned_exceptions = clean_exceptions(errors, exceptions)
    service = Service(
        provider=provider,
        owner=provider.organisation,
        last_confirmed_on=timezone.localdate(),
        last_confirmed_by=actor,
        **model,
    )
    _place(errors, service, address, latitude, longitude)
    errors.raise_if_any()
    service.text = editorial.create_text(
        language=language, fields=text_fields, required=("title",), actor=actor
    )
    service.save()
    _write_hours(service, cleaned_hours, cleaned_exceptions)
    return service


@transaction.atomic
def update_service(*, service: Service, actor, language: str | None = None, **changes) -> Service:
    """Change the given fields. `hours` and `exceptions`, when given, replace all. Text
    fields in another language than the source are that language's translation."""
    locked = (
        Service.objects.select_for_update()
        .select_related("provider__organisation", "text")
        .get(pk=service.pk)
    )
    _require_editor(actor, locked.provider.organisation)
    errors = _Errors()
    language = _language(errors, language or locked.text.source_language)
    place = {
        name: changes.pop(name) for name in ("address", "latitude", "longitude") if name in changes
    }
    hours = changes.pop("hours", None)
    exceptions = changes.pop("exceptions", None)
    model, text_fields = _service_values(errors, changes, creating=False)
    cleaned_hours = clean_hours(errors, hours) if hours is not None else None
    cleaned_exceptions = clean_exceptions(errors, exceptions) if exceptions is not None else None
    if place:
        _place(
            errors,
            locked,
            place.get("address", locked.address),
            place.get("latitude"),
            place.get("longitude"),
        )
    errors.raise_if_any()
    _write_text(locked.text, language, text_fields, actor)
    for name, value in model.items():
        setattr(locked, name, value)
    status_before = locked.status
    locked.status = _status_after_change(locked, locked.provider, actor)
    locked.last_confirmed_on = timezone.localdate()
    locked.last_confirmed_by = actor
    locked.save()
    _announce_status(Service, locked, status_before)
    _write_hours(locked, cleaned_hours, cleaned_exceptions)
    return locked


def translate_service(*, service: Service, actor, language: str, fields: Mapping) -> None:
    """A translation of the service's texts (the welcome centre's translators or the
    organisation)."""
    _require_editor(actor, service.provider.organisation)
    errors = _Errors()
    cleaned = {
        name: _text(
            errors,
            name,
            fields.get(name, ""),
            limit=DESCRIPTION_MAX,
            multiline=name == "description",
        )
        for name in SERVICE_TEXT_FIELDS
        if name in fields
    }
    errors.raise_if_any()
    editorial.translate(
        service.text, language=language, fields=cleaned, required=("title",), actor=actor
    )


def translate_profile(*, profile: ProviderProfile, actor, language: str, fields: Mapping) -> None:
    _require_editor(actor, profile.organisation)
    errors = _Errors()
    cleaned = {
        name: _text(
            errors,
            name,
            fields.get(name, ""),
            limit=DESCRIPTION_MAX,
            multiline=name == "description",
        )
        for name in PROFILE_TEXT_FIELDS
        if name in fields
    }
    errors.raise_if_any()
    editorial.translate(
        profile.text, language=language, fields=cleaned, required=("name",), actor=actor
    )


# --- publication ------------------------------------------------------------------------------


def _announce_status(model, record, before: str, *, approval: bool = False) -> None:
    """Tell the layers above, once committed, that the record started to wait for review, or
    that a coordinator's `approval` published what waited."""
    if record.status == before:
        return
    if record.status == PublicationStatus.IN_REVIEW:
        signal = submitted_for_review
    elif approval and before == PublicationStatus.IN_REVIEW:
        signal = review_approved
    else:
        return
    # Robust: the change is saved already; a receiver that fails is logged, and the editor's
    # request still succeeds.
    transaction.on_commit(lambda: signal.send(sender=model, record=record), robust=True)


def _move(
    model,
    pk: int,
    allowed_from: tuple[str, ...],
    target: str,
    *,
    same_ok=True,
    approval: bool = False,
):
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=pk)
        if locked.status == target and same_ok:
            return locked
        if locked.status not in allowed_from:
            raise ApplicationError(
                {
                    "status": _("An entry that is “%(current)s” cannot become “%(target)s”.")
                    % {
                        "current": PublicationStatus(locked.status).label,
                        "target": PublicationStatus(target).label,
                    }
                },
                code=WRONG_STATE,
            )
        before = locked.status
        locked.status = target
        locked.save(update_fields=["status", "updated_at"])
        _announce_status(model, locked, before, approval=approval)
        return locked


def _publish_target(profile: ProviderProfile, actor) -> str:
    if profile.needs_review and not actor.is_coordinator:
        return PublicationStatus.IN_REVIEW
    return PublicationStatus.PUBLISHED


def _publish(model, pk: int, target: str):
    """A draft goes to `target`; one already in review may go on to published."""
    allowed = (PublicationStatus.DRAFT,)
    if target == PublicationStatus.PUBLISHED:
        allowed += (PublicationStatus.IN_REVIEW,)
    return _move(model, pk, allowed, target)


def _approve(model, pk: int):
    return _move(
        model,
        pk,
        (PublicationStatus.IN_REVIEW, PublicationStatus.DRAFT),
        PublicationStatus.PUBLISHED,
        approval=True,
    )


def publish_service(*, service: Service, actor) -> Service:
    """Publish a draft: public at once, or in review if the organisation needs review."""
    _require_editor(actor, service.provider.organisation)
    return _publish(Service, service.pk, _publish_target(service.provider, actor))


def approve_service(*, service: Service, actor) -> Service:
    _require_coordinator(actor)
    return _approve(Service, service.pk)


def unpublish_service(*, service: Service, actor) -> Service:
    """Back to draft: no longer public (the organisation or an editor)."""
    _require_editor(actor, service.provider.organisation)
    return _move(
        Service,
        service.pk,
        (PublicationStatus.PUBLISHED, PublicationStatus.IN_REVIEW),
        PublicationStatus.DRAFT,
    )


def publish_profile(*, profile: ProviderProfile, actor) -> ProviderProfile:
    _require_editor(actor, profile.organisation)
    return _publish(ProviderProfile, profile.pk, _publish_target(profile, actor))


def approve_profile(*, profile: ProviderProfile, actor) -> ProviderProfile:
    _require_coordinator(actor)
    return _approve(ProviderProfile, profile.pk)


# --- currency ------------------------------------------------------------------------------------


def confirm_service(*, service: Service, actor) -> Service:
    """The organisation (or an editor) says the entry is still right today."""
    _require_editor(actor, service.provider.organisation)
    return editorial.confirm_current(service, actor=actor)
