"""Reads about people, initiatives and who may manage whom."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from base.errors import ApplicationError


def active_organisations_of(user: User) -> QuerySet[Organisation]:
    """The initiatives whose needs the user shares. A requested membership counts for
    nothing until an admin of the initiative approves it."""
    return Organisation.objects.filter(
        membership__user=user, membership__status=Membership.Status.ACTIVE
    )


def active_coordinators() -> QuerySet[User]:
    """The people of the welcome centre who coordinate (coordinators, admins, superusers)
    and may still sign in, in a stable order."""
    return (
        User.objects.filter(is_active=True, erased_at__isnull=True)
        .filter(Q(role__in=(Role.COORDINATOR, Role.ADMIN)) | Q(is_superuser=True))
        .order_by("pk")
    )


def organisation_admins(organisation_id: int) -> QuerySet[User]:
    """The active admins of an organisation who may still sign in, in a stable order."""
    return (
        User.objects.filter(
            is_active=True,
            erased_at__isnull=True,
            membership__organisation_id=organisation_id,
            membership__status=Membership.Status.ACTIVE,
            membership__is_admin=True,
        )
        .distinct()
        .order_by("pk")
    )


def initiative_to_post_for(
    user: User, organisation: Organisation | None, *, refusal: str | None = None
) -> Organisation:
    """The initiative a need is posted for: the one given if the user is an active member of
    it, else the user's first. A field error on "organisation" otherwise."""
    organisations = active_organisations_of(user)
    if organisation is None:
        organisation = organisations.first()
        if organisation is None:
            raise ApplicationError(
                {"organisation": refusal or _("Only members of an initiative can post needs.")}
            )
    elif not organisations.filter(pk=organisation.pk).exists():
        raise ApplicationError({"organisation": _("You are not a member of this initiative.")})
    return organisation


def organisations_listed() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name", "pk")


def initiatives_to_join(search: str = "") -> QuerySet[Organisation]:
    """Initiatives a person may ask to join when registering (public fields only), by name;
    `search` keeps those whose name contains it."""
    initiatives = Organisation.objects.filter(kind=OrganisationKind.INITIATIVE)
    if search.strip():
        initiatives = initiatives.filter(name__icontains=search.strip())
    return initiatives.order_by("name", "pk")


def is_initiative_admin(user: User, organisation: Organisation) -> bool:
    """An active member with the admin flag: may approve and reject membership requests."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        organisation=organisation,
        status=Membership.Status.ACTIVE,
        is_admin=True,
    ).exists()


def may_see_memberships(user: User, organisation: Organisation) -> bool:
    return user.is_authenticated and (
        user.is_coordinator or is_initiative_admin(user, organisation)
    )


def memberships_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("status", "created_at", "pk")
    )


def memberships_of_user(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("pk")


def may_assign_roles(user: User) -> bool:
    """Only admins appoint: coordinators run the platform but cannot make coordinators."""
    return user.is_authenticated and (user.role == Role.ADMIN or user.is_superuser)
