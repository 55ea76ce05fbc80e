"""Writing information pages and handouts: their texts through `editorial`, their place in the
topic tree, and the way to publication (draft → in review → published, or published at once).

Editors of the welcome centre (for now: coordinators) write pages and handouts; organisations
cannot. Every refusal is an `ApplicationError` with messages by field and saves nothing: all
checks run before the first write, inside one transaction. Changes of the tree run under one
advisory lock, so two moves at the same time cannot close a cycle that neither saw alone."""

import re
from collections.abc import Mapping

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from base.errors import INVALID, NOT_ALLOWED, WRONG_STATE, ApplicationError
from base.text import clean_text, text_problems
from content.models import (
    SLUG_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Audience,
    Handout,
    Page,
    PublicationStatus,
)
from editorial import services as editorial
from editorial.languages import content_languages, is_content_language
from editorial.models import Text, Translation

PAGE_FIELDS = ("title", "summary", "body")
HANDOUT_FIELDS = ("title", "body")
MAX_POSITION = 1000
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
# Any fixed number: the key of the transaction-level lock that serialises changes of the tree.
TREE_LOCK = 1_400_014
DEFAULT_SOURCE_LANGUAGE = "de"


# --- who may ---------------------------------------------------------------------------------


def may_edit(user) -> bool:
    """Editors of pages and handouts: the welcome centre's coordinators (and admins)."""
    return bool(user is not None and user.is_authenticated and user.is_coordinator)


def _require_editor(actor) -> None:
    if not may_edit(actor):
        raise ApplicationError(
            _("Only editors of the welcome centre may change information pages and handouts."),
            code=NOT_ALLOWED,
        )


# --- checks that gather messages by field ----------------------------------------------------


def _check_language(language: str, errors: dict, field: str = "language") -> None:
    if not is_content_language(language):
        errors[field] = [
            _("Choose one of the languages content is written in: %(languages)s.")
            % {"languages": ", ".join(content_languages())}
        ]


def _check_text(fields: Mapping[str, object], names: tuple[str, ...], errors: dict) -> dict:
    """The text fields among `fields` (only `names`), stripped; a title is required."""
    cleaned = {
        name: ("" if fields[name] is None else str(fields[name]).strip())
        for name in names
        if name in fields
    }
    for name, value in cleaned.items():
        # The one text rule (base.text): web forms and the demo reach here without the API's
        # parser in front. A title is one line; summary and body keep their line breaks.
        problems = text_problems(value)
        if problems:
            errors[name] = problems
        else:
            cleaned[name] = clean_text(value, multiline=name != "title")
    if "title" in cleaned and not cleaned["title"] and "title" not in errors:
        errors["title"] = [_("Please give a title.")]
    limits = {"title": TITLE_MAX_LENGTH, "summary": SUMMARY_MAX_LENGTH}
    for name, limit in limits.items():
        if len(cleaned.get(name, "")) > limit:
            errors[name] = [_("Please keep this under %(n)s characters.") % {"n": limit}]
    if len(cleaned.get("body", "")) > editorial.FIELD_MAX_LENGTH:
        errors["body"] = [
            _("Please keep this under %(n)s characters.") % {"n": editorial.FIELD_MAX_LENGTH}
        ]
    return cleaned


def _check_slug(slug: object, errors: dict) -> str:
    value = "" if slug is None else str(slug).strip()
    if not value:
        errors["slug"] = [_("Please give a short name for the address, e.g. “arriving”.")]
    elif len(value) > SLUG_MAX_LENGTH or not SLUG.match(value):
        errors["slug"] = [
            _(
                "Use only small letters a–z, digits and single hyphens, up to %(n)s "
                "characters, e.g. “school-registration”."
            )
            % {"n": SLUG_MAX_LENGTH}
        ]
    return value


def _check_position(position: object, errors: dict) -> int:
    try:
        value = int(position)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= MAX_POSITION:
        errors["position"] = [_("Give a whole number from 0 to %(n)s.") % {"n": MAX_POSITION}]
    return value


def _resolve_page(value: Page | int | None, errors: dict, field: str) -> Page | None:
    if value is None or value == "":
        return None
    if isinstance(value, Page):
        return value
    try:
        return Page.objects.get(pk=int(value))
    except (TypeError, ValueError, Page.DoesNotExist):
        errors[field] = [_("There is no such page.")]
        return None


def _check_audience(audience: object, errors: dict) -> str:
    if audience not in Audience.values:
        errors["audience"] = [
            _("Choose one of: %(choices)s.")
            % {"choices": ", ".join(str(label) for label in Audience.labels)}
        ]
    return str(audience)


def _raise_if(errors: dict) -> None:
    if errors:
        raise ApplicationError(errors, code=INVALID)


def _lock_tree() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK])


def _makes_cycle(page: Page, parent: Page | None) -> bool:
    """Whether placing `page` under `parent` would put it under itself (read under the lock)."""
    seen: set[int] = set()
    current = parent
    while current is not None:
        if current.pk == page.pk or current.pk in seen:
            return True
        seen.add(current.pk)
        current = (
            Page.objects.only("pk", "parent_id").filter(pk=current.parent_id).first()
            if current.parent_id
            else None
        )
    return False


def _slug_taken(slug: str, parent: Page | None, *, besides: int | None = None) -> bool:
    siblings = Page.objects.filter(slug=slug, parent=parent)
    if besides is not None:
        siblings = siblings.exclude(pk=besides)
    return siblings.exists()


def _slug_taken_message() -> list[str]:
    return [_("Another page at this place in the tree has this address already.")]


# --- pages -----------------------------------------------------------------------------------


@transaction.atomic
def create_page(
    *,
    actor,
    slug: str,
    title: str,
    summary: str = "",
    body: str = "",
    parent: Page | int | None = None,
    position: int = 0,
    language: str = DEFAULT_SOURCE_LANGUAGE,
    owner: Organisation | None = None,
) -> Page:
    """A new page in draft, written in `language` (its source)."""
    _require_editor(actor)
    errors: dict[str, list[str]] = {}
    _check_language(language, errors)
    text = _check_text({"title": title, "summary": summary, "body": body}, PAGE_FIELDS, errors)
    slug = _check_slug(slug, errors)
    position = _check_position(position, errors)
    parent = _resolve_page(parent, errors, "parent")
    _lock_tree()
    if "slug" not in errors and "parent" not in errors and _slug_taken(slug, parent):
        errors["slug"] = _slug_taken_message()
    _raise_if(errors)
    return Page.objects.create(
        text=editorial.create_text(language=language, fields=text, actor=actor),
        parent=parent,
        slug=slug,
        position=position,
        owner=owner,
        created_by=actor,
        last_confirmed_on=timezone.localdate(),
        last_confirmed_by=actor,
    )


@transaction.atomic
def update_page(page: Page, *, actor, changes: Mapping[str, object]) -> Page:
    """Changes of the source text (title, summary, body: a new version, which makes every
    translation outdated) and of the page's place (slug, parent, position)."""
    _require_editor(actor)
    _lock_tree()
    page = Page.objects.select_for_update().get(pk=page.pk)
    errors: dict[str, list[str]] = {}
    unknown = set(changes) - {*PAGE_FIELDS, "slug", "parent", "position"}
    if unknown:
        raise ValueError(f"not fields of a page: {sorted(unknown)}")
    text = _check_text(changes, PAGE_FIELDS, errors)
    slug = _check_slug(changes["slug"], errors) if "slug" in changes else page.slug
    parent = page.parent
    if "parent" in changes:
        parent = _resolve_page(changes["parent"], errors, "parent")
        if "parent" not in errors and _makes_cycle(page, parent):
            errors["parent"] = [
                _("A page cannot be placed under itself or under one of its own sub-pages.")
            ]
    position = (
        _check_position(changes["position"], errors) if "position" in changes else page.position
    )
    if (
        "slug" not in errors
        and "parent" not in errors
        and _slug_taken(slug, parent, besides=page.pk)
    ):
        errors["slug"] = _slug_taken_message()
    _raise_if(errors)
    if text:
        editorial.edit_source(page.text, fields=text, required=(), actor=actor)
    page.slug, page.parent, page.position = slug, parent, position
    page.save(update_fields=["slug", "parent", "position", "updated_at"])
    return page


# --- handouts --------------------------------------------------------------------------------


@transaction.atomic
def create_handout(
    *,
    actor,
    slug: str,
    title: str,
    audience: str,
    body: str = "",
    page: Page | int | None = None,
    language: str = DEFAULT_SOURCE_LANGUAGE,
    owner: Organisation | None = None,
) -> Handout:
    """A new handout in draft, written in `language` (its source)."""
    _require_editor(actor)
    errors: dict[str, list[str]] = {}
    _check_language(language, errors)
    text = _check_text({"title": title, "body": body}, HANDOUT_FIELDS, errors)
    slug = _check_slug(slug, errors)
    audience = _check_audience(audience, errors)
    page = _resolve_page(page, errors, "page")
    if "slug" not in errors and Handout.objects.filter(slug=slug).exists():
        errors["slug"] = [_("Another handout has this address already.")]
    _raise_if(errors)
    return Handout.objects.create(
        text=editorial.create_text(language=language, fields=text, actor=actor),
        slug=slug,
        audience=audience,
        page=page,
        owner=owner,
        created_by=actor,
        last_confirmed_on=timezone.localdate(),
        last_confirmed_by=actor,
    )


@transaction.atomic
def update_handout(handout: Handout, *, actor, changes: Mapping[str, object]) -> Handout:
    _require_editor(actor)
    handout = Handout.objects.select_for_update().get(pk=handout.pk)
    unknown = set(changes) - {*HANDOUT_FIELDS, "slug", "audience", "page"}
    if unknown:
        raise ValueError(f"not fields of a handout: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    text = _check_text(changes, HANDOUT_FIELDS, errors)
    slug = _check_slug(changes["slug"], errors) if "slug" in changes else handout.slug
    audience = (
        _check_audience(changes["audience"], errors) if "audience" in changes else handout.audience
    )
    page = _resolve_page(changes["page"], errors, "page") if "page" in changes else handout.page
    if "slug" not in errors and Handout.objects.filter(slug=slug).exclude(pk=handout.pk).exists():
        errors["slug"] = [_("Another handout has this address already.")]
    _raise_if(errors)
    if text:
        editorial.edit_source(handout.text, fields=text, required=(), actor=actor)
    handout.slug, handout.audience, handout.page = slug, audience, page
    handout.save(update_fields=["slug", "audience", "page", "updated_at"])
    return handout


# --- translations, for pages and handouts alike ----------------------------------------------


def fields_of(record: Page | Handout) -> tuple[str, ...]:
    return PAGE_FIELDS if isinstance(record, Page) else HANDOUT_FIELDS


@transaction.atomic
def translate(
    record: Page | Handout,
    *,
    actor,
    language: str,
    fields: Mapping[str, object],
    from_version: int | None = None,
) -> Translation:
    """The record's text in `language`, made from the source version the translator saw
    (`from_version`: the form shows a version and sends it back, so a source changed while
    someone translated leaves this translation outdated, as it is)."""
    _require_editor(actor)
    errors: dict[str, list[str]] = {}
    _check_language(language, errors)
    text: Text = record.text
    if "language" not in errors and language == text.source_language:
        errors["language"] = [_("This is the text's source language: edit the source instead.")]
    names = fields_of(record)
    cleaned = _check_text({"title": "", **fields}, names, errors)
    _raise_if(errors)
    return editorial.translate(
        text,
        language=language,
        fields=cleaned,
        required=("title",),
        actor=actor,
        from_version=from_version,
    )


# --- the way to publication, and confirming ----------------------------------------------------


def _move(record: Page | Handout, allowed_from: tuple[str, ...], to: str) -> Page | Handout:
    # A conditional update: of two editors pressing at once, one moves it, the other is told.
    moved = (
        type(record)
        .objects.filter(pk=record.pk, status__in=allowed_from)
        .update(status=to, updated_at=timezone.now())
    )
    if not moved:
        raise ApplicationError(
            _("This is %(status)s already; nothing was changed.")
            % {"status": type(record).objects.get(pk=record.pk).get_status_display()},
            code=WRONG_STATE,
        )
    record.refresh_from_db()
    return record


def submit_for_review(record: Page | Handout, *, actor) -> Page | Handout:
    """A draft goes to another editor for review."""
    _require_editor(actor)
    return _move(record, (PublicationStatus.DRAFT,), PublicationStatus.IN_REVIEW)


def approve(record: Page | Handout, *, actor) -> Page | Handout:
    """A reviewed draft is published."""
    _require_editor(actor)
    return _move(record, (PublicationStatus.IN_REVIEW,), PublicationStatus.PUBLISHED)


def publish(record: Page | Handout, *, actor) -> Page | Handout:
    """Published at once, with or without a review."""
    _require_editor(actor)
    return _move(
        record,
        (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW),
        PublicationStatus.PUBLISHED,
    )


def confirm(record: Page | Handout, *, actor) -> Page | Handout:
    """An editor says the record is still right today: it is no longer overdue."""
    _require_editor(actor)
    return editorial.confirm_current(record, actor=actor)
