"""What an organisation keeps on the hub, and confirming that it is still right (issue 14):
the API of the page `/kept/` (web/kept_views.py), for every kind of kept record (directory
providers and services, event series, pages, handouts: `editorial.models.Kept`).

A signed-in user lists what their organisations keep, the longest unconfirmed first;
coordinators also get everything overdue, whoever keeps it. Each row names its kind by label
("content.page") and the URL that confirms it. Confirming is for the active members of the
keeping organisation and for coordinators, as on the page; anyone else gets 404 for a record
as for one that does not exist: this endpoint serves every kind, drafts too, so it cannot tell
who may know that a record exists, and says nothing. The reads are `editorial.selectors`', the
write `editorial.services.confirm_current`.
"""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from accounts.models import User
from accounts.selectors import active_organisations_of
from api.common import UserLanguageMixin
from api.throttles import WriteRateThrottle
from editorial import selectors, services
from editorial.models import Kept


def _language() -> str:
    return (get_language() or "de").split("-")[0]


def _organisations_of(user: User) -> set[int]:
    return set(active_organisations_of(user).values_list("pk", flat=True))


class KeeperSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class KeptSerializer(serializers.Serializer):
    """One kept record as its keepers see it in the list."""

    label = serializers.SerializerMethodField(
        help_text='The kind of record, as in the confirm URL: "content.page", '
        '"content.handout", "directory.providerprofile", "directory.service", '
        '"events.eventseries".'
    )
    kind = serializers.SerializerMethodField(help_text="The kind, named in the reader's language.")
    id = serializers.IntegerField(source="pk")
    title = serializers.SerializerMethodField(
        help_text="In the reader's language where translated, else in the source language."
    )
    organisation = serializers.SerializerMethodField(
        help_text="The organisation that keeps it (null if nobody does)."
    )
    last_confirmed_on = serializers.DateField()
    overdue = serializers.SerializerMethodField(
        help_text="Not confirmed within the period the welcome centre asks for."
    )
    is_mine = serializers.SerializerMethodField(
        help_text="Kept by one of your organisations (otherwise you see it as a coordinator)."
    )
    confirm_url = serializers.SerializerMethodField(
        help_text="POST here to confirm that it is still right."
    )

    def get_label(self, obj: Kept) -> str:
        return obj._meta.label_lower

    def get_kind(self, obj: Kept) -> str:
        return str(obj._meta.verbose_name)

    def get_title(self, obj: Kept) -> str:
        return selectors.title_of(obj, _language())

    @extend_schema_field(KeeperSerializer(allow_null=True))
    def get_organisation(self, obj: Kept) -> dict | None:
        if not obj.owner_id:
            return None
        return KeeperSerializer(obj.owner).data

    def get_overdue(self, obj: Kept) -> bool:
        return selectors.is_overdue(obj)

    def get_is_mine(self, obj: Kept) -> bool:
        return obj.owner_id in self.context.get("ours", ())

    @extend_schema_field(OpenApiTypes.URI)
    def get_confirm_url(self, obj: Kept) -> str:
        path = reverse("api:kept-confirm", args=[obj._meta.label_lower, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class KeptApi(UserLanguageMixin, generics.GenericAPIView):
    serializer_class = KeptSerializer
    # Nothing to filter by: the list is what the caller keeps (and, for coordinators, what
    # is overdue), read through `editorial.selectors` rather than one queryset.
    filter_backends: list = []

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        user = self.request.user
        if user.is_authenticated and not getattr(self, "swagger_fake_view", False):
            context["ours"] = _organisations_of(user)
        return context


class KeptListApi(KeptApi):
    """GET what the caller's organisations keep, the longest unconfirmed first; for
    coordinators also every overdue record, whoever keeps it (as on the page `/kept/`)."""

    @extend_schema(responses={200: KeptSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        ours = _organisations_of(request.user)
        rows = {(r._meta.label_lower, r.pk): r for r in selectors.kept_by(ours)}
        if request.user.is_coordinator:
            for record in selectors.overdue_everywhere():
                rows.setdefault((record._meta.label_lower, record.pk), record)
        records = sorted(
            rows.values(),
            key=lambda record: (record.last_confirmed_on, record._meta.label_lower, record.pk),
        )
        page = self.paginate_queryset(records)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class KeptConfirmApi(KeptApi):
    """POST: the record is still right, confirmed today (by an active member of the keeping
    organisation or a coordinator). 404 for an unknown kind or record and for anyone else;
    nothing changes then."""

    throttle_classes = [WriteRateThrottle]

    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter(
                "label",
                str,
                OpenApiParameter.PATH,
                enum=sorted(model._meta.label_lower for model in selectors.kept_models()),
                description="The kind of record (`label` in the list).",
            ),
            OpenApiParameter("id", int, OpenApiParameter.PATH),
        ],
        responses={200: KeptSerializer},
    )
    def post(self, request, *args, **kwargs):
        model = selectors.kept_model(kwargs["label"])
        record = selectors.listed(model.objects.filter(pk=kwargs["pk"])).first() if model else None
        if record is None or not selectors.may_confirm(request.user, record):
            raise Http404
        record = services.confirm_current(record, actor=request.user)
        return Response(self.get_serializer(record).data)
