"""Diagnostics for coordinators: why each open need is still unmet.

Only counts and sentences: the offers around a need are never named, placed or reachable
through this API (the coordinator finds them in the offer lists, where the usual privacy
rules apply). The need itself is shown by title, initiative and district, not its address.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from api.common import UserLanguageMixin
from matching import diagnostics
from matching.core.types import Reason

REASONS = [(reason.value, reason.value) for reason in Reason]


class IsCoordinator(BasePermission):
    """Coordinators of the welcome centre only: diagnostics look across every initiative."""

    def has_permission(self, request, view) -> bool:
        self.message = _("Only coordinators see why needs are unmet.")
        user = request.user
        return bool(user and user.is_authenticated and user.is_coordinator)


class DiagnosticsQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(k, k) for k in diagnostics.KINDS],
        default="goods",
        help_text="Which kind of need: goods (the default), volunteers or housing.",
    )


class _DiagnosisFields(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=REASONS,
        source="diagnosis.reason",
        help_text="The main reason, a stable code (see `message` for the sentence).",
    )
    message = serializers.CharField(help_text="The reason in the reader's language.")
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        source="diagnosis.counts",
        help_text="Offers (volunteers, flats) in range per reason code they fail on; "
        "`feasible` counts those that fit.",
    )
    in_range = serializers.IntegerField(
        source="diagnosis.in_range", help_text="How many were checked within the need's radius."
    )


class ShiftDiagnosisSerializer(_DiagnosisFields):
    shift_id = serializers.IntegerField(source="shift.pk")
    start = serializers.DateTimeField(source="shift.start")
    end = serializers.DateTimeField(source="shift.end")
    people_open = serializers.IntegerField(source="shift.people_open")


class NeedDiagnosisSerializer(_DiagnosisFields):
    """One open need and why it is unmet; for volunteer needs, `shifts` says it per open
    shift and the need's own reason is that of its earliest open shift."""

    kind = serializers.CharField()
    need_id = serializers.IntegerField(source="need.pk")
    title = serializers.CharField(source="need.title")
    organisation = serializers.CharField(source="need.organisation.name")
    district = serializers.CharField(source="need.district")
    radius_km = serializers.FloatField(help_text="The need's own search radius.")
    shifts = ShiftDiagnosisSerializer(many=True)


class DiagnosticsApi(UserLanguageMixin, generics.GenericAPIView):
    """Coordinators only; the open needs of one kind are the queryset (the browsable API
    asks for one too, to offer its filter form)."""

    permission_classes = [IsAuthenticated, IsCoordinator]
    error_statuses = (403,)  # anyone but a coordinator (see api/openapi.py)
    serializer_class = NeedDiagnosisSerializer
    # Nothing to filter by but the kind, which the views read themselves.
    filter_backends: list = []

    def get_kind(self) -> str:
        if "kind" in self.kwargs:
            if self.kwargs["kind"] not in diagnostics.KINDS:
                raise Http404
            return self.kwargs["kind"]
        query = DiagnosticsQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data["kind"]

    def get_queryset(self):
        return diagnostics.open_needs(self.get_kind())


class DiagnosticsListApi(DiagnosticsApi):
    """Open needs of one kind, longest waiting first, each with why it is unmet."""

    @extend_schema(
        parameters=[DiagnosticsQuerySerializer],
        responses={200: NeedDiagnosisSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        # The page is taken from the needs' queryset; only its rows are diagnosed.
        page = self.paginate_queryset(self.get_queryset())
        found = diagnostics.diagnose_needs(self.get_kind(), page)
        return self.get_paginated_response(self.get_serializer(found, many=True).data)


class DiagnosticsDetailApi(DiagnosticsApi):
    """Why one open need is unmet; 404 if the need is unknown, closed or already met."""

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(diagnostics.KINDS))
        ],
        responses={200: NeedDiagnosisSerializer},
    )
    def get(self, request, *args, **kwargs):
        kind = self.get_kind()
        need = diagnostics.open_need(kind, kwargs["pk"])
        if need is None:
            raise Http404
        return Response(self.get_serializer(diagnostics.diagnose_need(kind, need)).data)
