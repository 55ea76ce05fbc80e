"""Reading pages and handouts in a reader's language, and the editors' view of what is
missing, outdated or overdue.

A reader gets the text in their language where a current translation exists, else the source
with a notice (`editorial.selectors.reading`). Editors see, for every record with a text (pages,
handouts, and whatever other app keeps its words in `editorial`: found through the model
registry, so this app imports none of them), its status per content language, counts per
language, and what has not been confirmed for too long."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import get_language_info

from content.models import Audience, Handout, Page, PublicationStatus
from editorial import selectors as editorial
from editorial.languages import content_languages
from editorial.models import Kept, Text, TranslationStatus

# --- languages -------------------------------------------------------------------------------


def text_direction(language: str) -> str:
    """ "rtl" for a language written right to left (Arabic, Farsi …), else "ltr"."""
    try:
        return "rtl" if get_language_info(language)["bidi"] else "ltr"
    except KeyError:  # a language Django does not know: its script is unknown, assume ltr
        return "ltr"


def language_name(language: str) -> str:
    """The language's own name for itself ("العربية"), as readers look for it."""
    try:
        return get_language_info(language)["name_local"]
    except KeyError:
        return language


# --- readers ---------------------------------------------------------------------------------


@dataclass
class Node:
    """A page of the topic tree as a reader in `wanted` reads it."""

    page: Page
    reading: editorial.Reading
    path: str
    depth: int
    children: list["Node"] = field(default_factory=list)


def reader_language(requested: str | None, fallback: str) -> str:
    """The content language asked for (`?language=`), else the interface language; a language
    that is no content language is kept as it is: the reader then gets the source with the
    notice that their language is missing."""
    if requested and requested in content_languages():
        return requested
    return fallback


def _pages(published_only: bool) -> QuerySet[Page]:
    pages = editorial.with_translations(Page.objects.all())
    if published_only:
        pages = pages.filter(status=PublicationStatus.PUBLISHED)
    return pages.order_by("position", "slug", "pk")


def topic_tree(language: str, *, published_only: bool = True) -> list[Node]:
    """The topics and their pages, ordered by position. A page whose parent is not shown (a
    draft) is not shown either: readers never reach a page through a hidden one."""
    pages = list(_pages(published_only))
    by_parent: dict[int | None, list[Page]] = {}
    for page in pages:
        by_parent.setdefault(page.parent_id, []).append(page)

    def build(parent_id: int | None, prefix: str, depth: int) -> list[Node]:
        nodes = []
        for page in by_parent.get(parent_id, []):
            path = f"{prefix}{page.slug}"
            node = Node(page, editorial.reading(page.text, language), path, depth)
            node.children = build(page.pk, path + "/", depth + 1)
            nodes.append(node)
        return nodes

    return build(None, "", 0)


def flattened(nodes: list[Node]) -> list[Node]:
    """The tree depth first, as one list (the API's list of pages)."""
    found: list[Node] = []
    for node in nodes:
        found.append(node)
        found.extend(flattened(node.children))
    return found


def page_by_path(path: str, *, published_only: bool = True) -> Page | None:
    """The page named by its slugs from the top, e.g. "arriving/registration"."""
    slugs = [slug for slug in (path or "").strip("/").split("/") if slug]
    if not slugs:
        return None
    candidates = Page.objects.filter(slug__in=slugs)
    if published_only:
        candidates = candidates.filter(status=PublicationStatus.PUBLISHED)
    by_key = {(page.parent_id, page.slug): page for page in candidates}
    page = None
    for slug in slugs:
        page = by_key.get((page.pk if page else None, slug))
        if page is None:
            return None
    return editorial.with_translations(Page.objects.filter(pk=page.pk)).get()


def path_of(page: Page) -> str:
    return "/".join([*(above.slug for above in ancestors(page)), page.slug])


def ancestors(page: Page) -> list[Page]:
    """The pages above `page`, from the top (for the breadcrumbs). The services never let the
    tree close a cycle; should one be written around them (the admin, SQL), this stops at the
    first page seen twice rather than walking round for ever."""
    found: list[Page] = []
    seen = {page.pk}
    current = page
    while current.parent_id and current.parent_id not in seen:
        current = editorial.with_translations(Page.objects.filter(pk=current.parent_id)).get()
        seen.add(current.pk)
        found.append(current)
    return list(reversed(found))


def visible_children(page: Page, language: str, *, published_only: bool = True) -> list[Node]:
    children = _pages(published_only).filter(parent=page)
    prefix = path_of(page) + "/"
    return [
        Node(child, editorial.reading(child.text, language), prefix + child.slug, 0)
        for child in children
    ]


def handouts(
    *, audience: str | None = None, published_only: bool = True, page: Page | None = None
) -> QuerySet[Handout]:
    """Handouts, optionally for one audience: material for everyone counts for every audience."""
    found = editorial.with_translations(Handout.objects.all())
    if published_only:
        found = found.filter(status=PublicationStatus.PUBLISHED)
    if audience:
        found = found.filter(audience__in={audience, Audience.EVERYONE})
    if page is not None:
        found = found.filter(page=page)
    return found.order_by("slug", "pk")


# --- editors ---------------------------------------------------------------------------------


def text_models() -> list[type[models.Model]]:
    """Every installed model whose words are an editorial text: a one-to-one field named
    `text` to editorial.Text (pages and handouts, the directory's and events' records …)."""
    found = []
    for model in apps.get_models():
        if not _has_field(model, "text"):
            continue
        text_field = model._meta.get_field("text")
        if isinstance(text_field, models.OneToOneField) and text_field.related_model is Text:
            found.append(model)
    # Pages and handouts first, the rest by name: the order editors find on the page.
    own = {Page: 0, Handout: 1}
    return sorted(found, key=lambda model: (own.get(model, 2), model._meta.label))


@dataclass
class Row:
    """One record on the editors' status page."""

    record: models.Model
    kind: str  # the model's label, e.g. "content.page"
    kind_name: str
    title: str
    source_language: str
    version: int
    statuses: dict[str, str]


@dataclass
class Overview:
    languages: tuple[str, ...]
    rows: list[Row]
    # counts[language][status] for status in source/current/outdated/missing
    counts: dict[str, Counter]

    def needing_work(self, language: str) -> list[Row]:
        """The rows missing or outdated in `language`."""
        wanted = (TranslationStatus.MISSING, TranslationStatus.OUTDATED)
        return [row for row in self.rows if row.statuses.get(language) in wanted]


def _title(fields: dict) -> str:
    for name in ("title", "name"):
        if fields.get(name):
            return str(fields[name])
    return next((str(value) for value in fields.values() if value), "")


def translation_overview() -> Overview:
    languages = content_languages()
    rows: list[Row] = []
    counts = {language: Counter() for language in languages}
    for model in text_models():
        for record in editorial.with_translations(model.objects.all()).order_by("pk"):
            text = record.text
            statuses = editorial.statuses(text)
            source = editorial.reading(text, text.source_language)
            rows.append(
                Row(
                    record=record,
                    kind=model._meta.label_lower,
                    kind_name=str(model._meta.verbose_name),
                    title=_title(source.fields),
                    source_language=text.source_language,
                    version=text.version,
                    statuses={language: statuses[language] for language in languages},
                )
            )
            for language in languages:
                counts[language][statuses[language]] += 1
    return Overview(languages=languages, rows=rows, counts=counts)


@dataclass
class Overdue:
    record: models.Model
    kind: str
    kind_name: str
    title: str
    last_confirmed_on: date


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(found.name == name for found in model._meta.get_fields())


def overdue_records(*, today: date | None = None) -> list[Overdue]:
    """Records with a text that nobody confirmed within EDITORIAL_CONFIRM_EVERY_DAYS."""
    found = []
    for model in text_models():
        # Kept records, and any other that says when it was last confirmed.
        if not (issubclass(model, Kept) or _has_field(model, "last_confirmed_on")):
            continue
        queryset = editorial.with_translations(model.objects.all())
        for record in editorial.overdue(queryset, today=today):
            found.append(
                Overdue(
                    record=record,
                    kind=model._meta.label_lower,
                    kind_name=str(model._meta.verbose_name),
                    title=_title(
                        editorial.reading(record.text, record.text.source_language).fields
                    ),
                    last_confirmed_on=record.last_confirmed_on,
                )
            )
    return sorted(found, key=lambda row: (row.last_confirmed_on, row.kind, row.record.pk))
