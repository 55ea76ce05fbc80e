import factory
from django.contrib.gis.geos import Point

from accounts.models import Membership, Organisation, Role, User
from donations.models import Category, DonationOffer, GoodsNeed
from geo.privacy import approximate


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    role = Role.DONOR
    preferred_language = "de"
    password = factory.django.Password("correct horse battery")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Initiative {n}")
    city = "Leipzig"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, role=Role.INITIATIVE_MEMBER)
    organisation = factory.SubFactory(OrganisationFactory)


def _point(lat: float, lon: float) -> Point:
    return Point(lon, lat, srid=4326)


class PlacedFactory(factory.django.DjangoModelFactory):
    """Placed records without geocoding: give `lat`/`lon` directly."""

    class Meta:
        abstract = True

    class Params:
        lat = 51.34
        lon = 12.37

    address = "04109 Leipzig"
    point = factory.LazyAttribute(lambda o: _point(o.lat, o.lon))
    approx_point = factory.LazyAttribute(lambda o: _point(*approximate(o.lat, o.lon)))
    postal_code = "04109"
    place = "Leipzig"
    district = "Zentrum"
    precision = "postal_code"
    status = "open"


class GoodsFactory(PlacedFactory):
    class Meta:
        abstract = True

    category = factory.LazyFunction(lambda: Category.objects.get(slug="clothing-winter-jacket"))
    title = factory.Sequence(lambda n: f"Item {n}")
    quantity = 10
    quantity_open = factory.SelfAttribute("quantity")


class GoodsNeedFactory(GoodsFactory):
    class Meta:
        model = GoodsNeed

    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory, role=Role.INITIATIVE_MEMBER)


class DonationOfferFactory(GoodsFactory):
    class Meta:
        model = DonationOffer

    donor = factory.SubFactory(UserFactory)
