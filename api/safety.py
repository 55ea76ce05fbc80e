"""Safety: reports of harm and their queue, suspension of accounts, checks about people, and
what a household may know of a flat's landlord ("checked by the welcome centre").

Who sees what: a report is seen by coordinators and by whoever filed it (without the
coordinators' notes); the person it is about sees nothing of it, not even that it exists.
Checks are for coordinators; of a flat anyone who may see it learns which kinds of checks
stand for its landlord, nothing else.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import checks
from accounts.models import Check, CheckKind, User
from api.common import UserLanguageMixin
from api.openapi import AnyOf
from api.throttles import WriteRateThrottle
from housing.models import HousingOffer
from matching.selectors import visible_to
from safety import selectors, services
from safety.models import Category, Report, ReportEvent, Suspension, Target, Urgency

ERRORS = {
    400: OpenApiResponse(description="Bad input: {field: [messages]}; nothing was stored."),
    403: OpenApiResponse(description="You may not do this."),
    404: OpenApiResponse(description="Nothing of that id that you may see."),
}
CONFLICT = {409: OpenApiResponse(description="It has moved on; nothing changed.")}


def _coordinators_only(request) -> None:
    if not request.user.is_coordinator:
        raise PermissionDenied(_("Only coordinators of the welcome centre may do this."))


# --- serializers -----------------------------------------------------------------------------


class ReportInput(serializers.Serializer):
    target = serializers.ChoiceField(
        choices=Target.choices,
        help_text="What it is about: a match, the messages of a match, or a record.",
    )
    target_id = serializers.IntegerField(min_value=1, help_text="The id of the match or record.")
    category = serializers.ChoiceField(choices=Category.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    text = serializers.CharField(
        allow_blank=True, max_length=services.TEXT_MAX_LENGTH, help_text="What happened."
    )


class NoteInput(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.NOTE_MAX_LENGTH
    )


class RequiredNoteInput(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, max_length=services.NOTE_MAX_LENGTH)


class SuspendInput(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True,
        max_length=services.REASON_MAX_LENGTH,
        help_text="Why. The person reads it in their data export: never name who reported.",
    )
    report = serializers.IntegerField(
        required=False, min_value=1, help_text="The report that led to it (optional)."
    )


class LiftInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=services.REASON_MAX_LENGTH)


class CheckInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CheckKind.choices)
    certificate_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="For a certificate of conduct: the date printed on it.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=checks.NOTE_MAX_LENGTH
    )


class WithdrawCheckInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=checks.REASON_MAX_LENGTH)


class ReportEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta:
        model = ReportEvent
        fields = ("action", "actor", "note", "at")


class ReportSerializer(serializers.ModelSerializer):
    """A report as coordinators see it: who reported, whom it concerns, its handling."""

    reporter = serializers.CharField(source="reporter.username", allow_null=True, default=None)
    reported_user = serializers.IntegerField(source="reported_user_id", allow_null=True)
    reported_organisation = serializers.CharField(
        source="reported_organisation.name", allow_null=True, default=None
    )
    handled_by = serializers.CharField(source="handled_by.username", allow_null=True, default=None)
    overdue = serializers.SerializerMethodField()
    events = ReportEventSerializer(many=True, read_only=True)

    def get_overdue(self, obj) -> bool:
        return selectors.is_overdue(obj)

    class Meta:
        model = Report
        fields = (
            "id",
            "target",
            "match",
            "record_model",
            "record_id",
            "category",
            "urgency",
            "text",
            "state",
            "via",
            "reporter",
            "reported_user",
            "reported_organisation",
            "respond_by",
            "overdue",
            "taken_at",
            "closed_at",
            "handled_by",
            "created_at",
            "events",
        )


class OwnReportSerializer(serializers.ModelSerializer):
    """A report as the person who filed it sees it: what they wrote and where it stands."""

    class Meta:
        model = Report
        fields = (
            "id",
            "target",
            "match",
            "record_model",
            "record_id",
            "category",
            "urgency",
            "text",
            "state",
            "created_at",
            "closed_at",
        )


class SuspensionSerializer(serializers.ModelSerializer):
    suspended_by = serializers.CharField(
        source="suspended_by.username", allow_null=True, default=None
    )
    lifted_by = serializers.CharField(source="lifted_by.username", allow_null=True, default=None)

    class Meta:
        model = Suspension
        fields = (
            "id",
            "user",
            "reason",
            "report",
            "suspended_by",
            "suspended_at",
            "matches_cancelled",
            "lifted_at",
            "lifted_by",
            "lift_reason",
        )


class CheckSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(
        source="recorded_by.username", allow_null=True, default=None
    )
    withdrawn_by = serializers.CharField(
        source="withdrawn_by.username", allow_null=True, default=None
    )

    class Meta:
        model = Check
        fields = (
            "id",
            "subject",
            "kind",
            "certificate_date",
            "note",
            "recorded_by",
            "recorded_at",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
        )


class FlatChecksSerializer(serializers.Serializer):
    checked_by_welcome_centre = serializers.BooleanField(
        help_text="A coordinator has seen the landlord's identity."
    )
    checks = serializers.ListField(
        child=serializers.ChoiceField(choices=CheckKind.choices),
        help_text="The kinds of checks that stand for the landlord (never notes or who).",
    )
    labels = serializers.ListField(child=serializers.CharField())


class ReportAsSeenSerializer(AnyOf):
    """A report as the one who asks may see it: coordinators all of it, whoever filed it
    their own (for the schema)."""

    shapes = (ReportSerializer, OwnReportSerializer)


# --- reports ---------------------------------------------------------------------------------


class ReportApi(UserLanguageMixin, generics.GenericAPIView):
    """Reports the user may see: coordinators every one, anyone else their own."""

    serializer_class = ReportSerializer
    own_serializer_class = OwnReportSerializer
    throttle_classes = [WriteRateThrottle]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        reports = selectors.reports_visible_to(self.request.user)
        if self.request.user.is_coordinator:
            reports = reports.prefetch_related("events__actor")
        return selectors.queue(reports)

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or self.request.user.is_coordinator:
            return self.serializer_class
        return self.own_serializer_class

    def get_report(self) -> Report:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def respond(self, report: Report, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data, code)


class ReportListCreateApi(ReportApi, generics.ListAPIView):
    """GET: coordinators, the queue (open first, the nearest response-time goal on top;
    filters `state`, `urgency`, `category`); anyone else, the reports they filed.
    POST: report a problem with a match, its messages or a record you can see. The person it
    is about is never told, and never learns who reported."""

    filterset_fields = ("state", "urgency", "category")

    @extend_schema(responses={200: ReportAsSeenSerializer})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ReportInput,
        responses={201: OwnReportSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "The landlord asked for money before a viewing",
                value={
                    "target": "match",
                    "target_id": 42,
                    "category": "exploitation",
                    "urgency": "high",
                    "text": "He wants 500 EUR in cash before he shows us the flat.",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        data = ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.file_report(reporter=request.user, **data.validated_data)
        return Response(OwnReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ReportDetailApi(ReportApi):
    """One report: coordinators with its whole history; whoever filed it, where it stands."""

    @extend_schema(responses={200: ReportAsSeenSerializer, 404: ERRORS[404]})
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_report()).data)


class ReportTakeApi(ReportApi):
    """Coordinators: take a new report up (the response the goal measures), or reopen a
    closed one."""

    @extend_schema(
        request=NoteInput,
        responses={200: ReportSerializer, **ERRORS, **CONFLICT},
        examples=[OpenApiExample("Taken up", value={"note": "Calling now"}, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        _coordinators_only(request)
        report = self.get_report()
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.take_report(report, actor=request.user, **data.validated_data)
        return self.respond(report)


class ReportNoteApi(ReportApi):
    """Coordinators: note what was done about a report (it joins its history)."""

    @extend_schema(
        request=RequiredNoteInput,
        responses={201: ReportSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "A call",
                value={"note": "Called the household; they are safe and want a new flat."},
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        _coordinators_only(request)
        report = self.get_report()
        data = RequiredNoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.add_note(report, actor=request.user, **data.validated_data)
        return self.respond(report, status.HTTP_201_CREATED)


class ReportCloseApi(ReportApi):
    """Coordinators: close a report, saying what came of it."""

    @extend_schema(
        request=RequiredNoteInput,
        responses={200: ReportSerializer, **ERRORS, **CONFLICT},
        examples=[
            OpenApiExample(
                "Resolved",
                value={"note": "Landlord suspended; the household has a new flat."},
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        _coordinators_only(request)
        report = self.get_report()
        data = RequiredNoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.close_report(report, actor=request.user, **data.validated_data)
        return self.respond(report)


# --- suspension ------------------------------------------------------------------------------


class SuspensionApi(UserLanguageMixin, generics.GenericAPIView):
    serializer_class = SuspensionSerializer
    throttle_classes = [WriteRateThrottle]
    error_statuses = (403,)  # reading too: coordinators only (see api/openapi.py)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _coordinators_only(request)

    def get_user(self) -> User:
        return get_object_or_404(User, pk=self.kwargs["pk"])


class UserSuspendApi(SuspensionApi):
    """Coordinators: suspend an account. Its logins are refused (existing tokens and sessions
    too), its open offers are paused, its live matches end and their other sides are told in
    their own language. Coordinators and admins are suspended only by an admin."""

    @extend_schema(
        request=SuspendInput,
        responses={201: SuspensionSerializer, **ERRORS, **CONFLICT},
        examples=[
            OpenApiExample(
                "After a report",
                value={"reason": "Asked households for cash before viewings.", "report": 7},
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        user = self.get_user()
        data = SuspendInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = None
        if "report" in values:
            report = Report.objects.filter(pk=values["report"]).first()
            if report is None:
                raise serializers.ValidationError({"report": [_("There is no such report.")]})
        suspension = services.suspend(
            user, actor=request.user, reason=values["reason"], report=report
        )
        return Response(self.get_serializer(suspension).data, status=status.HTTP_201_CREATED)


class UserLiftSuspensionApi(SuspensionApi):
    """Coordinators: lift a standing suspension; the account may sign in again and its open
    offers are matched again."""

    @extend_schema(
        request=LiftInput,
        responses={200: SuspensionSerializer, **ERRORS, **CONFLICT},
        examples=[
            OpenApiExample(
                "Cleared", value={"reason": "Talked it through; no danger."}, request_only=True
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        user = self.get_user()
        data = LiftInput(data=request.data)
        data.is_valid(raise_exception=True)
        suspension = services.lift_suspension(user, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(suspension).data)


class UserSuspensionListApi(SuspensionApi, generics.ListAPIView):
    """Coordinators: every suspension of an account, the standing one first."""

    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Suspension.objects.none()
        return selectors.suspensions_of(self.get_user())


# --- checks ----------------------------------------------------------------------------------


class UserCheckListApi(UserLanguageMixin, generics.ListAPIView):
    """Coordinators: the checks recorded about a person (withdrawn ones too), and POST to
    record one: what was seen, never the document."""

    serializer_class = CheckSerializer
    throttle_classes = [WriteRateThrottle]
    pagination_class = None
    error_statuses = (403,)  # reading too: coordinators only (see api/openapi.py)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _coordinators_only(request)

    def get_subject(self) -> User:
        return get_object_or_404(User, pk=self.kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Check.objects.none()
        return checks.checks_of(self.get_subject())

    @extend_schema(
        request=CheckInput,
        responses={201: CheckSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Identity seen at the welcome centre",
                value={"kind": "identity", "note": "Passport seen at the counter."},
                request_only=True,
            ),
            OpenApiExample(
                "Certificate of conduct",
                value={"kind": "certificate_of_conduct", "certificate_date": "2026-10-01"},
                request_only=True,
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        subject = self.get_subject()
        data = CheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        check = checks.record_check(subject=subject, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(check).data, status=status.HTTP_201_CREATED)


class CheckWithdrawApi(UserLanguageMixin, generics.GenericAPIView):
    """Coordinators: withdraw a check recorded in error or no longer true (it stays in the
    history with who, when and why)."""

    serializer_class = CheckSerializer
    throttle_classes = [WriteRateThrottle]

    @extend_schema(
        request=WithdrawCheckInput,
        responses={200: CheckSerializer, **ERRORS, **CONFLICT},
        examples=[
            OpenApiExample(
                "Wrong person",
                value={"reason": "Recorded for the wrong account."},
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        _coordinators_only(request)
        check = get_object_or_404(Check, pk=kwargs["pk"])
        data = WithdrawCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        check = checks.withdraw_check(check, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(check).data)


class FlatChecksApi(UserLanguageMixin, generics.GenericAPIView):
    """Whether the welcome centre checked a flat's landlord, and which kinds of checks stand:
    for anyone who may see the flat (a household's initiative above all). Never the notes, the
    dates or who checked."""

    serializer_class = FlatChecksSerializer

    def get(self, request, *args, **kwargs):
        flat = get_object_or_404(visible_to(HousingOffer, request.user), pk=kwargs["pk"])
        kinds = checks.standing_kinds([flat.landlord_id]).get(flat.landlord_id, [])
        data = {
            "checked_by_welcome_centre": checks.HOST_CHECK in kinds,
            "checks": kinds,
            "labels": checks.kind_labels(kinds),
        }
        return Response(FlatChecksSerializer(data).data)
