"""Writes for events: post and change a series (its title and description are an editorial
text), leave one date out, add an extra date, confirm it is still right.

Every rule lives here; forms and serializers only parse. A refusal is an ApplicationError with
a message beside each field at fault, and nothing is saved (one transaction).

Time rules: no event before EARLIEST_YEAR or more than FUTURE_LIMIT ahead (a typo such as
"1926" or "2206"); each date ends after it starts and lasts at most MAX_DURATION; a repeating
event has an end (COUNT or UNTIL), at most recurrence.MAX_OCCURRENCES dates, and repeats at
most daily. The rule is expanded by python-dateutil (events.recurrence), never by hand.

Publication, the directory's rule per organisation: coordinators, and organisations whose
provider profile says they publish without review (`needs_review` off, set by the welcome
centre), publish at once; every other organisation — also one without a provider profile,
the safe default — publishes after a coordinator approved (`submit` → in review →
`approve`). Imports and the demo (no user: calendars configured by coordinators) publish
directly. A change by such an organisation to a published series sends it back to review,
so that review cannot be passed by publishing something harmless and changing it later;
cancelling or adding one date does not (it changes no text or place). Whenever a series starts
to wait for review, and when a coordinator approves it, `events.signals` says so after commit
(notifications tells the coordinators and the organisation's admins).
"""

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from base.errors import NOT_ALLOWED, WRONG_STATE, ApplicationError, collect
from base.text import clean_model_text
from editorial import services as editorial_services
from events import recurrence, selectors
from events.models import EventCategory, EventSeries, EventStatus
from events.signals import review_approved, submitted_for_review
from geo.services import place_address

EARLIEST_YEAR = 2000
FUTURE_LIMIT = timedelta(days=3 * 366)
MAX_DURATION = timedelta(days=31)
TEXT_FIELDS = ("title", "description")
TIME_FIELDS = ("starts_at", "duration", "rrule", "exdates", "rdates", "time_zone")
PLACE_FIELDS = ("address", "latitude", "longitude", "online", "online_url", "venue")
PLAIN_FIELDS = (
    "audiences",
    "languages",
    "online",
    "online_url",
    "venue",
    "free",
    "cost",
    "registration_url",
    "registration_required",
    "places",
)
PLACEMENT_FIELDS = ("point", "approx_point", "postal_code", "place", "district", "precision")


def _aware(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _within_limits(moment: datetime, now: datetime) -> bool:
    return moment.year >= EARLIEST_YEAR and moment <= now + FUTURE_LIMIT


def _limit_message() -> str:
    return _("Please give a date between the year %(first)s and %(years)s years from now.") % {
        "first": EARLIEST_YEAR,
        "years": FUTURE_LIMIT.days // 366,
    }


def _check_time(series: EventSeries, errors: dict[str, list[str]]) -> None:
    """Check the time of a series and derive its rule's spelling and last end, or note the
    messages by field."""
    now = timezone.now()
    try:
        recurrence.zone(series.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.setdefault("time_zone", []).append(_("This is not a known time zone."))
        return
    if series.starts_at is None:
        errors.setdefault("starts_at", []).append(_("When does it start?"))
        return
    series.starts_at = _aware(series.starts_at)
    if not _within_limits(series.starts_at, now):
        errors.setdefault("starts_at", []).append(_limit_message())
    if series.duration is None or series.duration <= timedelta(0):
        errors.setdefault("duration", []).append(_("The event must end after it starts."))
    elif series.duration > MAX_DURATION:
        errors.setdefault("duration", []).append(
            _("One date of an event lasts at most %(days)s days.") % {"days": MAX_DURATION.days}
        )
    try:
        series.rrule = recurrence.normalise_rule(series.rrule, tz=series.time_zone)
    except recurrence.RuleError as error:
        errors.setdefault("rrule", []).append(str(error))
        return
    series.exdates = sorted({_aware(m).astimezone(UTC) for m in series.exdates})
    series.rdates = sorted({_aware(m).astimezone(UTC) for m in series.rdates})
    if any(not _within_limits(m, now) for m in series.rdates):
        errors.setdefault("rdates", []).append(_limit_message())
    if errors:
        return
    starts = recurrence.starts(
        series.starts_at,
        rule=series.rrule,
        tz=series.time_zone,
        exdates=series.exdates,
        rdates=series.rdates,
    )
    if len(starts) > recurrence.MAX_OCCURRENCES:
        errors.setdefault("rrule", []).append(
            _("An event repeats at most %(n)s times; please end it earlier.")
            % {"n": recurrence.MAX_OCCURRENCES}
        )
        return
    if not starts:
        # Say where the fix is: a rule that gives no date at all (its end lies before its
        # start) is not a matter of the dates left out.
        unfiltered = recurrence.starts(
            series.starts_at, rule=series.rrule, tz=series.time_zone, rdates=series.rdates
        )
        if unfiltered:
            errors.setdefault("exdates", []).append(_("Every date of this event is left out."))
        else:
            errors.setdefault("rrule", []).append(_("The last date lies before the first date."))
        return
    if not _within_limits(starts[-1], now):
        errors.setdefault("rrule", []).append(_limit_message())
        return
    series.last_ends_at = starts[-1] + series.duration


def _place(
    series: EventSeries, latitude, longitude, errors: dict[str, list[str]], *, strict: bool
) -> None:
    """Place the venue's address with the gazetteer (a pin the person set wins); an online
    event without an address has no place on the map. An imported event (not `strict`) whose
    place the gazetteer does not know keeps its address as text, off the map: a city's
    calendar names venues ("Stadtbibliothek, Oberlichtsaal") that no postal code says."""
    for name in PLACEMENT_FIELDS:
        setattr(series, name, None if name in ("point", "approx_point") else "")
    if not series.address:
        if not series.online and strict:
            errors.setdefault("address", []).append(
                _("Where does it take place? Give the address, or say that it is online.")
            )
        return
    try:
        placement = place_address(series.address, latitude, longitude)
    except ValidationError as error:
        if strict:
            collect(errors, error)
        return
    series.point = placement.point
    series.approx_point = placement.approx_point
    series.postal_code = placement.postal_code
    series.place = placement.place
    series.district = placement.district
    series.precision = placement.precision


def _check_plain(series: EventSeries, errors: dict[str, list[str]]) -> None:
    if series.online and not series.online_url:
        errors.setdefault("online_url", []).append(_("Give the link to join online."))
    if not series.free and not series.cost.strip():
        errors.setdefault("cost", []).append(_("Say what it costs, or that it is free."))
    try:
        clean_model_text(series)
    except ApplicationError as error:
        collect(errors, error)
    exclude = ["text", "last_confirmed_on", *PLACEMENT_FIELDS, "last_ends_at"]
    exclude += [name for name in errors if name != "detail"]
    try:
        series.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as error:
        collect(errors, error)


def _categories(values: Iterable) -> list[EventCategory]:
    found = []
    for value in values:
        if isinstance(value, EventCategory):
            found.append(value)
            continue
        category = EventCategory.objects.filter(slug=value).first()
        if category is None:
            raise ApplicationError({"categories": _("There is no category “%s”.") % value})
        found.append(category)
    return found


def _check_owner(user: User | None, owner: Organisation | None) -> Organisation:
    if user is None:  # an import: its calendar names the owner
        if owner is None:
            raise ApplicationError({"owner": _("Which organisation does it belong to?")})
        return owner
    if owner is None:
        owner = selectors.organisations_to_post_for(user).first()
    if owner is None or not selectors.may_post_for(user, owner):
        raise ApplicationError(
            {"owner": _("You can post events only for an organisation you are a member of.")},
            code=NOT_ALLOWED,
        )
    return owner


@transaction.atomic
def create_series(
    *,
    user: User | None,
    owner: Organisation | None = None,
    language: str = "de",
    title: str = "",
    description: str = "",
    categories: Iterable = (),
    starts_at: datetime | None = None,
    duration: timedelta | None = None,
    rrule: str = "",
    exdates: Iterable[datetime] = (),
    rdates: Iterable[datetime] = (),
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    time_zone: str | None = None,
    source: str = "",
    external_uid: str = "",
    external_fingerprint: str = "",
    published: bool = True,
    **plain,
) -> EventSeries:
    """A new series of `owner` (an organisation the user is an active member of; any for a
    coordinator; the calendar's owner for an import, `user` None). Its title and description
    are written in `language`. `published`: to be published (at once, or after review when
    the organisation's rule says so); False keeps it a draft."""
    unknown = set(plain) - set(PLAIN_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    owner = _check_owner(user, owner)
    series = EventSeries(
        owner=owner,
        last_confirmed_on=timezone.localdate(),
        last_confirmed_by=user,
        created_by=user,
        starts_at=starts_at,
        duration=duration,
        rrule=rrule or "",
        exdates=list(exdates),
        rdates=list(rdates),
        address=(address or "").strip(),
        time_zone=time_zone or settings.TIME_ZONE,
        source=source,
        external_uid=external_uid,
        external_fingerprint=external_fingerprint,
        status=_publish_target(user, owner) if published else EventStatus.DRAFT,
        **plain,
    )
    errors: dict[str, list[str]] = {}
    try:
        found_categories = _categories(categories)
    except ApplicationError as error:
        collect(errors, error)
        found_categories = []
    _check_time(series, errors)
    _check_plain(series, errors)
    if "address" not in errors:
        _place(series, latitude, longitude, errors, strict=user is not None)
    try:
        series.text = editorial_services.create_text(
            language=language,
            fields={"title": title, "description": description},
            required=("title",),
            actor=user,
        )
    except ApplicationError as error:
        collect(errors, error)
    if errors:
        raise ApplicationError(errors)
    series.save()
    series.categories.set(found_categories)
    if series.status == EventStatus.IN_REVIEW:
        _announce(submitted_for_review, series)
    return series


def _require_manager(user: User | None, series: EventSeries) -> None:
    if user is not None and not selectors.may_manage(user, series):
        raise ApplicationError(
            _("Only the organisation that posted this event or a coordinator can change it."),
            code=NOT_ALLOWED,
        )


def _snapshot(series: EventSeries) -> tuple:
    """What a reader sees of a series besides its text and categories (to tell a change)."""
    names = (*TIME_FIELDS, *PLACE_FIELDS, *PLAIN_FIELDS, "last_ends_at")
    return tuple(
        getattr(series, name)
        for name in dict.fromkeys(names)
        if name not in ("latitude", "longitude")
    ) + (series.point.wkt if series.point else None,)


@transaction.atomic
def update_series(*, series: EventSeries, user: User | None, **changes) -> EventSeries:
    """Change what is given. A new title or description is a new version of the source text
    (its translations become outdated); a new address is placed again. `published`: True
    submits it (published at once or after review), False takes it down. A change by an
    organisation that publishes after review sends a published series back to review."""
    _require_manager(user, series)
    publish = changes.pop("published", None)
    locked = EventSeries.objects.select_for_update().get(pk=series.pk)
    status_before = locked.status
    before = _snapshot(locked)
    before_categories = set(locked.categories.values_list("pk", flat=True))
    text_version = new_text_version = locked.text.version
    allowed = {
        *TEXT_FIELDS,
        *TIME_FIELDS,
        *PLACE_FIELDS,
        *PLAIN_FIELDS,
        "categories",
        "external_fingerprint",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    texts = {name: changes.pop(name) for name in TEXT_FIELDS if name in changes}
    latitude, longitude = changes.pop("latitude", None), changes.pop("longitude", None)
    found_categories = None
    if "categories" in changes:
        try:
            found_categories = _categories(changes.pop("categories"))
        except ApplicationError as error:
            collect(errors, error)
    for name in ("exdates", "rdates"):
        if name in changes:
            changes[name] = list(changes[name])
    if "address" in changes:
        changes["address"] = (changes["address"] or "").strip()
    place_changed = (
        "address" in changes
        or "online" in changes
        or latitude is not None
        or locked.address != changes.get("address", locked.address)
    )
    for name, value in changes.items():
        setattr(locked, name, value)
    _check_time(locked, errors)
    _check_plain(locked, errors)
    if place_changed and "address" not in errors:
        _place(locked, latitude, longitude, errors, strict=user is not None)
    if texts:
        required = ("title",) if "title" in texts else ()
        if not errors:
            try:
                new_text_version = editorial_services.edit_source(
                    locked.text, fields=texts, required=required, actor=user
                ).version
            except ApplicationError as error:
                collect(errors, error)
        elif "title" in texts and not str(texts["title"] or "").strip():
            errors.setdefault("title", []).append(_("This field is required."))
    if errors:
        raise ApplicationError(errors)
    changed = _snapshot(locked) != before or new_text_version != text_version
    if found_categories is not None:
        changed = changed or {c.pk for c in found_categories} != before_categories
    directly = _publishes_directly(user, locked.owner)
    if changed and not directly and locked.status == EventStatus.PUBLISHED:
        locked.status = EventStatus.IN_REVIEW
    if publish is True and locked.status != EventStatus.PUBLISHED:
        locked.status = EventStatus.PUBLISHED if directly else EventStatus.IN_REVIEW
    elif publish is False:
        locked.status = _taken_down(locked.status)
    locked.save()
    if found_categories is not None:
        locked.categories.set(found_categories)
    if locked.status == EventStatus.IN_REVIEW and status_before != EventStatus.IN_REVIEW:
        _announce(submitted_for_review, locked)
    return _fresh(locked)


def _local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(recurrence.zone(tz)).date()


@transaction.atomic
def cancel_date(*, series: EventSeries, user: User | None, on: date | datetime) -> EventSeries:
    """Leave one date out (an EXDATE): the one that starts at `on`, or on the day `on` in the
    series' time zone. Cancelling a date that is already left out changes nothing."""
    _require_manager(user, series)
    locked = EventSeries.objects.select_for_update().get(pk=series.pk)
    if isinstance(on, datetime):
        on = _aware(on)
        if on.astimezone(UTC) in {m.astimezone(UTC) for m in locked.exdates}:
            return locked
    dates = selectors.all_occurrences(locked)
    if isinstance(on, datetime):
        match = [o.start for o in dates if o.start == on.astimezone(UTC)]
    else:
        if any(_local_date(m, locked.time_zone) == on for m in locked.exdates):
            return locked
        match = [o.start for o in dates if _local_date(o.start, locked.time_zone) == on]
    if not match:
        raise ApplicationError({"date": _("This event has no date then.")})
    if len(dates) == 1:
        raise ApplicationError(
            {"date": _("This is the event's only date: unpublish the event instead.")}
        )
    locked.exdates = sorted({*locked.exdates, *match})
    errors: dict[str, list[str]] = {}
    _check_time(locked, errors)
    if errors:
        raise ApplicationError(errors)
    locked.save(update_fields=["exdates", "last_ends_at", "rrule", "rdates", "updated_at"])
    return locked


@transaction.atomic
def add_date(*, series: EventSeries, user: User | None, start: datetime) -> EventSeries:
    """An extra date (an RDATE) at `start`, as long as the other dates; a date that was left
    out is simply taken back in. Adding a date that exists changes nothing."""
    _require_manager(user, series)
    locked = EventSeries.objects.select_for_update().get(pk=series.pk)
    start = _aware(start).astimezone(UTC)
    if start in {m.astimezone(UTC) for m in locked.exdates}:
        locked.exdates = [m for m in locked.exdates if m.astimezone(UTC) != start]
    elif any(o.start == start for o in selectors.all_occurrences(locked)):
        return locked
    else:
        if not _within_limits(start, timezone.now()):
            raise ApplicationError({"start": _limit_message()})
        locked.rdates = [*locked.rdates, start]
    errors: dict[str, list[str]] = {}
    _check_time(locked, errors)
    if errors:
        raise ApplicationError({"start" if "rdates" in errors else k: v for k, v in errors.items()})
    locked.save(update_fields=["exdates", "rdates", "last_ends_at", "rrule", "updated_at"])
    return locked


def confirm(*, series: EventSeries, user: User) -> EventSeries:
    """The keeper says the series is still right (today)."""
    _require_manager(user, series)
    return editorial_services.confirm_current(series, actor=user)


# --- publication ------------------------------------------------------------------------------


def _publishes_directly(user: User | None, owner: Organisation | None) -> bool:
    """Imports and the demo (no user), coordinators, and organisations the welcome centre
    lets publish without review. The flag is the directory's (`ProviderProfile.needs_review`),
    read through the organisation's relation rather than an import: the directory is a
    sibling of this app. No profile: after review."""
    if user is None or user.is_coordinator:
        return True
    if owner is None:
        return False
    return Organisation.objects.filter(pk=owner.pk, provider_profile__needs_review=False).exists()


def publishes_directly(user: User | None, series: EventSeries) -> bool:
    """Whether `user` publishes this series at once (else: after review)."""
    return _publishes_directly(user, series.owner)


def _publish_target(user: User | None, owner: Organisation | None) -> str:
    return EventStatus.PUBLISHED if _publishes_directly(user, owner) else EventStatus.IN_REVIEW


def _taken_down(status: str) -> str:
    """Published → unpublished; waiting for review → back to a draft."""
    if status == EventStatus.PUBLISHED:
        return EventStatus.UNPUBLISHED
    if status == EventStatus.IN_REVIEW:
        return EventStatus.DRAFT
    return status


def _fresh(series: EventSeries) -> EventSeries:
    # `published` is computed by the database: read it again after a change of status.
    series.refresh_from_db(fields=["status", "published", "updated_at"])
    return series


def _announce(signal, series: EventSeries) -> None:
    """Tell the layers above once the change is committed (never of one rolled back)."""
    # Robust: the change is saved already; a receiver that fails is logged, and the keeper's
    # request still succeeds.
    transaction.on_commit(lambda: signal.send(sender=EventSeries, record=series), robust=True)


def _move(
    series: EventSeries, allowed_from: tuple[str, ...], target: str, *, approval: bool = False
) -> EventSeries:
    """Change the status under a row lock; the same status again changes nothing (and tells
    nobody). Entering review is announced; so is leaving it by a coordinator's `approval`."""
    locked = EventSeries.objects.select_for_update().get(pk=series.pk)
    if locked.status == target:
        return locked
    if locked.status not in allowed_from:
        raise ApplicationError(
            {
                "status": _("An event that is “%(current)s” cannot become “%(target)s”.")
                % {
                    "current": EventStatus(locked.status).label,
                    "target": EventStatus(target).label,
                }
            },
            code=WRONG_STATE,
        )
    previous = locked.status
    locked.status = target
    locked.save(update_fields=["status", "updated_at"])
    fresh = _fresh(locked)
    if target == EventStatus.IN_REVIEW:
        _announce(submitted_for_review, fresh)
    elif approval and previous == EventStatus.IN_REVIEW:
        _announce(review_approved, fresh)
    return fresh


@transaction.atomic
def submit(*, series: EventSeries, user: User) -> EventSeries:
    """The keepers want it public: published at once where the rule allows (coordinators,
    organisations without review), else it waits for a coordinator's review."""
    _require_manager(user, series)
    target = _publish_target(user, series.owner)
    allowed = (EventStatus.DRAFT, EventStatus.UNPUBLISHED)
    if target == EventStatus.PUBLISHED:
        allowed += (EventStatus.IN_REVIEW,)
    return _move(series, allowed, target)


@transaction.atomic
def publish(*, series: EventSeries, user: User | None) -> EventSeries:
    """Public at once: for those who publish directly; others are told to submit it."""
    _require_manager(user, series)
    if not _publishes_directly(user, series.owner):
        raise ApplicationError(
            _("Events of your organisation are published after review: submit it for review."),
            code=NOT_ALLOWED,
        )
    return _move(
        series,
        (EventStatus.DRAFT, EventStatus.UNPUBLISHED, EventStatus.IN_REVIEW),
        EventStatus.PUBLISHED,
    )


@transaction.atomic
def approve(*, series: EventSeries, user: User) -> EventSeries:
    """A coordinator publishes what waits for review."""
    if user is None or not user.is_authenticated or not user.is_coordinator:
        raise ApplicationError(
            _("Only the welcome centre's coordinators review events."), code=NOT_ALLOWED
        )
    return _move(series, (EventStatus.IN_REVIEW,), EventStatus.PUBLISHED, approval=True)


@transaction.atomic
def unpublish(*, series: EventSeries, user: User | None) -> EventSeries:
    """No longer public (a published series), or no longer waiting (back to a draft)."""
    _require_manager(user, series)
    locked = EventSeries.objects.select_for_update().get(pk=series.pk)
    target = _taken_down(locked.status)
    if target == locked.status:
        return locked
    return _move(locked, (locked.status,), target)


def translate(
    *, series: EventSeries, user: User | None, language: str, fields: Mapping[str, object]
):
    """A translation of the title and description (by the keepers or a coordinator)."""
    _require_manager(user, series)
    return editorial_services.translate(
        series.text, language=language, fields=fields, required=("title",), actor=user
    )
