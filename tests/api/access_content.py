"""Access rows for information pages, handouts and the editors' translation status.

Published pages and handouts are public (no login); drafts are known to editors only.
Editors are the welcome centre's coordinators: everyone else who is signed in is refused a
write (403), anonymous writers are asked to sign in (401). Nothing here is exact data of a
person, so no role has markers."""

from content import services
from tests.api.access import Call, Row, World, everyone, roles
from tests.content.factories import ARRIVING_AR, KITA_DE, make_handout, make_page


def _editor(world: World):
    return world.users["coordinator"]


def _page(world: World, **kwargs):
    return make_page(_editor(world), **kwargs)


def _handout(world: World, **kwargs):
    return make_handout(_editor(world), **kwargs)


def _pk(factory, **kwargs):
    return lambda world: Call(kwargs={"pk": factory(world, **kwargs).pk})


READ_BY_ALL = everyone(200)
EDITORS_ONLY = roles(403, anonymous=401, coordinator=200)
CREATED_BY_EDITORS = roles(403, anonymous=401, coordinator=201)
# A draft is not known to anyone but editors: others get 404 (anonymous: 401 for writes).
DRAFT_FOR_EDITORS = roles(404, coordinator=200)
DRAFT_STEP_BY_EDITORS = roles(404, anonymous=401, coordinator=200)


ROWS = [
    Row("content-pages", "get", lambda w: _page(w) and Call(), READ_BY_ALL),
    Row(
        "content-pages",
        "post",
        lambda w: Call(body={"slug": "arriving", "title": "Ankommen", "body": "Text"}),
        CREATED_BY_EDITORS,
    ),
    Row("content-page-detail", "get", _pk(_page), READ_BY_ALL, id="get-published-page"),
    Row(
        "content-page-detail",
        "get",
        _pk(_page, published=False),
        DRAFT_FOR_EDITORS,
        id="get-draft-page",
    ),
    Row(
        "content-page-detail",
        "patch",
        lambda w: Call(kwargs={"pk": _page(w).pk}, body={"body": "Neu"}),
        EDITORS_ONLY,
    ),
    Row(
        "content-page-translation",
        "put",
        lambda w: Call(kwargs={"pk": _page(w).pk, "language": "ar"}, body=ARRIVING_AR),
        EDITORS_ONLY,
    ),
    Row("content-page-submit", "post", _pk(_page, published=False), DRAFT_STEP_BY_EDITORS),
    Row(
        "content-page-approve",
        "post",
        lambda w: Call(kwargs={"pk": _in_review(w).pk}),
        DRAFT_STEP_BY_EDITORS,
    ),
    Row("content-page-publish", "post", _pk(_page, published=False), DRAFT_STEP_BY_EDITORS),
    Row("content-handouts", "get", lambda w: _handout(w) and Call(), READ_BY_ALL),
    Row(
        "content-handouts",
        "post",
        lambda w: Call(body={**KITA_DE, "slug": "kita", "audience": "kitas"}),
        CREATED_BY_EDITORS,
    ),
    Row("content-handout-detail", "get", _pk(_handout), READ_BY_ALL),
    Row(
        "content-handout-detail",
        "patch",
        lambda w: Call(kwargs={"pk": _handout(w).pk}, body={"audience": "everyone"}),
        EDITORS_ONLY,
    ),
    Row(
        "content-handout-translation",
        "put",
        lambda w: Call(
            kwargs={"pk": _handout(w).pk, "language": "uk"},
            body={"title": "Місце в дитсадку", "body": "Текст"},
        ),
        EDITORS_ONLY,
    ),
    Row(
        "content-handout-publish",
        "post",
        _pk(_handout, published=False),
        DRAFT_STEP_BY_EDITORS,
    ),
    Row("content-handout-pdf", "get", _pk(_handout), READ_BY_ALL),
    Row(
        "content-translation-status",
        "get",
        lambda w: _page(w) and Call(),
        roles(403, anonymous=401, coordinator=200),
    ),
]


def _in_review(world: World):
    page = _page(world, published=False)
    return services.submit_for_review(page, actor=_editor(world))
