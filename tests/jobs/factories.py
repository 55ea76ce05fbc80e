"""Factories for employers, their jobs, and people looking for work."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from jobs.models import Employer, Experience, Job, JobSeeker, Occupation
from tests.factories import OrganisationFactory, PlacedFactory, UserFactory


def occupation(code: str) -> Occupation:
    return Occupation.objects.get(code=code)


class EmployerFactory(factory.django.DjangoModelFactory):
    """A checked employer unless `checked_at=None` is given."""

    class Meta:
        model = Employer

    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=OrganisationKind.EMPLOYER,
        name=factory.Sequence(lambda n: f"Employer {n}"),
    )
    checked_at = factory.LazyFunction(timezone.now)


class JobFactory(PlacedFactory):
    class Meta:
        model = Job

    organisation = factory.LazyAttribute(lambda o: EmployerFactory().organisation)
    created_by = factory.SubFactory(UserFactory, role=Role.INITIATIVE_MEMBER)
    title = factory.Sequence(lambda n: f"Job {n}")
    occupation = factory.LazyFunction(lambda: occupation("5120"))
    places = 2
    places_open = factory.SelfAttribute("places")
    hours = "full_time"
    start_date = factory.LazyFunction(lambda: date.today() + timedelta(days=14))
    german_min = "A2"
    open_to = factory.LazyFunction(lambda: ["approval", "permit"])
    max_distance_km = 30


class JobSeekerFactory(PlacedFactory):
    """A cook with four years of experience unless `experience={code: years}` says else."""

    class Meta:
        model = JobSeeker
        skip_postgeneration_save = True

    created_by = factory.SubFactory(UserFactory, role=Role.VOLUNTEER)
    german_level = "B1"
    languages = factory.LazyFunction(lambda: ["ar", "en"])
    hours_wanted = factory.LazyFunction(lambda: ["full_time", "part_time"])
    travel_radius_km = 15
    available_from = factory.LazyFunction(date.today)
    recognition = "none"
    residence = "permit"

    @factory.post_generation
    def experience(self, create, extracted, **kwargs):
        if not create:
            return
        for code, years in (extracted or {"5120": 4}).items():
            Experience.objects.create(job_seeker=self, occupation=occupation(code), years=years)


# An exact place off the public grid (the same as the other kinds' personal records), so a
# scrubbed record can be told apart from one that still holds the truth.
EXACT_LAT, EXACT_LON = 51.337913, 12.381477


def personal_records(user, marker: str) -> list:
    """A profile of `user` looking for work with `marker` in every personal text field (the
    name and phone a counsellor records, the address, "about me"), for the erasure tests."""
    seeker = JobSeekerFactory(
        created_by=user,
        lat=EXACT_LAT,
        lon=EXACT_LON,
        address=f"{marker}straße 7, 04315 Leipzig",
        description=f"{marker}: Ich habe zehn Jahre in einer Hotelküche gearbeitet.",
        person_name=f"{marker} Haddad",
        person_phone=f"0176 {marker}",
    )
    seeker.german_level = "B2"
    seeker.save()
    return [seeker]
