"""People, records and matches for the safety tests: a household and a flat, a volunteer
and a shift, each proposed by the real engine (tests.matching.batching)."""

import math
from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts import checks
from accounts.models import CheckKind, Role, User
from housing.models import HousingNeed, HousingOffer
from matching import workflow
from matching.models import Match
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.matching.batching import created, run_for
from tests.volunteers.factories import (
    AvailabilitySlotFactory,
    VolunteerNeedFactory,
    VolunteerProfileFactory,
)

CONNEWITZ = (51.3080, 12.3880)


def east(km: float, origin: tuple[float, float] = CONNEWITZ) -> dict:
    lat, lon = origin
    return {"lat": lat, "lon": lon + km / (111.32 * math.cos(math.radians(lat)))}


def coordinator(username: str = "clara") -> User:
    return UserFactory(
        username=username, role=Role.COORDINATOR, is_staff=True, preferred_language="de"
    )


def member_of(organisation, username: str, language: str = "de") -> User:
    user = UserFactory(username=username, role=Role.INITIATIVE_MEMBER, preferred_language=language)
    MembershipFactory(user=user, organisation=organisation, is_admin=True)
    return user


def landlord(username: str = "lars", language: str = "ar", **fields) -> User:
    return UserFactory(username=username, role=Role.LANDLORD, preferred_language=language, **fields)


def identity_seen(person: User, by: User | None = None) -> None:
    checks.record_check(subject=person, kind=CheckKind.IDENTITY, actor=by or coordinator("checker"))


def household(organisation=None, member: User | None = None, km: float = 0) -> HousingNeed:
    organisation = organisation or OrganisationFactory(name="Notunterkunft Connewitz")
    member = member or member_of(organisation, "ines")
    return HousingNeedFactory(
        organisation=organisation, created_by=member, title="Familie Haddad", **east(km)
    )


def flat(owner: User, km: float = 1, **fields) -> HousingOffer:
    return HousingOfferFactory(landlord=owner, title="Helle Wohnung", **east(km), **fields)


def housing_match(*, owner: User | None = None, checked: bool = True) -> Match:
    """A household and a flat 1 km apart, proposed by the engine."""
    owner = owner or landlord()
    if checked:
        identity_seen(owner)
    need = household()
    flat(owner)
    [match] = created(run_for(need))
    return match


def next_weekday(weekday: int, at: time) -> datetime:
    """A local time on `weekday` (0 = Monday) a week or more from today."""
    today = timezone.localdate() + timedelta(weeks=1)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, at))


def volunteer(user: User | None = None, km: float = 1):
    profile = VolunteerProfileFactory(
        user=user or UserFactory(role=Role.VOLUNTEER, preferred_language="uk"),
        travel_radius_km=10,
        max_hours_per_week=8,
        **east(km),
    )
    for weekday in (1, 2):  # Tuesdays and Wednesdays, 16 to 21 o'clock
        AvailabilitySlotFactory(profile=profile, weekday=weekday, start="16:00", end="21:00")
    return profile


def volunteer_need(organisation=None, weekday: int = 1, language: str = "de"):
    organisation = organisation or OrganisationFactory(name="Nachbarschaftshilfe")
    start = next_weekday(weekday, time(17, 0))
    return VolunteerNeedFactory(
        organisation=organisation,
        created_by=member_of(organisation, f"m{organisation.pk}", language),
        **east(0),
        shifts=[{"start": start, "end": start + timedelta(hours=3), "people": 1}],
    )


def offered(match: Match, by: User | None = None) -> Match:
    return workflow.approve(match, actor=by or coordinator("approver"))
