"""Reads of matches, and who may see which needs and offers, which depends on them."""

from collections.abc import Callable

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When

from accounts.models import User
from accounts.selectors import active_organisations_of
from base.signals import personal_data_shown
from geo.gazetteer import haversine_km
from lifecycle.models import LifecycleModel
from lifecycle.selectors import managed_q
from lifecycle.states import MATCHABLE_STATUSES, Status
from matching.kinds import KINDS, find_kind
from matching.kinds.volunteers import shifts_as_shown
from matching.models import Match, MatchEvent, MatchState

# A match its sides were told about: approved (by a coordinator or a policy, which offers it to
# both at once) and everything after. Ended matches are told apart by their past: a declined,
# expired or cancelled match that was offered was shown; a proposal rejected in review, revised
# away by a batch or cancelled because a record closed never was.
SHOWN_STATES = (MatchState.APPROVED, MatchState.OFFERED, MatchState.ACCEPTED, MatchState.FULFILLED)


def shown_to_sides(matches: QuerySet[Match]) -> QuerySet[Match]:
    """The matches among `matches` that were ever shown to their sides, which a side may see
    from then on. A proposal stays internal to the welcome centre until it is approved."""
    # Its history says so when it has ended: a step into or out of a shown state.
    was_shown = MatchEvent.objects.filter(
        Q(to_state__in=SHOWN_STATES) | Q(from_state__in=SHOWN_STATES), match=OuterRef("pk")
    )
    return matches.filter(
        Q(state__in=SHOWN_STATES) | Q(offered_at__isnull=False) | Q(Exists(was_shown))
    )


def matches_visible_to(user: User) -> QuerySet[Match]:
    """Matches a coordinator sees all of; anyone else only those one of whose sides is theirs
    (their donation, profile or flat, or a need of an initiative they belong to) and that were
    shown to the sides (`shown_to_sides`): any other match is, for them, not there."""
    # Prefetched, not joined: one query joining every kind's sides (24 tables) took PostgreSQL
    # 50 ms to plan for a single match; the prefetches read only the kinds on the page.
    qs = Match.objects.prefetch_related(
        *(relation for adapter in KINDS.values() for relation in _sides_read_with(adapter))
    ).order_by("-created_at", "-id")
    if user.is_coordinator:
        return qs
    organisations = active_organisations_of(user)
    mine = Q(pk__in=[])
    for adapter in KINDS.values():
        mine |= Q(**{f"{adapter.offer_field}__{adapter.offer_model.OWNER_FIELD}": user})
        mine |= Q(**{f"{adapter.need_field}__organisation__in": organisations})
    return shown_to_sides(qs.filter(mine))


def _sides_read_with(adapter) -> list[str]:
    """The relations a match list shows of each side: whose it is and what it is."""
    need = {"organisation", "created_by", *adapter.need_relations}
    offer = {adapter.offer_model.OWNER_FIELD, *adapter.offer_relations}
    return [f"{adapter.need_field}__{name}" for name in sorted(need)] + [
        f"{adapter.offer_field}__{name}" for name in sorted(offer)
    ]


# States in which both sides have said yes: each may see the other's exact data.
REVEALING_STATES = (MatchState.ACCEPTED, MatchState.FULFILLED)


def counterpart_ids(user: User, model: type) -> QuerySet:
    """Ids of records of `model` on the other side of a match the user's side accepted."""
    found = find_kind(model)
    if found is None:
        return Match.objects.none().values_list("pk", flat=True)
    adapter, side = found
    accepted = Match.objects.filter(state__in=REVEALING_STATES)
    if side == "need":  # the user offered to it
        owner = f"{adapter.offer_field}__{adapter.offer_model.OWNER_FIELD}"
        return accepted.filter(**{owner: user}).values_list(f"{adapter.need_field}_id", flat=True)
    theirs = {f"{adapter.need_field}__organisation__in": active_organisations_of(user)}
    return accepted.filter(**theirs).values_list(f"{adapter.offer_field}_id", flat=True)


def public_distance_m(match: Match) -> float:
    """The distance between the two sides' public points, which is what a side may be told
    before both said yes. The stored `distance_m` (exact to exact) is the matching engine's
    and the coordinators': told to a side that knows its own exact point, a few matches would
    place the other side by trilateration."""
    need, offer = match.need.approx_point, match.offer.approx_point
    return haversine_km(need.y, need.x, offer.y, offer.x) * 1000


def distance_shown_m(match: Match, viewer: User | None) -> float:
    """The distance a viewer may be told: the engine's exact one for coordinators and once
    both sides said yes; the public points' before that (and on pages and in emails, which
    do not know who reads them: pass None)."""
    exact = viewer is not None and viewer.is_authenticated and viewer.is_coordinator
    if exact or match.state in REVEALING_STATES:
        return match.distance_m
    return public_distance_m(match)


def revealed_details(match: Match, side: str) -> dict | None:
    """What the recipient on `side` may now know of the other side: contact and exact
    address, once both said yes; None before (and after a match ended otherwise)."""
    if match.state not in REVEALING_STATES:
        return None
    other = match.offer if side == "need" else match.need
    contact = other.contact_details()
    return {
        "name": contact.get("name", ""),
        "organisation": contact.get("organisation", ""),
        "email": contact.get("email", ""),
        "phone": contact.get("phone", ""),
        "address": other.address,
    }


def reveal_to(viewer: User, match: Match, side: str) -> dict | None:
    """`revealed_details` as shown to `viewer` (a page, an email): once there is something to
    show, the audit hears who saw whose data and why."""
    details = revealed_details(match, side)
    if details is not None:
        other = match.offer if side == "need" else match.need
        personal_data_shown.send(
            sender=__name__, viewer=viewer, records=[other], why=f"accepted match {match.pk}"
        )
    return details


def as_shown(queryset: QuerySet, user: User) -> QuerySet:
    """Needs or offers as anyone but a coordinator may see them: capacity that unreviewed
    proposals hold is still open, and a record held only by them is still open, not partly
    matched. Proposals stay internal to the welcome centre; a quantity going down or a status
    turning would tell the sides (and anyone browsing) of them before review.

    Annotates `shown_status` and, for kinds with quantities, `proposed_hold` (added to the
    open quantity on output); a status filter should ask `shown_status`. Coordinators get
    the queryset as it is: they review those proposals."""
    if user.is_authenticated and user.is_coordinator:
        return queryset
    return with_proposals_unseen(queryset)


def with_proposals_unseen(queryset: QuerySet) -> QuerySet:
    """`queryset` annotated as `as_shown` shows it to people who are not coordinators."""
    found = find_kind(queryset.model)
    if found is None:
        return queryset
    adapter, side = found
    annotated = adapter.annotate_as_shown(queryset, side)
    return annotated.annotate(
        shown_status=Case(
            When(Q(status=Status.PARTLY_MATCHED) & Q(shown_holds=False), then=Value(Status.OPEN)),
            default=F("status"),
            output_field=CharField(),
        )
    )


def status_told(record: LifecycleModel) -> str:
    """The status of a record read through `as_shown`: the one the viewer is told (the stored
    one for coordinators, or for a record read without it)."""
    return getattr(record, "shown_status", None) or record.status


def open_told(record, field: str = "quantity_open") -> int:
    """What is open of a record (or a shift: `people_open`) read through `as_shown` /
    `shifts_as_told`: unreviewed proposals' holds count as open."""
    return getattr(record, field) + (getattr(record, "proposed_hold", 0) or 0)


def shifts_as_told(shifts: QuerySet, user: User) -> QuerySet:
    """Shifts as `as_shown` tells their places: as they are to coordinators."""
    if user.is_authenticated and user.is_coordinator:
        return shifts
    return shifts_as_shown(shifts)


def open_quantity_shown(record: LifecycleModel) -> int | None:
    """A record's open quantity as its owner is told it (see `as_shown`), or None for a kind
    without quantities."""
    if getattr(record, "quantity_open", None) is None:
        return None
    model = type(record)
    return (
        with_proposals_unseen(model.objects.filter(pk=record.pk))
        .values_list("proposed_hold", flat=True)
        .first()
        or 0
    ) + record.quantity_open


def visible_to(model: type[LifecycleModel], user: User) -> QuerySet:
    """Records the user may read (in public form, unless `entitled_to_exact_data` says more)."""
    if user.is_authenticated and user.is_coordinator:
        return model.objects.all()
    q = managed_q(model, user)
    if model.BROWSABLE:
        q |= Q(status__in=MATCHABLE_STATUSES)
    if user.is_authenticated:
        q |= Q(pk__in=counterpart_ids(user, model))
    return model.objects.filter(q)


def entitled_to_exact_data(user: User) -> Callable[[LifecycleModel], bool]:
    """A predicate: may this user see a record's exact address, point and contact details?

    Yes for the record's owner or initiative, for coordinators, and for the other side of a
    match that both sides have accepted; no for everyone else. The user's organisations and
    counterparts are fetched once, so a whole page is checked without a query per row.
    """
    if not user.is_authenticated:
        return lambda record: False
    if user.is_coordinator:
        return lambda record: True
    organisation_ids = set(active_organisations_of(user).values_list("pk", flat=True))
    counterparts: dict[type, set[int]] = {}

    def check(record: LifecycleModel) -> bool:
        model = type(record)
        if model.ORGANISATION_FIELD:
            if getattr(record, f"{model.ORGANISATION_FIELD}_id") in organisation_ids:
                return True
        elif getattr(record, f"{model.OWNER_FIELD}_id") == user.pk:
            return True
        if model not in counterparts:
            counterparts[model] = set(counterpart_ids(user, model))
        return record.pk in counterparts[model]

    return check
