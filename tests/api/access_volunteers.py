"""Access rows for the skill list, volunteer profiles and volunteer needs."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from tests.api.access import Call, Row, World, everyone, roles
from tests.volunteers.factories import VolunteerNeedFactory, VolunteerProfileFactory

HOME_ADDRESS = "Zschochersche Straße 12, 04229 Leipzig"
HOME_LAT, HOME_LON = 51.329871, 12.334219
ABOUT_ME = "Abends erreichbar, bitte nicht vor 18 Uhr klingeln"
NEED_ADDRESS = "Alte Salzstraße 40, 04209 Leipzig"
NEED_LAT, NEED_LON = 51.316642, 12.301873


def _when(days: int, hour: int) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour))).isoformat()


def profile(world: World, **fields):
    return VolunteerProfileFactory(
        user=world.users["volunteer"],
        address=HOME_ADDRESS,
        lat=HOME_LAT,
        lon=HOME_LON,
        description=ABOUT_ME,
        skills=["interpreting"],
        **fields,
    )


def need(world: World, **fields):
    return VolunteerNeedFactory(
        organisation=world.initiative,
        created_by=world.users["member"],
        address=NEED_ADDRESS,
        lat=NEED_LAT,
        lon=NEED_LON,
        **fields,
    )


def profile_markers(world: World) -> list[str]:
    # The home's street and exact coordinates, what the volunteer wrote, phone and email.
    return [HOME_ADDRESS, str(HOME_LAT), str(HOME_LON), ABOUT_ME, "0176 444", "volunteer@"]


def need_markers(world: World) -> list[str]:
    # The street, the coordinates and the initiative's contacts.
    return [NEED_ADDRESS, str(NEED_LAT), str(NEED_LON), "0341 111", "grünau@example.org"]


def new_profile(world: World) -> Call:
    return Call(
        body={
            "address": "04229 Leipzig",
            "skills": ["cooking"],
            "languages": [{"code": "ar", "level": "native"}],
        }
    )


def second_profile(world: World) -> Call:
    profile(world)
    return new_profile(world)


def new_need(world: World) -> Call:
    return Call(
        body={
            "title": "Hausaufgabenhilfe",
            "address": "04209 Leipzig",
            "shifts": [{"start": _when(2, 15), "end": _when(2, 17), "people": 2}],
            # Posted for world.initiative: members of another initiative may not.
            "organisation": world.initiative.pk,
        }
    )


def _detail(factory, body: dict | None = None):
    return lambda world: Call(kwargs={"pk": factory(world).pk}, body=body)


READ_BY_ALL = roles(200, anonymous=401)
# Anyone signed in may volunteer, once.
CREATED_BY_ALL = roles(201, anonymous=401)
SECOND_PROFILE = roles(201, anonymous=401, volunteer=400)
# A profile is not browsable: only its owner and coordinators know it exists.
SEEN_BY_OWNER = roles(404, anonymous=401, volunteer=200, coordinator=200)
CHANGED_BY_OWNER = roles(404, anonymous=401, volunteer=200, coordinator=403)
# Open needs are public (in public form); only world.initiative's members change them.
CHANGED_BY_ITS_INITIATIVE = roles(403, anonymous=401, member=200)
DRAFT_PUBLISHED_BY_ITS_INITIATIVE = roles(404, anonymous=401, member=200, coordinator=403)
NEED_CREATED_BY_MEMBER = roles(400, anonymous=401, member=201)

ROWS = [
    Row("skills", "get", lambda w: Call(), everyone(200)),
    # volunteer profiles, owned by the volunteer
    Row(
        "volunteer-profiles",
        "get",
        lambda w: profile(w) and Call(),
        READ_BY_ALL,  # everyone may list; the list holds only what they may see
        exact_for={"volunteer", "coordinator"},
        exact_markers=profile_markers,
    ),
    Row("volunteer-profiles", "post", new_profile, CREATED_BY_ALL),
    Row(
        "volunteer-profiles",
        "post",
        second_profile,
        SECOND_PROFILE,
        exact_markers=profile_markers,
        id="post-volunteer-profiles-second",
    ),
    Row(
        "volunteer-profiles-detail",
        "get",
        _detail(profile),
        SEEN_BY_OWNER,
        exact_for={"volunteer", "coordinator"},
        exact_markers=profile_markers,
    ),
    Row(
        "volunteer-profiles-detail",
        "patch",
        _detail(profile, {"max_hours_per_week": 8}),
        CHANGED_BY_OWNER,
        exact_for={"volunteer"},
        exact_markers=profile_markers,
    ),
    Row(
        "volunteer-profiles-withdraw",
        "post",
        _detail(profile),
        CHANGED_BY_OWNER,
        exact_for={"volunteer"},
        exact_markers=profile_markers,
    ),
    Row(
        "volunteer-profiles-publish",
        "post",
        _detail(lambda w: profile(w, status="draft")),
        CHANGED_BY_OWNER,
        exact_for={"volunteer"},
        exact_markers=profile_markers,
    ),
    Row(
        "volunteer-profiles-map",
        "get",
        lambda w: profile(w) and Call(),
        READ_BY_ALL,
        exact_markers=profile_markers,
    ),
    # volunteer needs, posted by world.initiative
    Row(
        "volunteer-needs",
        "get",
        lambda w: need(w) and Call(),
        READ_BY_ALL,
        exact_for={"member", "coordinator"},
        exact_markers=need_markers,
    ),
    Row("volunteer-needs", "post", new_need, NEED_CREATED_BY_MEMBER),
    Row(
        "volunteer-needs-detail",
        "get",
        _detail(need),
        READ_BY_ALL,
        exact_for={"member", "coordinator"},
        exact_markers=need_markers,
    ),
    Row(
        "volunteer-needs-detail",
        "patch",
        _detail(need, {"title": "Dolmetschen, dringend"}),
        CHANGED_BY_ITS_INITIATIVE,
        exact_for={"member"},
        exact_markers=need_markers,
    ),
    Row(
        "volunteer-needs-withdraw",
        "post",
        _detail(need),
        CHANGED_BY_ITS_INITIATIVE,
        exact_for={"member"},
        exact_markers=need_markers,
    ),
    Row(
        "volunteer-needs-publish",
        "post",
        _detail(lambda w: need(w, status="draft")),
        DRAFT_PUBLISHED_BY_ITS_INITIATIVE,
        exact_for={"member"},
        exact_markers=need_markers,
    ),
    Row(
        "volunteer-needs-map",
        "get",
        lambda w: need(w) and Call(),
        READ_BY_ALL,
        exact_markers=need_markers,
    ),
]
