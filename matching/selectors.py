"""Reads of matches, and who may see which needs and offers, which depends on them."""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import active_organisations_of
from lifecycle.models import LifecycleModel
from lifecycle.selectors import managed_q
from lifecycle.states import MATCHABLE_STATUSES
from matching.kinds import KINDS, find_kind
from matching.models import Match, MatchState


def matches_visible_to(user: User) -> QuerySet[Match]:
    """Matches a coordinator sees all of; anyone else only those one of whose sides is theirs
    (their donation, profile or flat, or a need of an initiative they belong to)."""
    qs = Match.objects.select_related(
        *(relation for adapter in KINDS.values() for relation in _sides_read_with(adapter))
    ).order_by("-created_at", "-id")
    if user.is_coordinator:
        return qs
    organisations = active_organisations_of(user)
    mine = Q(pk__in=[])
    for adapter in KINDS.values():
        mine |= Q(**{f"{adapter.offer_field}__{adapter.offer_model.OWNER_FIELD}": user})
        mine |= Q(**{f"{adapter.need_field}__organisation__in": organisations})
    return qs.filter(mine)


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
