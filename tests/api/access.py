"""The access table: for every API endpoint and every role, who may do what and who sees
exact data. Each domain lists its rows in `tests/api/access_<domain>.py` as `ROWS`;
`test_access_table.py` runs them all and fails for any endpoint that has no row.

A row builds what it needs in a `World` (one user per role, two initiatives) and says which
status code each role gets. Roles:

- anonymous: not logged in
- donor, landlord, volunteer: people who offer help (each owns the offers a row gives them)
- member: an active member of `world.initiative` (owns its needs)
- other_member: an active member of `world.other_initiative`
- coordinator: of the welcome centre
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.models import Organisation, Role, User
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

ROLES = ("anonymous", "donor", "landlord", "volunteer", "member", "other_member", "coordinator")


@dataclass
class World:
    users: dict[str, User | None]
    initiative: Organisation
    other_initiative: Organisation

    @classmethod
    def build(cls) -> "World":
        initiative = OrganisationFactory(name="Notunterkunft Grünau", email="grünau@example.org")
        other = OrganisationFactory(name="Nachbarschaftshilfe Connewitz")
        member = UserFactory(username="member", role=Role.INITIATIVE_MEMBER, phone="0341 111")
        MembershipFactory(user=member, organisation=initiative, is_admin=True)
        other_member = UserFactory(username="other_member", role=Role.INITIATIVE_MEMBER)
        MembershipFactory(user=other_member, organisation=other, is_admin=True)
        users = {
            "anonymous": None,
            "donor": UserFactory(username="donor", role=Role.DONOR, phone="0176 222"),
            "landlord": UserFactory(username="landlord", role=Role.LANDLORD, phone="0176 333"),
            "volunteer": UserFactory(username="volunteer", role=Role.VOLUNTEER, phone="0176 444"),
            "member": member,
            "other_member": other_member,
            "coordinator": UserFactory(
                username="coordinator", role=Role.COORDINATOR, is_staff=True
            ),
        }
        return cls(users=users, initiative=initiative, other_initiative=other)


@dataclass
class Call:
    """What a row's `setup` returns: URL kwargs and, for writes, a body."""

    kwargs: dict = field(default_factory=dict)
    body: dict | None = None
    format: str = "json"


def everyone(code: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, code)


def roles(default: int, **codes: int) -> dict[str, int]:
    """A status per role: `default` for every role not named."""
    unknown = set(codes) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: codes.get(role, default) for role in ROLES}


@dataclass
class Row:
    """One endpoint and method.

    url_name: name in the "api" namespace, e.g. "goods-needs-detail".
    setup: builds the records the call needs (fresh for every role) and returns a Call.
    expect: status code per role.
    exact_for: roles whose successful GET response contains the exact data; for every other
        role, a successful response must not contain it. `exact_markers` names the strings
        (address, phone, email …) that count as exact data of the setup's records.
    """

    url_name: str
    method: str
    setup: Callable[[World], Call]
    expect: dict[str, int]
    exact_for: frozenset[str] = frozenset()
    exact_markers: Callable[[World], list[str]] = lambda world: []
    id: str = ""

    def __post_init__(self):
        assert set(self.expect) == set(ROLES), f"{self.url_name}: a status for every role"
        self.exact_for = frozenset(self.exact_for)
