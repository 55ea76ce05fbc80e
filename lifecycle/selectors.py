"""Who answers for which needs and offers (who may see them depends on matches too:
`matching.selectors.visible_to`)."""

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import active_organisations_of
from lifecycle.models import LifecycleModel


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
