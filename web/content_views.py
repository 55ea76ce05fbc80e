"""Information pages and handouts (issue 14, area "content").

For readers, without login:
- `/info/`: the topic tree ("Arriving", "Living", "Work", "Children" …) in the reader's
  language (`?language=` or the interface language). A title that is not available or
  outdated in that language is shown in the original, marked with its language and direction.
- `/info/<slugs>/`: one page. Where the reader's language is missing or outdated, the page
  says so and shows the source text, marked with lang and dir (German inside an Arabic page
  runs left to right).
- `/handouts/`: material for schools, Kitas and clubs, with a PDF per content language
  (`/handouts/<slug>/<language>.pdf`, content.pdf).

For editors (coordinators), under /coordination/ (so the second factor guards it):
- `/coordination/content/`: per language what is missing or outdated, counts per language,
  what is overdue for confirmation, and every page and handout with its next step.
- forms for the source text (`…/pages/new/`, `…/pages/<id>/`) and for a translation, which
  shows the current source beside it (`…/pages/<id>/translate/<language>/`); the same for
  handouts. `content.services` decides; its messages are shown beside the fields.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from base.errors import ApplicationError
from content import pdf, selectors, services
from content.markup import blocks
from content.models import Audience, Handout, Page, PublicationStatus
from editorial import selectors as editorial
from editorial.languages import content_languages
from editorial.models import TranslationStatus
from web.content_forms import (
    HANDOUT_FIELDS,
    PAGE_FIELDS,
    TRANSLATION_FIELDS,
    HandoutForm,
    PageForm,
    TranslationForm,
    parse,
)

# --- shared ----------------------------------------------------------------------------------


def _language(request: HttpRequest) -> str:
    return selectors.reader_language(
        request.GET.get("language"), translation.get_language() or settings.LANGUAGE_CODE
    )


def _query(request: HttpRequest, language: str) -> str:
    """Links keep a language the reader chose on the page (`?language=`)."""
    return f"?language={language}" if request.GET.get("language") == language else ""


def _languages(current: str) -> list[dict]:
    """The content languages as links "read in …", each named in itself."""
    return [
        {
            "code": code,
            "name": selectors.language_name(code),
            "dir": selectors.text_direction(code),
            "current": code == current,
        }
        for code in content_languages()
    ]


def _shown(reading: editorial.Reading) -> dict:
    """What a template needs of a reading. Not the Reading itself: templates look names up
    as keys first, and a Reading answers every key with a field ("" if it has none)."""
    return {
        "fields": reading.fields,
        "notice": reading.notice,
        "language": reading.language,
        "dir": selectors.text_direction(reading.language),
        "name": selectors.language_name(reading.language),
        "blocks": blocks(reading["body"]),
    }


def _is_editor(request: HttpRequest) -> bool:
    return services.may_edit(request.user) and (
        not settings.SECOND_FACTOR_REQUIRED or request.user.is_verified()
    )


def _editor(request: HttpRequest) -> None:
    if not services.may_edit(request.user):
        raise PermissionDenied
    # Second factor (issue 12): the middleware sends coordinators without one to its page
    # before /coordination/; this holds even where the middleware would not run.
    if settings.SECOND_FACTOR_REQUIRED and not request.user.is_verified():
        raise PermissionDenied


def _node_dict(node: selectors.Node, wanted: str) -> dict:
    return {
        "path": node.path,
        "shown": _shown(node.reading),
        "differs": node.reading.language != wanted,
        "children": [_node_dict(child, wanted) for child in node.children],
    }


# --- readers ---------------------------------------------------------------------------------


def topics(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    tree = selectors.topic_tree(language)
    return render(
        request,
        "web/content/topics.html",
        {
            "nodes": [_node_dict(node, language) for node in tree],
            "wanted": language,
            "languages": _languages(language),
            "query": _query(request, language),
        },
    )


def page(request: HttpRequest, path: str) -> HttpResponse:
    language = _language(request)
    found = selectors.page_by_path(path, published_only=not _is_editor(request))
    if found is None:
        raise Http404
    reading = editorial.reading(found.text, language)
    crumbs = []
    prefix = ""
    for above in selectors.ancestors(found):
        prefix = f"{prefix}{above.slug}/"
        crumbs.append(
            {"path": prefix.rstrip("/"), "shown": _shown(editorial.reading(above.text, language))}
        )
    children = [
        _node_dict(node, language)
        for node in selectors.visible_children(
            found, language, published_only=not _is_editor(request)
        )
    ]
    handouts = [_handout_dict(handout, language) for handout in selectors.handouts(page=found)]
    return render(
        request,
        "web/content/page.html",
        {
            "page": found,
            "shown": _shown(reading),
            "wanted": language,
            "wanted_name": selectors.language_name(language),
            "crumbs": crumbs,
            "children": children,
            "handouts": handouts,
            "languages": _languages(language),
            "query": _query(request, language),
            "is_draft": found.status != PublicationStatus.PUBLISHED,
        },
    )


def _handout_dict(handout: Handout, language: str) -> dict:
    statuses = editorial.statuses(handout.text)
    return {
        "handout": handout,
        "shown": _shown(editorial.reading(handout.text, language)),
        "differs": editorial.reading(handout.text, language).language != language,
        "pdfs": [
            {
                "code": code,
                "name": selectors.language_name(code),
                "status": statuses.get(code),
                "url": reverse("handout-pdf", args=[handout.slug, code]),
            }
            for code in content_languages()
        ],
    }


def handouts(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    audience = request.GET.get("audience") or ""
    if audience not in Audience.values:
        audience = ""
    found = selectors.handouts(audience=audience or None)
    return render(
        request,
        "web/content/handouts.html",
        {
            "rows": [_handout_dict(handout, language) for handout in found],
            "audiences": Audience.choices,
            "audience": audience,
            "wanted": language,
            "languages": _languages(language),
            "query": _query(request, language),
        },
    )


def handout_pdf(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    if language not in content_languages():
        raise Http404
    found = selectors.handouts(published_only=not _is_editor(request)).filter(slug=slug).first()
    if found is None:
        raise Http404
    response = HttpResponse(pdf.handout_pdf(found, language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.slug}-{language}.pdf"'
    return response


# --- editors: the status page ----------------------------------------------------------------


EDIT_URLS = {"content.page": "content-page-edit", "content.handout": "content-handout-edit"}
TRANSLATE_URLS = {
    "content.page": "content-page-translate",
    "content.handout": "content-handout-translate",
}


@login_required
def status(request: HttpRequest) -> HttpResponse:
    _editor(request)
    overview = selectors.translation_overview()
    per_language = []
    for code in overview.languages:
        rows = [
            {
                "row": row,
                "status": row.statuses[code],
                "status_label": _status_label(row.statuses[code]),
                "url": reverse(TRANSLATE_URLS[row.kind], args=[row.record.pk, code])
                if row.kind in TRANSLATE_URLS
                else "",
            }
            for row in overview.needing_work(code)
        ]
        per_language.append(
            {
                "code": code,
                "name": selectors.language_name(code),
                "dir": selectors.text_direction(code),
                "counts": overview.counts[code],
                "rows": rows,
            }
        )
    overdue = [
        {
            "row": row,
            "confirm_url": reverse("content-confirm", args=[row.kind.split(".")[1], row.record.pk])
            if row.kind in EDIT_URLS
            else "",
        }
        for row in selectors.overdue_records()
    ]
    records = [
        {
            "row": row,
            "edit_url": reverse(EDIT_URLS[row.kind], args=[row.record.pk]),
            "translate": [
                {
                    "code": code,
                    "name": selectors.language_name(code),
                    "status": row.statuses[code],
                    "status_label": _status_label(row.statuses[code]),
                    "url": reverse(TRANSLATE_URLS[row.kind], args=[row.record.pk, code]),
                }
                for code in overview.languages
                if row.statuses[code] != "source"
            ],
            "steps": _steps(row.record),
        }
        for row in overview.rows
        if row.kind in EDIT_URLS
    ]
    return render(
        request,
        "web/content/status.html",
        {"languages": per_language, "overdue": overdue, "records": records},
    )


def _status_label(value: str) -> str:
    return str(dict(TranslationStatus.choices).get(value, value))


def _steps(record) -> list[dict]:
    """The buttons of the way to publication that apply to the record now."""
    if isinstance(record, Page):
        url = "content-page-step"
        names = {
            PublicationStatus.DRAFT: [
                ("submit", _("Submit for review")),
                ("publish", _("Publish")),
            ],
            PublicationStatus.IN_REVIEW: [("approve", _("Approve and publish"))],
        }
    else:
        url = "content-handout-step"
        names = {
            PublicationStatus.DRAFT: [("publish", _("Publish"))],
            PublicationStatus.IN_REVIEW: [("publish", _("Publish"))],
        }
    return [
        {"label": label, "url": reverse(url, args=[record.pk, step])}
        for step, label in names.get(record.status, [])
    ]


# --- editors: forms --------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    model: type
    form: type
    field_names: tuple
    text_fields: tuple
    template: str
    edit_url: str
    translate_url: str


PAGE = Kind(
    Page,
    PageForm,
    PAGE_FIELDS,
    services.PAGE_FIELDS,
    "web/content/page_form.html",
    "content-page-edit",
    "content-page-translate",
)
HANDOUT = Kind(
    Handout,
    HandoutForm,
    HANDOUT_FIELDS,
    services.HANDOUT_FIELDS,
    "web/content/handout_form.html",
    "content-handout-edit",
    "content-handout-translate",
)


def _errors_context(errors: dict, known: tuple) -> dict:
    return {
        "errors": {name: errors.get(name, []) for name in known},
        "general_errors": [m for name, found in errors.items() if name not in known for m in found],
        "has_errors": bool(errors),
    }


def _page_options(exclude: Page | None = None) -> list[dict]:
    """Every page, indented by depth, as the parent's choices (not the page itself)."""
    options = []
    for node in selectors.flattened(
        selectors.topic_tree(settings.LANGUAGE_CODE, published_only=False)
    ):
        if exclude is not None and node.page.pk == exclude.pk:
            continue
        source = editorial.reading(node.page.text, node.page.text.source_language)
        options.append(
            {"pk": str(node.page.pk), "label": "— " * node.depth + (source["title"] or node.path)}
        )
    return options


def _form_page(request, kind: Kind, record, values: dict, errors: dict, code: int) -> HttpResponse:
    context = {
        "record": record,
        "values": values,
        "languages": [(c, selectors.language_name(c)) for c in content_languages()],
        "audiences": Audience.choices,
        "pages": _page_options(exclude=record if kind is PAGE else None),
        **_errors_context(errors, kind.field_names),
    }
    if record is not None:
        context["source_name"] = selectors.language_name(record.text.source_language)
        if kind is PAGE:
            context["record_path"] = selectors.path_of(record)
        context["statuses"] = [
            {
                "code": code_,
                "name": selectors.language_name(code_),
                "status": status_,
                "url": reverse(kind.translate_url, args=[record.pk, code_]),
            }
            for code_, status_ in editorial.statuses(record.text).items()
            if status_ != "source" and code_ in content_languages()
        ]
    return render(request, kind.template, context, status=code)


def _record_values(kind: Kind, record) -> dict:
    source = editorial.reading(record.text, record.text.source_language)
    values = {name: source[name] for name in kind.text_fields}
    values["language"] = record.text.source_language
    values["slug"] = record.slug
    if kind is PAGE:
        values["parent"] = str(record.parent_id or "")
        values["position"] = str(record.position)
    else:
        values["audience"] = record.audience
        values["page"] = str(record.page_id or "")
    return values


def _posted(kind: Kind, request: HttpRequest) -> dict:
    return {name: request.POST.get(name, "") for name in kind.field_names}


def _save(kind: Kind, record, fields: dict, actor):
    if kind is PAGE:
        fields["position"] = fields.get("position") or 0
        if record is None:
            fields["language"] = fields.get("language") or services.DEFAULT_SOURCE_LANGUAGE
            return services.create_page(actor=actor, **fields)
        fields.pop("language", None)
        return services.update_page(record, actor=actor, changes=fields)
    if record is None:
        fields["language"] = fields.get("language") or services.DEFAULT_SOURCE_LANGUAGE
        return services.create_handout(actor=actor, **fields)
    fields.pop("language", None)
    return services.update_handout(record, actor=actor, changes=fields)


def _source_form(request: HttpRequest, kind: Kind, record) -> HttpResponse:
    _editor(request)
    if request.method != "POST":
        values = _record_values(kind, record) if record is not None else {"language": "de"}
        return _form_page(request, kind, record, values, {}, 200)
    fields, errors = parse(kind.form, request.POST)
    if not errors:
        try:
            record = _save(kind, record, fields, request.user)
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return _form_page(request, kind, record, _posted(kind, request), errors, 400)
    messages.success(request, _("Saved."))
    return redirect(kind.edit_url, record.pk)


@login_required
def page_new(request: HttpRequest) -> HttpResponse:
    return _source_form(request, PAGE, None)


@login_required
def page_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    return _source_form(request, PAGE, get_object_or_404(Page, pk=pk))


@login_required
def handout_new(request: HttpRequest) -> HttpResponse:
    return _source_form(request, HANDOUT, None)


@login_required
def handout_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    return _source_form(request, HANDOUT, get_object_or_404(Handout, pk=pk))


def _translate(request: HttpRequest, kind: Kind, pk: int, language: str) -> HttpResponse:
    _editor(request)
    record = get_object_or_404(editorial.with_translations(kind.model.objects.all()), pk=pk)
    text = record.text
    if language not in content_languages():
        raise Http404
    if language == text.source_language:
        return redirect(kind.edit_url, record.pk)
    source = editorial.reading(text, text.source_language)
    existing = {row.language: row for row in text.translations.all()}.get(language)
    errors: dict = {}
    if request.method == "POST":
        fields, errors = parse(TranslationForm, request.POST)
        if not errors:
            from_version = fields.pop("from_version", None)
            wanted = {name: fields.get(name, "") for name in kind.text_fields}
            try:
                services.translate(
                    record,
                    actor=request.user,
                    language=language,
                    fields=wanted,
                    from_version=from_version,
                )
            except ApplicationError as error:
                errors = error.errors
        if not errors:
            messages.success(request, _("The translation is saved."))
            return redirect("content-status")
        values = {name: request.POST.get(name, "") for name in TRANSLATION_FIELDS}
    else:
        values = {
            name: (existing.fields.get(name, "") if existing else "") for name in kind.text_fields
        }
        values["from_version"] = str(text.version)
    return render(
        request,
        "web/content/translate_form.html",
        {
            "record": record,
            "kind": "page" if kind is PAGE else "handout",
            "has_summary": "summary" in kind.text_fields,
            "source": _shown(source),
            "source_version": text.version,
            "status": editorial.status_of(text, language),
            "language": language,
            "language_name": selectors.language_name(language),
            "dir": selectors.text_direction(language),
            "values": values,
            "edit_url": reverse(kind.edit_url, args=[record.pk]),
            **_errors_context(errors, TRANSLATION_FIELDS),
        },
        status=400 if errors else 200,
    )


@login_required
def page_translate(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    return _translate(request, PAGE, pk, language)


@login_required
def handout_translate(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    return _translate(request, HANDOUT, pk, language)


STEPS = {
    "submit": services.submit_for_review,
    "approve": services.approve,
    "publish": services.publish,
}


def _step(request: HttpRequest, model: type, pk: int, step: str) -> HttpResponse:
    _editor(request)
    record = get_object_or_404(model, pk=pk)
    if step not in STEPS or (model is Handout and step != "publish"):
        raise Http404
    try:
        STEPS[step](record, actor=request.user)
    except ApplicationError as error:
        for found in error.errors.values():
            for message in found:
                messages.error(request, message)
    else:
        messages.success(request, _("Done: %(status)s.") % {"status": record.get_status_display()})
    return redirect("content-status")


@login_required
@require_POST
def page_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    return _step(request, Page, pk, step)


@login_required
@require_POST
def handout_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    return _step(request, Handout, pk, step)


@login_required
@require_POST
def confirm(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """An editor confirms that a page or handout is still right."""
    _editor(request)
    model = {"page": Page, "handout": Handout}.get(kind)
    if model is None:
        raise Http404
    services.confirm(get_object_or_404(model, pk=pk), actor=request.user)
    messages.success(request, _("Confirmed as still right today."))
    return redirect("content-status")
