"""Who may see and change which needs and offers."""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import active_organisations_of
from lifecycle.models import LifecycleModel
from lifecycle.states import MATCHABLE_STATUSES


def managed_q(model: type[LifecycleModel], user: User) -> Q:
    """Records the user answers for: their own, or their initiatives'."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if model.ORGANISATION_FIELD:
        return Q(**{f"{model.ORGANISATION_FIELD}__in": active_organisations_of(user)})
    return Q(**{model.OWNER_FIELD: user})


def manageable_by(model: type[LifecycleModel], user: User) -> QuerySet:
    """Records the user may change. Coordinators read everything but change only their own."""
    return model.objects.filter(managed_q(model, user))


def visible_to(model: type[LifecycleModel], user: User) -> QuerySet:
    """Records the user may read (in public form, unless `entitled_to_exact_data` says more)."""
    from matching.selectors import counterpart_ids

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
    from matching.selectors import counterpart_ids

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
