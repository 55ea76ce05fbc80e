"""Factories for volunteer profiles and needs (placed without geocoding, see PlacedFactory)."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Role, User
from tests.factories import OrganisationFactory, PlacedFactory, UserFactory
from volunteers.models import (
    AvailabilitySlot,
    AwayPeriod,
    Shift,
    Skill,
    VolunteerNeed,
    VolunteerProfile,
)


def skill(slug: str) -> Skill:
    """A skill of the shared list (loaded by the data migration)."""
    return Skill.objects.get(slug=slug)


class VolunteerProfileFactory(PlacedFactory):
    class Meta:
        model = VolunteerProfile
        skip_postgeneration_save = True  # hooks add rows only; a second save adds history

    user = factory.SubFactory(UserFactory, role=Role.VOLUNTEER)
    languages = factory.LazyFunction(lambda: [{"code": "de", "level": "native"}])
    travel_radius_km = 5
    max_hours_per_week = 4

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(skill(s) if isinstance(s, str) else s for s in extracted)


class AvailabilitySlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilitySlot

    profile = factory.SubFactory(VolunteerProfileFactory)
    weekday = 1
    start = "17:00"
    end = "20:00"


class AwayPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwayPeriod

    profile = factory.SubFactory(VolunteerProfileFactory)
    start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(days=7))


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=3))
    people = 2
    people_open = factory.SelfAttribute("people")


class VolunteerNeedFactory(PlacedFactory):
    """A need with one shift three days ahead; `shifts=[{...}, …]` gives others instead."""

    class Meta:
        model = VolunteerNeed
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory, role=Role.INITIATIVE_MEMBER)
    title = factory.Sequence(lambda n: f"Helpers for task {n}")
    description = "Sorting donations in the shelter's basement."
    languages = factory.LazyFunction(lambda: ["de"])

    @factory.post_generation
    def shifts(self, create, extracted, **kwargs):
        if not create:
            return
        for fields in extracted if extracted is not None else [{}]:
            ShiftFactory(need=self, **fields)

    @factory.post_generation
    def required_skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.required_skills.set(skill(s) if isinstance(s, str) else s for s in extracted)


# The exact point the erasure scan looks for (the same as in tests/donations/factories.py):
# off the public grid, so only the exact point column can hold it.
EXACT_LAT, EXACT_LON = 51.337913, 12.381477


def personal_records(user: User, marker: str) -> list:
    """Records owned by `user` with `marker` in every personal text field (for erasure tests).

    The marker appears in the address and the profile's description, the home is at an exact
    point off the public grid; an away period and a weekly slot come along, as rows that
    belong to the profile.
    """
    profile = VolunteerProfileFactory(
        user=user,
        lat=EXACT_LAT,
        lon=EXACT_LON,
        address=f"{marker}straße 5, 04109 Leipzig",
        description=f"{marker}: Ich helfe gern beim Übersetzen.",
        skills=["interpreting"],
    )
    AvailabilitySlotFactory(profile=profile)
    AwayPeriodFactory(profile=profile)
    return [profile]
