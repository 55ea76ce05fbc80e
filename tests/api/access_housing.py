"""Access rows for flats (housing offers) and households looking for one (housing needs)."""

from datetime import date, timedelta

from tests.api.access import Call, Row, World, roles
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory

FLAT_ADDRESS = "Lützner Straße 91, 04177 Leipzig"
FLAT_LAT, FLAT_LON = 51.334512, 12.331877
HOUSEHOLD_ADDRESS = "Stuttgarter Allee 16, 04209 Leipzig"
HOUSEHOLD_LAT, HOUSEHOLD_LON = 51.319934, 12.294716
HOUSEHOLD_NOTES = "Frau S. ist schwanger und braucht Ruhe"


def flat(world: World, **fields):
    return HousingOfferFactory(
        landlord=world.users["landlord"],
        address=FLAT_ADDRESS,
        lat=FLAT_LAT,
        lon=FLAT_LON,
        **fields,
    )


def household(world: World, **fields):
    return HousingNeedFactory(
        organisation=world.initiative,
        created_by=world.users["member"],
        address=HOUSEHOLD_ADDRESS,
        lat=HOUSEHOLD_LAT,
        lon=HOUSEHOLD_LON,
        household_notes=HOUSEHOLD_NOTES,
        **fields,
    )


def flat_markers(world: World) -> list[str]:
    # The street, the exact coordinates, and the landlord's phone and email.
    return [FLAT_ADDRESS, str(FLAT_LAT), str(FLAT_LON), "0176 333", "landlord@example.org"]


def household_markers(world: World) -> list[str]:
    # The street, the coordinates, the household's notes and the initiative's contacts.
    return [
        HOUSEHOLD_ADDRESS,
        str(HOUSEHOLD_LAT),
        str(HOUSEHOLD_LON),
        HOUSEHOLD_NOTES,
        "0341 111",
        "grünau@example.org",
    ]


def new_flat(world: World) -> Call:
    return Call(
        body={
            "title": "2 Zimmer in Plagwitz",
            "address": "04229 Leipzig",
            "rooms": "2",
            "size_m2": 48,
            "warm_rent": "590.00",
            "max_occupants": 3,
            "available_from": date.today().isoformat(),
        }
    )


def new_household(world: World) -> Call:
    return Call(
        body={
            "title": "Paar mit Baby",
            "address": "04209 Leipzig",
            "adults": 2,
            "children": 1,
            "rent_ceiling": "700",
            "move_in_date": (date.today() + timedelta(days=7)).isoformat(),
            # Posted for world.initiative: members of another initiative may not.
            "organisation": world.initiative.pk,
        }
    )


def _detail(factory):
    return lambda world: Call(kwargs={"pk": factory(world).pk})


READ_BY_ALL = roles(200, anonymous=401)
# Any signed-in person may offer a flat (private landlords, housing companies' staff …).
CREATED_BY_ALL = roles(201, anonymous=401)
CHANGED_BY_LANDLORD = roles(403, anonymous=401, landlord=200)
DRAFT_PUBLISHED_BY_LANDLORD = roles(404, anonymous=401, landlord=200, coordinator=403)
# A household is not browsable: outside its initiative only coordinators know it exists.
SEEN_BY_ITS_INITIATIVE = roles(404, anonymous=401, member=200, coordinator=200)
CHANGED_BY_ITS_INITIATIVE = roles(404, anonymous=401, member=200, coordinator=403)
# Only members of world.initiative post for it; the rest are told so (organisation field).
HOUSEHOLD_CREATED_BY_MEMBER = roles(400, anonymous=401, member=201)

ROWS = [
    # flats, owned by the landlord
    Row(
        "housing-offers",
        "get",
        lambda w: flat(w) and Call(),
        READ_BY_ALL,
        exact_for={"landlord", "coordinator"},
        exact_markers=flat_markers,
    ),
    Row("housing-offers", "post", new_flat, CREATED_BY_ALL),
    Row(
        "housing-offers-detail",
        "get",
        _detail(flat),
        READ_BY_ALL,
        exact_for={"landlord", "coordinator"},
        exact_markers=flat_markers,
    ),
    Row(
        "housing-offers-detail",
        "patch",
        lambda w: Call(kwargs={"pk": flat(w).pk}, body={"warm_rent": "750"}),
        CHANGED_BY_LANDLORD,
        exact_for={"landlord"},
        exact_markers=flat_markers,
    ),
    Row(
        "housing-offers-withdraw",
        "post",
        _detail(flat),
        CHANGED_BY_LANDLORD,
        exact_for={"landlord"},
        exact_markers=flat_markers,
    ),
    Row(
        "housing-offers-publish",
        "post",
        _detail(lambda w: flat(w, status="draft")),
        DRAFT_PUBLISHED_BY_LANDLORD,
        exact_for={"landlord"},
        exact_markers=flat_markers,
    ),
    Row(
        "housing-offers-map",
        "get",
        lambda w: flat(w) and Call(),
        READ_BY_ALL,
        exact_markers=flat_markers,
    ),
    # households, posted by world.initiative
    Row(
        "housing-needs",
        "get",
        lambda w: household(w) and Call(),
        READ_BY_ALL,  # everyone may list; the list holds only what they may see
        exact_for={"member", "coordinator"},
        exact_markers=household_markers,
    ),
    Row("housing-needs", "post", new_household, HOUSEHOLD_CREATED_BY_MEMBER),
    Row(
        "housing-needs-detail",
        "get",
        _detail(household),
        SEEN_BY_ITS_INITIATIVE,
        exact_for={"member", "coordinator"},
        exact_markers=household_markers,
    ),
    Row(
        "housing-needs-detail",
        "patch",
        lambda w: Call(kwargs={"pk": household(w).pk}, body={"children": 2}),
        CHANGED_BY_ITS_INITIATIVE,
        exact_for={"member"},
        exact_markers=household_markers,
    ),
    Row(
        "housing-needs-withdraw",
        "post",
        _detail(household),
        CHANGED_BY_ITS_INITIATIVE,
        exact_for={"member"},
        exact_markers=household_markers,
    ),
    Row(
        "housing-needs-publish",
        "post",
        _detail(lambda w: household(w, status="draft")),
        CHANGED_BY_ITS_INITIATIVE,
        exact_for={"member"},
        exact_markers=household_markers,
    ),
    Row(
        "housing-needs-map",
        "get",
        lambda w: household(w) and Call(),
        READ_BY_ALL,
        exact_markers=household_markers,
    ),
]
