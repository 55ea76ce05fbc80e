"""Access rows for login, registration, initiatives and memberships, roles and one's own data.

Nobody's contact details appear in what others see: a membership list shows names, not
emails or phones; one's own account, export and changes show one's own data only. The World
has no admin, so the role endpoint is closed to every role in it (tests/api/
test_accounts_api.py proves what an admin may do).
"""

from itertools import count

from accounts.models import Membership, Role
from tests.api.access import Call, Row, World, everyone, roles
from tests.factories import MembershipFactory, UserFactory

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
MEMBER_PHONE = "0341 111"  # tests.api.access.World's member
REQUESTER_EMAIL = "requester@example.org"
REQUESTER_PHONE = "0176 999"

_numbers = count()


def _token(world: World) -> Call:
    user = UserFactory(username=f"login{next(_numbers)}")
    return Call(body={"username": user.username, "password": PASSWORD})


def _registration(world: World) -> Call:
    return Call(
        body={
            "username": f"newcomer{next(_numbers)}",
            "email": "newcomer@example.org",
            "password": "a long and uncommon passphrase",
            "role": Role.VOLUNTEER,
            "preferred_language": "uk",
        }
    )


def _request(world: World) -> Membership:
    """Someone asking to join world.initiative."""
    requester = UserFactory(
        username=f"requester{next(_numbers)}",
        email=REQUESTER_EMAIL,
        phone=REQUESTER_PHONE,
        role=Role.INITIATIVE_MEMBER,
    )
    return MembershipFactory(
        user=requester, organisation=world.initiative, status=Membership.Status.REQUESTED
    )


def _memberships(world: World) -> Call:
    _request(world)
    return Call(kwargs={"pk": world.initiative.pk})


def _decision(world: World) -> Call:
    membership = _request(world)
    return Call(kwargs={"pk": world.initiative.pk, "mid": membership.pk})


def _contacts(world: World) -> list[str]:
    return [REQUESTER_EMAIL, REQUESTER_PHONE, MEMBER_PHONE, world.initiative.email]


def _own(world: World) -> list[str]:
    # The member's own phone: in their own answers, in nobody else's.
    return [MEMBER_PHONE]


LOGGED_IN = roles(200, anonymous=401)

ROWS = [
    Row("token", "post", _token, everyone(200)),
    Row("register", "post", _registration, everyone(201)),
    Row("organisations", "get", lambda w: Call(), LOGGED_IN, exact_markers=_contacts),
    Row(
        "organisation-memberships",
        "get",
        _memberships,
        roles(403, anonymous=401, member=200, coordinator=200),
        exact_markers=_contacts,
    ),
    Row(
        "membership-approve",
        "post",
        _decision,
        roles(403, anonymous=401, member=200),
        exact_markers=_contacts,
    ),
    Row(
        "membership-reject",
        "post",
        _decision,
        roles(403, anonymous=401, member=204),
        exact_markers=_contacts,
    ),
    Row(
        "user-role",
        "post",
        lambda w: Call(kwargs={"pk": w.users["donor"].pk}, body={"role": Role.VOLUNTEER}),
        roles(403, anonymous=401),
    ),
    Row("me", "get", lambda w: Call(), LOGGED_IN, exact_for={"member"}, exact_markers=_own),
    Row(
        "me",
        "patch",
        lambda w: Call(body={"first_name": "Neu"}),
        LOGGED_IN,
        exact_for={"member"},
        exact_markers=_own,
    ),
    Row(
        "me-export",
        "get",
        lambda w: Call(),
        LOGGED_IN,
        exact_for={"member"},
        exact_markers=_own,
    ),
    Row(
        "me-erase",
        "post",
        lambda w: Call(body={"password": PASSWORD}),
        roles(204, anonymous=401),
    ),
]
