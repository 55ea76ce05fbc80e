"""Access rows for the directory of services and providers (issue 14).

Everything published is public, without login: a service is a public place, and the public
phone and email of an organisation are meant to be seen. Drafts are seen only by the
organisation's members and coordinators (`_draft_title` is the marker). Writes: members of
the organisation and coordinators; approving: coordinators.
"""

from directory.models import PublicationStatus
from tests.api.access import Call, Row, World, everyone, roles
from tests.directory.factories import ProviderProfileFactory, ServiceFactory

DRAFT_TITLE = "Entwurf der Sprechstunde"


def _profile(world: World, **overrides):
    return ProviderProfileFactory(organisation=world.initiative, **overrides)


def _services(world: World) -> Call:
    profile = _profile(world)
    ServiceFactory(provider=profile, title="Offene Sprechstunde")
    ServiceFactory(provider=profile, title=DRAFT_TITLE, status=PublicationStatus.DRAFT)
    return Call()


def _draft_title(world: World) -> list[str]:
    return [DRAFT_TITLE]


def _one_service(world: World) -> Call:
    return Call(kwargs={"pk": ServiceFactory(provider=_profile(world)).pk})


def _draft_service(world: World) -> Call:
    service = ServiceFactory(provider=_profile(world), status=PublicationStatus.DRAFT)
    return Call(kwargs={"pk": service.pk})


def _in_review(world: World) -> Call:
    service = ServiceFactory(
        provider=_profile(world, needs_review=True), status=PublicationStatus.IN_REVIEW
    )
    return Call(kwargs={"pk": service.pk})


def _new_service(world: World) -> Call:
    return Call(
        body={
            "provider": _profile(world).pk,
            "title": "Beratung am Abend",
            "topics": ["asylum"],
            "languages": ["de", "ar"],
            "address": "04315 Leipzig",
            "hours": [{"weekday": 4, "opens": "20:00", "closes": "02:00"}],
        }
    )


def _change_service(world: World) -> Call:
    call = _one_service(world)
    call.body = {"barrier_free": True}
    return call


def _new_profile(world: World) -> Call:
    return Call(body={"organisation": world.initiative.pk, "name": "Notunterkunft Grünau"})


def _one_profile(world: World) -> Call:
    return Call(kwargs={"pk": _profile(world).pk})


def _change_profile(world: World) -> Call:
    call = _one_profile(world)
    call.body = {"website": "https://example.org"}
    return call


def _draft_profile(world: World) -> Call:
    return Call(kwargs={"pk": _profile(world, status=PublicationStatus.DRAFT).pk})


def _review_profile(world: World) -> Call:
    profile = _profile(world, status=PublicationStatus.IN_REVIEW, needs_review=True)
    return Call(kwargs={"pk": profile.pk})


EDITORS = {"member", "coordinator"}
WRITE = roles(403, anonymous=401, member=200, coordinator=200)
# A draft is not visible to outsiders: 404 before anyone asks whether they may change it.
WRITE_DRAFT = roles(404, anonymous=401, member=200, coordinator=200)

ROWS = [
    Row("directory-topics", "get", lambda w: Call(), everyone(200)),
    Row("directory-languages", "get", lambda w: Call(), everyone(200)),
    Row(
        "directory-services",
        "get",
        _services,
        everyone(200),
        exact_for=EDITORS,
        exact_markers=_draft_title,
    ),
    Row(
        "directory-services",
        "post",
        _new_service,
        roles(403, anonymous=401, member=201, coordinator=201),
    ),
    Row(
        "directory-services-map",
        "get",
        _services,
        everyone(200),
        exact_markers=_draft_title,
    ),
    Row("directory-services-detail", "get", _one_service, everyone(200)),
    Row("directory-services-detail", "patch", _change_service, WRITE),
    Row("directory-services-publish", "post", _draft_service, WRITE_DRAFT),
    Row(
        "directory-services-approve",
        "post",
        _in_review,
        roles(404, anonymous=401, member=403, coordinator=200),
    ),
    Row("directory-providers", "get", lambda w: Call(), everyone(200)),
    Row(
        "directory-providers",
        "post",
        _new_profile,
        roles(403, anonymous=401, member=201, coordinator=201),
    ),
    Row("directory-providers-detail", "get", _one_profile, everyone(200)),
    Row("directory-providers-detail", "patch", _change_profile, WRITE),
    Row("directory-providers-publish", "post", _draft_profile, WRITE_DRAFT),
    Row(
        "directory-providers-approve",
        "post",
        _review_profile,
        roles(404, anonymous=401, member=403, coordinator=200),
    ),
]
