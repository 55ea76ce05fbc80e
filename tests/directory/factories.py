"""Providers and services of the directory, built without the service layer's checks (the
tests of the rules call `directory.services` themselves)."""

from datetime import date, time

import factory
from django.contrib.gis.geos import Point

from directory.models import (
    HoursException,
    OpeningHours,
    ProviderProfile,
    PublicationStatus,
    Service,
)
from editorial.services import create_text
from geo.privacy import approximate
from tests.factories import OrganisationFactory


def _point(lat: float, lon: float) -> Point:
    return Point(lon, lat, srid=4326)


class ProviderProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderProfile

    class Params:
        name = factory.Sequence(lambda n: f"Beratungsstelle {n}")
        language = "de"

    organisation = factory.SubFactory(OrganisationFactory)
    text = factory.LazyAttribute(
        lambda o: create_text(language=o.language, fields={"name": o.name, "description": ""})
    )
    owner = factory.SelfAttribute("organisation")
    last_confirmed_on = factory.LazyFunction(date.today)
    needs_review = False
    status = PublicationStatus.PUBLISHED
    phone = "+49 341 5550100"
    email = "beratung@example.org"


class ServiceFactory(factory.django.DjangoModelFactory):
    """A published service in Leipzig-Zentrum. `hours` are (weekday, "HH:MM", "HH:MM")."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    class Params:
        title = factory.Sequence(lambda n: f"Beratung {n}")
        description = ""
        language = "de"
        lat = 51.34
        lon = 12.375

    provider = factory.SubFactory(ProviderProfileFactory)
    owner = factory.SelfAttribute("provider.organisation")
    last_confirmed_on = factory.LazyFunction(date.today)
    text = factory.LazyAttribute(
        lambda o: create_text(
            language=o.language, fields={"title": o.title, "description": o.description}
        )
    )
    topics = factory.LazyFunction(lambda: ["asylum"])
    languages = factory.LazyFunction(lambda: ["de"])
    status = PublicationStatus.PUBLISHED
    address = "Markt 1, 04109 Leipzig"
    point = factory.LazyAttribute(lambda o: _point(o.lat, o.lon))
    approx_point = factory.LazyAttribute(lambda o: _point(*approximate(o.lat, o.lon)))
    postal_code = "04109"
    place = "Leipzig"
    district = "Zentrum"
    precision = "pin"

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        for weekday, opens, closes in extracted or ():
            OpeningHours.objects.create(
                service=self,
                weekday=weekday,
                opens=time.fromisoformat(opens),
                closes=time.fromisoformat(closes),
            )

    @factory.post_generation
    def exceptions(self, create, extracted, **kwargs):
        for day, hours in (extracted or {}).items():
            if hours is None:
                HoursException.objects.create(service=self, date=day, closed=True)
            else:
                HoursException.objects.create(
                    service=self,
                    date=day,
                    closed=False,
                    opens=time.fromisoformat(hours[0]),
                    closes=time.fromisoformat(hours[1]),
                )
