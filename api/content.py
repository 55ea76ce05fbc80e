"""Information pages and handouts (issue 14): readable by everyone without login, in the
language asked for (`?language=`, else Accept-Language or the user's), honestly: where that
language is missing or outdated the answer holds the source text, says which language it is
in (`shown_language`) and why (`notice`). Editors of the welcome centre (coordinators) write
pages, handouts and their translations, and see what is missing, outdated or overdue.

Rules live in `content.services`; reading in `content.selectors`; the PDF in `content.pdf`.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from api.common import UserLanguageMixin
from api.throttles import WriteRateThrottle
from base.errors import ApplicationError
from content import pdf, selectors, services
from content.markup import blocks
from content.models import Audience, Handout, Page, PublicationStatus
from editorial import selectors as editorial
from editorial.languages import content_languages
from editorial.models import TranslationStatus

PAGE_EXAMPLE = {
    "slug": "registration",
    "parent": 1,
    "position": 1,
    "language": "de",
    "title": "Anmeldung der Wohnung",
    "summary": "Innerhalb von zwei Wochen nach dem Einzug im Bürgeramt.",
    "body": "Bringen Sie mit:\n\n- Pass oder Ankunftsnachweis\n- Wohnungsgeberbestätigung",
}
HANDOUT_EXAMPLE = {
    "slug": "kita-place",
    "audience": "kitas",
    "page": None,
    "language": "de",
    "title": "Einen Kita-Platz finden",
    "body": "Jedes Kind ab einem Jahr hat ein Recht auf einen Platz.\n\n- Anmeldung online",
}
TRANSLATION_EXAMPLE = {
    "title": "تسجيل السكن",
    "summary": "خلال أسبوعين من الانتقال، في مكتب المواطنين.",
    "body": "أحضر معك:\n\n- جواز السفر أو إثبات الوصول\n- تأكيد المؤجر",
    "from_version": 1,
}
LANGUAGE_PARAMETER = OpenApiParameter(
    "language",
    str,
    description="A content language (de, en, uk, ar by default); without it the language "
    "of Accept-Language or the user's.",
    required=False,
)
TEXT_LIMIT = 60_000  # above editorial's field limit: the service gives the clear message


class ReadOpenWriteSignedIn(BasePermission):
    """Anyone reads; writing needs a login (and then the services ask for an editor)."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )


class ContentApi(UserLanguageMixin, generics.GenericAPIView):
    permission_classes = [ReadOpenWriteSignedIn]
    throttle_classes = [WriteRateThrottle]

    def is_editor(self) -> bool:
        return services.may_edit(self.request.user)

    def wanted_language(self) -> str:
        """`?language=` if given (400 if it is no content language), else the request's."""
        asked = self.request.query_params.get("language")
        if asked is not None:
            if asked not in content_languages():
                raise ApplicationError(
                    {
                        "language": [
                            _("Choose one of the languages content is written in: %(l)s.")
                            % {"l": ", ".join(content_languages())}
                        ]
                    }
                )
            return asked
        return translation.get_language() or content_languages()[0]

    def parse(self, serializer_class, **kwargs) -> dict:
        data = serializer_class(data=self.request.data, **kwargs)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)


# --- serializers -----------------------------------------------------------------------------


class BlockSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["p", "ul"], help_text="A paragraph or a list.")
    text = serializers.CharField(help_text="The paragraph's text (empty for a list).")
    items = serializers.ListField(child=serializers.CharField(), help_text="The list's items.")


class ShownSerializer(serializers.Serializer):
    """What every answer with text says about its language."""

    wanted_language = serializers.CharField(help_text="The language asked for.")
    shown_language = serializers.CharField(help_text="The language the text is shown in.")
    notice = serializers.ChoiceField(
        choices=["", "missing", "outdated"],
        allow_blank=True,
        help_text='"" when shown in the language asked for; else why the source is shown.',
    )
    translations = serializers.DictField(
        child=serializers.ChoiceField(choices=TranslationStatus.values),
        help_text="The status of the text per content language.",
    )
    last_confirmed_on = serializers.DateField()


class PageNodeSerializer(ShownSerializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    path = serializers.CharField(help_text='The slugs from the top, e.g. "arriving/registration".')
    parent = serializers.IntegerField(allow_null=True)
    depth = serializers.IntegerField(help_text="0 for the topics, 1 below them …")
    position = serializers.IntegerField()
    publication_status = serializers.ChoiceField(choices=PublicationStatus.choices)
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)


class PageSerializer(PageNodeSerializer):
    body = serializers.CharField(allow_blank=True, help_text="Plain text in the small markup.")
    blocks = BlockSerializer(many=True, help_text="The body read into paragraphs and lists.")
    source_language = serializers.CharField()
    version = serializers.IntegerField(help_text="The source's version.")


class HandoutSerializer(ShownSerializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    audience = serializers.ChoiceField(choices=Audience.choices)
    page = serializers.IntegerField(allow_null=True)
    publication_status = serializers.ChoiceField(choices=PublicationStatus.choices)
    title = serializers.CharField()
    body = serializers.CharField(allow_blank=True)
    blocks = BlockSerializer(many=True)
    source_language = serializers.CharField()
    version = serializers.IntegerField()
    pdf = serializers.DictField(
        child=serializers.CharField(), help_text="The PDF's address per content language."
    )


class PageInputSerializer(serializers.Serializer):
    slug = serializers.CharField(allow_blank=True, max_length=200)
    parent = serializers.IntegerField(
        required=False, allow_null=True, help_text="The page above (none: a topic)."
    )
    position = serializers.IntegerField(required=False, default=0)
    language = serializers.CharField(
        required=False, default=services.DEFAULT_SOURCE_LANGUAGE, help_text="The source's."
    )
    title = serializers.CharField(allow_blank=True, max_length=TEXT_LIMIT)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    body = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)


class PageUpdateSerializer(PageInputSerializer):
    language = None


class HandoutInputSerializer(serializers.Serializer):
    slug = serializers.CharField(allow_blank=True, max_length=200)
    audience = serializers.CharField(help_text="schools, kitas, clubs or everyone.")
    page = serializers.IntegerField(required=False, allow_null=True)
    language = serializers.CharField(required=False, default=services.DEFAULT_SOURCE_LANGUAGE)
    title = serializers.CharField(allow_blank=True, max_length=TEXT_LIMIT)
    body = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)


class HandoutUpdateSerializer(HandoutInputSerializer):
    language = None


class TranslationInputSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, max_length=TEXT_LIMIT)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    body = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    from_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="The source version translated (default: the current one).",
    )


class TranslationSerializer(serializers.Serializer):
    language = serializers.CharField()
    fields = serializers.DictField(child=serializers.CharField(allow_blank=True))
    source_version = serializers.IntegerField()
    translation_status = serializers.ChoiceField(choices=TranslationStatus.values)


class StatusRowSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text='The model, e.g. "content.page".')
    id = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    source_language = serializers.CharField()
    version = serializers.IntegerField()
    statuses = serializers.DictField(
        child=serializers.ChoiceField(choices=TranslationStatus.values)
    )


class OverdueSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    last_confirmed_on = serializers.DateField()


class CountsSerializer(serializers.Serializer):
    source = serializers.IntegerField()
    current = serializers.IntegerField()
    outdated = serializers.IntegerField()
    missing = serializers.IntegerField()


class TranslationStatusSerializer(serializers.Serializer):
    languages = serializers.ListField(child=serializers.CharField())
    counts = serializers.DictField(child=CountsSerializer(), help_text="Per content language.")
    records = StatusRowSerializer(many=True)
    overdue = OverdueSerializer(many=True)


# --- what the answers hold -------------------------------------------------------------------


def _blocks(body: str) -> list[dict]:
    return [{"kind": b.kind, "text": b.text, "items": b.items} for b in blocks(body)]


def _shown(record, language: str) -> tuple[editorial.Reading, dict]:
    reading = editorial.reading(record.text, language)
    return reading, {
        "wanted_language": language,
        "shown_language": reading.language,
        "notice": reading.notice,
        "translations": editorial.statuses(record.text),
        "last_confirmed_on": record.last_confirmed_on,
    }


def page_node(node: selectors.Node, language: str) -> dict:
    page = node.page
    reading, shown = _shown(page, language)
    return {
        **shown,
        "id": page.pk,
        "slug": page.slug,
        "path": node.path,
        "parent": page.parent_id,
        "depth": node.depth,
        "position": page.position,
        "publication_status": page.status,
        "title": reading["title"],
        "summary": reading["summary"],
    }


def page_detail(page: Page, language: str) -> dict:
    reading, shown = _shown(page, language)
    return {
        **shown,
        "id": page.pk,
        "slug": page.slug,
        "path": selectors.path_of(page),
        "parent": page.parent_id,
        "depth": len(selectors.ancestors(page)),
        "position": page.position,
        "publication_status": page.status,
        "title": reading["title"],
        "summary": reading["summary"],
        "body": reading["body"],
        "blocks": _blocks(reading["body"]),
        "source_language": page.text.source_language,
        "version": page.text.version,
    }


def handout_detail(handout: Handout, language: str, request) -> dict:
    reading, shown = _shown(handout, language)
    address = request.build_absolute_uri(reverse("api:content-handout-pdf", args=[handout.pk]))
    return {
        **shown,
        "id": handout.pk,
        "slug": handout.slug,
        "audience": handout.audience,
        "page": handout.page_id,
        "publication_status": handout.status,
        "title": reading["title"],
        "body": reading["body"],
        "blocks": _blocks(reading["body"]),
        "source_language": handout.text.source_language,
        "version": handout.text.version,
        "pdf": {code: f"{address}?language={code}" for code in content_languages()},
    }


def translation_data(record, row) -> dict:
    return {
        "language": row.language,
        "fields": row.fields,
        "source_version": row.source_version,
        "translation_status": editorial.status_of(record.text, row.language),
    }


# --- pages -----------------------------------------------------------------------------------


class PageApi(ContentApi):
    def pages(self):
        pages = editorial.with_translations(Page.objects.all())
        return pages if self.is_editor() else pages.filter(status=PublicationStatus.PUBLISHED)

    def get_page(self) -> Page:
        return get_object_or_404(self.pages(), pk=self.kwargs["pk"])

    def get_editable_page(self) -> Page:
        page = get_object_or_404(Page.objects.all(), pk=self.kwargs["pk"])
        if not self.is_editor():
            # Drafts stay unknown to whoever may not see them; the published are refused.
            if page.status != PublicationStatus.PUBLISHED:
                raise Http404
            raise PermissionDenied(_("Only editors of the welcome centre may change pages."))
        return page

    def respond_page(self, page: Page, code: int = status.HTTP_200_OK) -> Response:
        page = editorial.with_translations(Page.objects.filter(pk=page.pk)).get()
        return Response(PageSerializer(page_detail(page, self.wanted_language())).data, code)


class PageListApi(PageApi):
    """GET: the topic tree, depth first, in the language asked for (editors also see drafts).
    POST: a new page (editors)."""

    queryset = Page.objects.none()  # for the schema: the list is the tree, read in get()
    pagination_class = PageNumberPagination

    @extend_schema(parameters=[LANGUAGE_PARAMETER], responses={200: PageNodeSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        language = self.wanted_language()
        nodes = selectors.flattened(
            selectors.topic_tree(language, published_only=not self.is_editor())
        )
        page = self.paginate_queryset(nodes)
        data = PageNodeSerializer([page_node(node, language) for node in page], many=True).data
        return self.get_paginated_response(data)

    @extend_schema(
        request=PageInputSerializer,
        responses={201: PageSerializer},
        examples=[OpenApiExample("A page under a topic", value=PAGE_EXAMPLE, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        fields = self.parse(PageInputSerializer)
        page = services.create_page(actor=request.user, **fields)
        return self.respond_page(page, status.HTTP_201_CREATED)


class PageDetailApi(PageApi):
    """GET: one page in the language asked for, with `notice` and `shown_language`. PATCH:
    change the source (a new version: translations become outdated) or the page's place."""

    @extend_schema(parameters=[LANGUAGE_PARAMETER], responses={200: PageSerializer})
    def get(self, request, *args, **kwargs):
        page = self.get_page()
        return Response(PageSerializer(page_detail(page, self.wanted_language())).data)

    @extend_schema(
        request=PageUpdateSerializer,
        responses={200: PageSerializer},
        examples=[OpenApiExample("A new opening time", value={"body": "Neu: Montag 9–12 Uhr."})],
    )
    def patch(self, request, *args, **kwargs):
        page = self.get_editable_page()
        changes = self.parse(PageUpdateSerializer, partial=True)
        page = services.update_page(page, actor=request.user, changes=changes)
        return self.respond_page(page)


class PageTranslationApi(PageApi):
    """PUT: the page's text in one language (editors), recorded as made from `from_version`."""

    @extend_schema(
        request=TranslationInputSerializer,
        responses={200: TranslationSerializer},
        examples=[OpenApiExample("In Arabic", value=TRANSLATION_EXAMPLE, request_only=True)],
    )
    def put(self, request, *args, **kwargs):
        page = self.get_editable_page()
        fields = self.parse(TranslationInputSerializer)
        from_version = fields.pop("from_version", None)
        row = services.translate(
            page,
            actor=request.user,
            language=self.kwargs["language"],
            fields=fields,
            from_version=from_version,
        )
        return Response(TranslationSerializer(translation_data(page, row)).data)


class PageStepApi(PageApi):
    step = None
    error_statuses = (409,)  # it had moved on already

    @extend_schema(request=None, responses={200: PageSerializer})
    def post(self, request, *args, **kwargs):
        page = type(self).step(self.get_editable_page(), actor=request.user)
        return self.respond_page(page)


class PageSubmitApi(PageStepApi):
    """A draft goes to review."""

    step = services.submit_for_review


class PageApproveApi(PageStepApi):
    """A page in review is approved and published."""

    step = services.approve


class PagePublishApi(PageStepApi):
    """A draft or a page in review is published at once."""

    step = services.publish


# --- handouts --------------------------------------------------------------------------------


class HandoutApi(ContentApi):
    def handouts(self):
        found = editorial.with_translations(Handout.objects.all())
        return found if self.is_editor() else found.filter(status=PublicationStatus.PUBLISHED)

    def get_handout(self) -> Handout:
        return get_object_or_404(self.handouts(), pk=self.kwargs["pk"])

    def get_editable_handout(self) -> Handout:
        handout = get_object_or_404(Handout.objects.all(), pk=self.kwargs["pk"])
        if not self.is_editor():
            if handout.status != PublicationStatus.PUBLISHED:
                raise Http404
            raise PermissionDenied(_("Only editors of the welcome centre may change handouts."))
        return handout

    def respond_handout(self, handout: Handout, code: int = status.HTTP_200_OK) -> Response:
        handout = editorial.with_translations(Handout.objects.filter(pk=handout.pk)).get()
        data = handout_detail(handout, self.wanted_language(), self.request)
        return Response(HandoutSerializer(data).data, code)


class HandoutListApi(HandoutApi):
    """GET: handouts, optionally for one audience (material for everyone counts for every
    audience). POST: a new handout (editors)."""

    queryset = Handout.objects.none()  # for the schema: the list is read in get()
    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[
            LANGUAGE_PARAMETER,
            OpenApiParameter("audience", str, enum=Audience.values, required=False),
        ],
        responses={200: HandoutSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        language = self.wanted_language()
        audience = request.query_params.get("audience") or None
        if audience is not None and audience not in Audience.values:
            raise ApplicationError({"audience": [_("There is no such audience.")]})
        found = selectors.handouts(audience=audience, published_only=not self.is_editor())
        page = self.paginate_queryset(found)
        data = [handout_detail(handout, language, request) for handout in page]
        return self.get_paginated_response(HandoutSerializer(data, many=True).data)

    @extend_schema(
        request=HandoutInputSerializer,
        responses={201: HandoutSerializer},
        examples=[OpenApiExample("For Kitas", value=HANDOUT_EXAMPLE, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        handout = services.create_handout(actor=request.user, **self.parse(HandoutInputSerializer))
        return self.respond_handout(handout, status.HTTP_201_CREATED)


class HandoutDetailApi(HandoutApi):
    """GET: one handout in the language asked for. PATCH: change its source or audience."""

    @extend_schema(parameters=[LANGUAGE_PARAMETER], responses={200: HandoutSerializer})
    def get(self, request, *args, **kwargs):
        return self.respond_handout(self.get_handout())

    @extend_schema(
        request=HandoutUpdateSerializer,
        responses={200: HandoutSerializer},
        examples=[OpenApiExample("For everyone now", value={"audience": "everyone"})],
    )
    def patch(self, request, *args, **kwargs):
        handout = self.get_editable_handout()
        changes = self.parse(HandoutUpdateSerializer, partial=True)
        handout = services.update_handout(handout, actor=request.user, changes=changes)
        return self.respond_handout(handout)


class HandoutTranslationApi(HandoutApi):
    """PUT: the handout's text in one language (editors)."""

    @extend_schema(
        request=TranslationInputSerializer,
        responses={200: TranslationSerializer},
        examples=[
            OpenApiExample(
                "In Ukrainian",
                value={"title": "Як знайти місце в дитсадку", "body": "Кожна дитина …"},
                request_only=True,
            )
        ],
    )
    def put(self, request, *args, **kwargs):
        handout = self.get_editable_handout()
        fields = self.parse(TranslationInputSerializer)
        from_version = fields.pop("from_version", None)
        fields.pop("summary", None)  # handouts have none
        row = services.translate(
            handout,
            actor=request.user,
            language=self.kwargs["language"],
            fields=fields,
            from_version=from_version,
        )
        return Response(TranslationSerializer(translation_data(handout, row)).data)


class HandoutPublishApi(HandoutApi):
    """A draft handout is published."""

    error_statuses = (409,)

    @extend_schema(request=None, responses={200: HandoutSerializer})
    def post(self, request, *args, **kwargs):
        handout = services.publish(self.get_editable_handout(), actor=request.user)
        return self.respond_handout(handout)


class PdfRenderer(BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; the PDF itself is sent as it is."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else JSONRenderer().render(data)


class HandoutPdfApi(HandoutApi):
    """GET: the handout as a PDF in the language asked for (`?language=ar`: right to left);
    where that language is missing or outdated, the source with a notice."""

    renderer_classes = [JSONRenderer, PdfRenderer]

    def handle_exception(self, exc):
        # A refusal is JSON, as everywhere in the API, also when the PDF was asked for
        # (`Accept: application/pdf` or `?format=pdf`).
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    @extend_schema(
        parameters=[LANGUAGE_PARAMETER],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, *args, **kwargs):
        handout = self.get_handout()
        language = self.wanted_language()
        response = HttpResponse(pdf.handout_pdf(handout, language), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{handout.slug}-{language}.pdf"'
        return response


# --- editors ---------------------------------------------------------------------------------


class TranslationStatusApi(ContentApi):
    """GET (editors): every record with a text (pages, handouts, the directory's and events'
    records), its status per content language, counts per language, and what is overdue."""

    permission_classes = [IsAuthenticated]
    error_statuses = (403,)

    @extend_schema(responses={200: TranslationStatusSerializer})
    def get(self, request, *args, **kwargs):
        if not self.is_editor():
            raise PermissionDenied(_("Only editors of the welcome centre see this."))
        overview = selectors.translation_overview()
        data = {
            "languages": list(overview.languages),
            "counts": {
                language: {
                    name: overview.counts[language][name] for name in TranslationStatus.values
                }
                for language in overview.languages
            },
            "records": [
                {
                    "kind": row.kind,
                    "id": row.record.pk,
                    "title": row.title,
                    "source_language": row.source_language,
                    "version": row.version,
                    "statuses": row.statuses,
                }
                for row in overview.rows
            ],
            "overdue": [
                {
                    "kind": row.kind,
                    "id": row.record.pk,
                    "title": row.title,
                    "last_confirmed_on": row.last_confirmed_on,
                }
                for row in selectors.overdue_records()
            ],
        }
        return Response(TranslationStatusSerializer(data).data)
