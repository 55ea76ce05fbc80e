from django.db.models import QuerySet

from accounts.models import Membership, Organisation, User


def active_organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        membership__user=user, membership__status=Membership.Status.ACTIVE
    )
