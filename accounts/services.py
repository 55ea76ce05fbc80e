"""Writes for people and initiatives: registration, membership decisions, roles, own data."""

from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts import selectors
from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from base.errors import NOT_ALLOWED, NOT_FOUND, ApplicationError
from base.text import clean_model_values

# Roles whose holders see exact addresses and contacts: they need a second factor.
PRIVILEGED_ROLES = (Role.COORDINATOR, Role.ADMIN)
# Roles anyone may choose when registering; coordinators and admins are appointed.
SELF_SERVICE_ROLES = (Role.DONOR, Role.LANDLORD, Role.VOLUNTEER, Role.INITIATIVE_MEMBER)
# Erased accounts are renamed "erased-<id>" (accounts.privacy); nobody may take such a name.
ERASED_PREFIX = "erased-"
OWN_ACCOUNT_FIELDS = ("first_name", "last_name", "phone", "email", "preferred_language")


class Registration(NamedTuple):
    user: User
    token: Token
    membership: Membership | None


def _clean_text(
    model: type[User] | type[Organisation],
    values: dict,
    errors: dict[str, list[str]],
    *,
    under: str | None = None,
) -> dict:
    """`values` held to the text rule (`base.text`; every field of a person or an initiative
    is one line), its refusals added to `errors` (under the field `under`, if given, naming
    the inner field)."""
    try:
        return clean_model_values(model, values)
    except ApplicationError as refused:
        for name, messages in refused.errors.items():
            if under is None:
                errors.setdefault(name, []).extend(messages)
            else:
                errors.setdefault(under, []).extend(f"{name}: {m}" for m in messages)
        return values


def _check_registration(
    *,
    username: str,
    email: str,
    password: str,
    role: str,
    preferred_language: str,
    first_name: str,
    last_name: str,
    organisation_id: int | None,
    new_initiative: dict | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if role in (Role.COORDINATOR, Role.ADMIN):
        add("role", _("Coordinators are appointed by an admin; choose another role."))
    elif role not in SELF_SERVICE_ROLES:
        add("role", _("Unknown role."))
    if username.lower().startswith(ERASED_PREFIX):
        add("username", _("Usernames starting with “erased-” are reserved."))
    elif User.objects.filter(username__iexact=username).exists():
        add("username", _("This username is taken."))
    if preferred_language not in dict(settings.LANGUAGES):
        add("preferred_language", _("Unknown language."))
    candidate = User(username=username, email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)

    if role == Role.INITIATIVE_MEMBER:
        if (organisation_id is None) == (new_initiative is None):
            add(
                "organisation",
                _("Give the initiative you want to join, or new_initiative to start one."),
            )
        elif (
            organisation_id is not None
            and not Organisation.objects.filter(
                pk=organisation_id, kind=OrganisationKind.INITIATIVE
            ).exists()
        ):
            add("organisation", _("There is no initiative with this id."))
        elif (
            new_initiative is not None
            and Organisation.objects.filter(name__iexact=new_initiative["name"].strip()).exists()
        ):
            add("new_initiative", _("This initiative exists already; ask to join it instead."))
    elif organisation_id is not None or new_initiative is not None:
        field = "organisation" if organisation_id is not None else "new_initiative"
        add(field, _("Only initiative members join or start an initiative."))
    return errors


def register_user(
    *,
    username: str,
    email: str,
    password: str,
    role: str,
    preferred_language: str = settings.LANGUAGE_CODE,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    organisation: int | None = None,
    new_initiative: dict | None = None,
) -> Registration:
    """Create an account with an API token; an initiative member asks to join an initiative
    (the membership waits for its admins) or starts a new one (and becomes its first admin).

    Every rule is checked before anything is written, and all errors come back at once;
    text that the text rule refuses is answered first, before it is looked up anywhere.
    """
    errors: dict[str, list[str]] = {}
    person = _clean_text(
        User,
        {
            "username": username,
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
            "phone": phone,
        },
        errors,
    )
    if new_initiative is not None:
        new_initiative = _clean_text(
            Organisation, dict(new_initiative), errors, under="new_initiative"
        )
    if errors:
        raise ApplicationError(errors)
    username, email = person["username"], person["email"]
    first_name, last_name, phone = person["first_name"], person["last_name"], person["phone"]
    errors = _check_registration(
        username=username,
        email=email,
        password=password,
        role=role,
        preferred_language=preferred_language,
        first_name=first_name,
        last_name=last_name,
        organisation_id=organisation,
        new_initiative=new_initiative,
    )
    if errors:
        raise ApplicationError(errors)
    try:
        with transaction.atomic():
            user = User(
                username=username,
                email=User.objects.normalize_email(email),
                first_name=first_name,
                last_name=last_name,
                phone=phone,
                role=role,
                preferred_language=preferred_language,
            )
            user.set_password(password)
            user.save()
            membership = None
            if organisation is not None:
                membership = Membership.objects.create(
                    user=user,
                    organisation_id=organisation,
                    status=Membership.Status.REQUESTED,
                )
            elif new_initiative is not None:
                # Anyone may start an initiative; coordinators remove bogus ones in the admin
                # (deleting the Organisation there removes its memberships too).
                started = Organisation.objects.create(
                    name=new_initiative["name"].strip(),
                    city=new_initiative.get("city", ""),
                    email=new_initiative.get("email", ""),
                    kind=OrganisationKind.INITIATIVE,
                )
                membership = Membership.objects.create(
                    user=user,
                    organisation=started,
                    status=Membership.Status.ACTIVE,
                    is_admin=True,
                )
            token = Token.objects.create(user=user)
    except IntegrityError as exc:
        # Someone registered the same username or initiative a moment ago.
        field = "new_initiative" if "organisation" in str(exc).lower() else "username"
        raise ApplicationError({field: _("This name was taken a moment ago.")}) from exc
    return Registration(user=user, token=token, membership=membership)


def _require_initiative_admin(actor: User, organisation: Organisation) -> None:
    if not selectors.is_initiative_admin(actor, organisation):
        raise ApplicationError(
            _("Only admins of this initiative decide about its members."), code=NOT_ALLOWED
        )


def approve_membership(
    *, organisation: Organisation, membership_id: int, actor: User
) -> Membership:
    """Make a requested membership active. The conditional update lets two admins click at
    once: one of them makes the change, the other finds it done and returns quietly."""
    _require_initiative_admin(actor, organisation)
    Membership.objects.filter(
        pk=membership_id, organisation=organisation, status=Membership.Status.REQUESTED
    ).update(status=Membership.Status.ACTIVE)
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(pk=membership_id, organisation=organisation)
        .first()
    )
    if membership is None:
        raise ApplicationError(_("No such membership in this initiative."), code=NOT_FOUND)
    return membership


def reject_membership(*, organisation: Organisation, membership_id: int, actor: User) -> None:
    """Turn a request down (the row goes; the person may ask again). An active member is not
    removed this way, even if an approval won the race a moment earlier."""
    _require_initiative_admin(actor, organisation)
    deleted, _counts = Membership.objects.filter(
        pk=membership_id, organisation=organisation, status=Membership.Status.REQUESTED
    ).delete()
    if deleted:
        return
    if Membership.objects.filter(pk=membership_id, organisation=organisation).exists():
        raise ApplicationError(
            {"status": _("This person is already an active member, not waiting for a decision.")}
        )
    raise ApplicationError(_("No such membership in this initiative."), code=NOT_FOUND)


def change_role(*, user: User, role: str, actor: User) -> User:
    """Appoint a coordinator or change anyone's role: admins only."""
    if not selectors.may_assign_roles(actor):
        raise ApplicationError(_("Only admins assign roles."), code=NOT_ALLOWED)
    if role not in Role.values:
        raise ApplicationError({"role": _("Unknown role.")})
    if user.erased_at is not None:
        raise ApplicationError({"role": _("This account has been erased.")})
    with transaction.atomic():
        previous = User.objects.select_for_update().values_list("role", flat=True).get(pk=user.pk)
        User.objects.filter(pk=user.pk).update(role=role)
        if role != previous and role in PRIVILEGED_ROLES:
            # Front door: a coordinator's or admin's API token is issued only against a second
            # factor (api/accounts.py). A token from before the appointment was not: it goes,
            # and the new powers come with the next token.
            Token.objects.filter(user_id=user.pk).delete()
    user.refresh_from_db()
    return user


def update_own_account(*, user: User, **changes) -> User:
    """Change one's names, phone, email or language (never one's role)."""
    unknown = set(changes) - set(OWN_ACCOUNT_FIELDS)
    if unknown:
        raise ApplicationError(
            {name: _("This cannot be changed here.") for name in sorted(unknown)}
        )
    changes = clean_model_values(User, changes)
    if "email" in changes:
        changes["email"] = User.objects.normalize_email(changes["email"])
    if "preferred_language" in changes and changes["preferred_language"] not in dict(
        settings.LANGUAGES
    ):
        raise ApplicationError({"preferred_language": _("Unknown language.")})
    for name, value in changes.items():
        setattr(user, name, value)
    if changes:
        user.save(update_fields=list(changes))
    return user
