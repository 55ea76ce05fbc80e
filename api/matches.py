"""Matches: what a side or a coordinator sees of a match, and the steps of its workflow."""

from django.db.models import Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.models import Organisation
from accounts.selectors import active_organisations_of
from api.common import (
    CONTACT_SCHEMA,
    ExactDataAuditMixin,
    IdsFirstPagination,
    PointField,
    UserLanguageMixin,
    tell_exact_data_shown,
)
from api.throttles import WriteRateThrottle
from base.errors import ApplicationError
from jobs import selectors as jobs_selectors
from jobs.models import JobSeeker
from matching import selectors, workflow
from matching.kinds import KINDS
from matching.models import Handover, Match, MatchEvent, MatchMessage

SEEKER_SUMMARY_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {
        "occupations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                    "years": {"type": "number"},
                },
            },
        },
        "languages": {"type": "array", "items": {"type": "string"}},
        "german_level": {"type": "string"},
        "district": {"type": "string"},
    },
}


class MatchSideSerializer(serializers.Serializer):
    """One side of a match; its exact place and contact only once both sides said yes (or
    for the side's own people and coordinators)."""

    id = serializers.IntegerField()
    title = serializers.SerializerMethodField()
    district = serializers.CharField()
    approx_location = PointField(source="approx_point")
    address = serializers.CharField(allow_null=True)
    location = PointField(source="point", allow_null=True)
    contact = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField(
        help_text="A person looking for work: what an employer may know of them before both "
        "said yes (occupations with years, languages, German level, district); null for "
        "other kinds."
    )

    def get_title(self, obj) -> str:
        # A volunteer profile or a person's profile has no title, and the name is theirs to
        # give.
        if isinstance(obj, JobSeeker):
            return str(_("Person looking for work"))
        return getattr(obj, "title", None) or str(_("Volunteer"))

    @extend_schema_field(SEEKER_SUMMARY_SCHEMA)
    def get_summary(self, obj) -> dict | None:
        if isinstance(obj, JobSeeker):
            return jobs_selectors.seeker_summary(obj, get_language())
        return None

    @extend_schema_field(CONTACT_SCHEMA)
    def get_contact(self, obj) -> dict | None:
        return obj.contact_details()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        is_entitled = self.context.get("is_entitled")
        if not (is_entitled and is_entitled(instance)):
            data["address"] = data["location"] = data["contact"] = None
        elif not _answers_for(self.context, instance):
            tell_exact_data_shown(self.context.get("request"), instance)
        return data


def _answers_for(context: dict, record) -> bool:
    """Whether the viewer is the record's owner or a member of its initiative."""
    if record.ORGANISATION_FIELD:
        organisation_id = getattr(record, f"{record.ORGANISATION_FIELD}_id")
        return organisation_id in context.get("organisation_ids", set())
    return record.owner_user_id() == context["request"].user.pk


class ShiftTimesSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class MatchSerializer(serializers.ModelSerializer):
    """A match of any kind: `need` is a goods need, a volunteer need, a household or a job,
    `offer` a donation, a volunteer profile, a flat or a person looking for work (shown by
    `summary` until both said yes); `shift` is set for volunteer matches."""

    need = MatchSideSerializer()
    offer = MatchSideSerializer()
    organisation = serializers.CharField(source="need.organisation.name")
    category = serializers.SerializerMethodField()
    shift = ShiftTimesSerializer(allow_null=True)
    my_sides = serializers.SerializerMethodField(
        help_text="The sides the requesting user answers for: need, offer, or both."
    )
    distance_m = serializers.FloatField(
        help_text="Metres between the two places: for the sides, between the public points "
        "until both said yes."
    )
    score = serializers.FloatField(
        allow_null=True, help_text="For the sides only once both said yes; always for coordinators."
    )
    score_breakdown = serializers.JSONField(
        allow_null=True, help_text="Each factor of the score; shown as `score` is."
    )

    def get_category(self, obj) -> str | None:
        return obj.goods_need.category.slug if obj.goods_need_id else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = self.context["request"].user
        # A side knows its own exact point: until both said yes it is told the distance of
        # the public points and no score (whose distance factor is the exact distance).
        data["distance_m"] = selectors.distance_shown_m(instance, user)
        if not user.is_coordinator and instance.state not in selectors.REVEALING_STATES:
            data["score"] = data["score_breakdown"] = None
        return data

    def get_my_sides(self, obj) -> list[str]:
        user = self.context["request"].user
        sides = []
        if obj.need.organisation_id in self.context["organisation_ids"]:
            sides.append("need")
        if obj.offer.owner_user_id() == user.pk:
            sides.append("offer")
        return sides

    class Meta:
        model = Match
        fields = (
            "id",
            "kind",
            "state",
            "my_sides",
            "need_answer",
            "offer_answer",
            "offered_at",
            "respond_by",
            "accepted_at",
            "fulfilled_quantity",
            "quantity",
            "category",
            "shift",
            "distance_m",
            "score",
            "score_breakdown",
            "organisation",
            "need",
            "offer",
            "created_at",
        )


class ReasonInput(serializers.Serializer):
    """An optional reason; how long it may be is the workflow's rule."""

    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredReasonInput(serializers.Serializer):
    """A reason the step needs; whether it says enough is the workflow's rule."""

    reason = serializers.CharField(allow_blank=True)


class QuantityInput(serializers.Serializer):
    quantity = serializers.IntegerField(
        help_text="How many were actually handed over (at least 1, at most the match's)."
    )


class ManualMatchInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Match.Kind.choices)
    need = serializers.IntegerField(
        help_text="Id of the goods need, volunteer need, household or job."
    )
    offer = serializers.IntegerField(
        help_text="Id of the donation, volunteer profile, flat or person looking for work."
    )
    quantity = serializers.IntegerField(required=False, help_text="Goods: how many.")
    shift = serializers.IntegerField(required=False, help_text="Volunteers: the shift's id.")
    reason = serializers.CharField(allow_blank=True)


class HandoverInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Match.Kind.choices)
    need = serializers.IntegerField()
    organisation = serializers.IntegerField(help_text="Id of the initiative to hand it to.")
    reason = serializers.CharField(allow_blank=True)


class MatchMessageInput(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, help_text="Plain text.")


class MatchApi(ExactDataAuditMixin, UserLanguageMixin, generics.GenericAPIView):
    """The matches a user may see (their sides' and, for coordinators, all); any other match
    is a 404, so nobody learns which matches exist."""

    serializer_class = MatchSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        # The summary of each person looking for work reads their experience: once per page.
        return selectors.matches_visible_to(self.request.user).prefetch_related(
            Prefetch("job_seeker__experience", queryset=jobs_selectors.EXPERIENCE.queryset)
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["is_entitled"] = selectors.entitled_to_exact_data(self.request.user)
        context["organisation_ids"] = (
            set(active_organisations_of(self.request.user).values_list("pk", flat=True))
            if self.request.user.is_authenticated
            else set()
        )
        return context

    def get_match(self) -> Match:
        return generics.get_object_or_404(
            selectors.matches_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def parse(self, input_serializer_class: type[serializers.Serializer]) -> dict:
        data = input_serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def respond(self, match: Match, code: int = status.HTTP_200_OK) -> Response:
        """The match as it is now, as this user may see it."""
        return Response(self.get_serializer(self.get_queryset().get(pk=match.pk)).data, status=code)


class MatchStepApi(MatchApi):
    """One step of the workflow on one match the user can see; the workflow decides whether
    it is allowed (403), fits the match's state (409) and has good input (400)."""

    throttle_classes = [WriteRateThrottle]
    error_statuses = (409,)  # the match has moved on (see api/openapi.py)


def _by_id(model: type, pk: int, field: str, message: str, errors: dict):
    """The row with this id, or None with `message` noted under `field`."""
    found = model.objects.filter(pk=pk).first()
    if found is None:
        errors[field] = [message]
    return found


class MatchListApi(MatchApi, generics.ListAPIView):
    """GET: the matches you may see, filtered by state and kind. POST (coordinators): match a
    need and an offer by hand; it is offered to both sides at once."""

    filterset_fields = ("state", "kind")
    throttle_classes = [WriteRateThrottle]
    pagination_class = IdsFirstPagination

    @extend_schema(
        request=ManualMatchInput,
        responses={201: MatchSerializer},
        examples=[
            OpenApiExample(
                "Twelve jackets agreed on the phone",
                value={
                    "kind": "goods",
                    "need": 17,
                    "offer": 42,
                    "quantity": 12,
                    "reason": "Both called the welcome centre",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        if not request.user.is_coordinator:
            raise PermissionDenied(_("Only coordinators of the welcome centre may do this."))
        values = self.parse(ManualMatchInput)
        kind = KINDS[values["kind"]]
        errors: dict[str, list[str]] = {}
        need = _by_id(kind.need_model, values["need"], "need", _("No such need."), errors)
        offer = _by_id(kind.offer_model, values["offer"], "offer", _("No such offer."), errors)
        if errors:
            raise ApplicationError(errors)
        shift = None
        if values["kind"] == Match.Kind.VOLUNTEERS and "shift" in values:
            shift = need.shifts.filter(pk=values["shift"]).first()
        match = workflow.create_manual(
            actor=request.user,
            kind=values["kind"],
            need=need,
            offer=offer,
            quantity=values.get("quantity", 1),
            shift=shift,
            reason=values["reason"],
        )
        return self.respond(match, status.HTTP_201_CREATED)


class MatchDetailApi(MatchApi):
    """One match you may see: both sides' public facts, and their contacts once both said
    yes."""

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_match()).data)


class MatchApproveApi(MatchStepApi):
    """Coordinators: approve a proposal; it is offered to both sides at once."""

    @extend_schema(
        request=ReasonInput,
        responses={200: MatchSerializer},
        examples=[
            OpenApiExample("Example", value={"reason": "Sizes and distance fit"}, request_only=True)
        ],
    )
    def post(self, request, *args, **kwargs):
        match = self.get_match()
        values = self.parse(ReasonInput)
        match = workflow.approve(match, actor=request.user, reason=values["reason"])
        return self.respond(match)


class MatchRejectApi(MatchStepApi):
    """Coordinators: reject a proposal, saying why."""

    @extend_schema(
        request=RequiredReasonInput,
        responses={200: MatchSerializer},
        examples=[
            OpenApiExample(
                "Example",
                value={"reason": "The donation is for babies, the need for adults"},
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        match = self.get_match()
        values = self.parse(RequiredReasonInput)
        match = workflow.reject(match, actor=request.user, reason=values["reason"])
        return self.respond(match)


class MatchAcceptApi(MatchStepApi):
    """A side says yes. When both have, contacts and exact places are shown to each other."""

    @extend_schema(request=None, responses={200: MatchSerializer})
    def post(self, request, *args, **kwargs):
        match = workflow.respond(self.get_match(), user=request.user, answer="yes")
        return self.respond(match)


class MatchDeclineApi(MatchStepApi):
    """A side says no, optionally saying why (only coordinators read it)."""

    @extend_schema(
        request=ReasonInput,
        responses={200: MatchSerializer},
        examples=[
            OpenApiExample(
                "Example", value={"reason": "Already given to a neighbour"}, request_only=True
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        match = self.get_match()
        values = self.parse(ReasonInput)
        match = workflow.respond(match, user=request.user, answer="no", reason=values["reason"])
        return self.respond(match)


class MatchFulfilApi(MatchStepApi):
    """The need's side confirms the handover with the quantity handed over; less reopens the
    rest."""

    @extend_schema(
        request=QuantityInput,
        responses={200: MatchSerializer},
        examples=[OpenApiExample("Example", value={"quantity": 8}, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        match = self.get_match()
        values = self.parse(QuantityInput)
        match = workflow.fulfil(match, user=request.user, quantity=values["quantity"])
        return self.respond(match)


class MatchPickedUpApi(MatchStepApi):
    """The donor of an accepted goods match says the goods were picked up; the need's side is
    asked how many it received (the match stays accepted until it confirms)."""

    @extend_schema(request=None, responses={200: MatchSerializer})
    def post(self, request, *args, **kwargs):
        match = workflow.confirm_pickup(self.get_match(), user=request.user)
        return self.respond(match)


class MatchNotHappenedApi(MatchStepApi):
    """The need's side says the handover did not happen; the match is cancelled."""

    @extend_schema(
        request=ReasonInput,
        responses={200: MatchSerializer},
        examples=[
            OpenApiExample(
                "Example", value={"reason": "Nobody came to the pickup"}, request_only=True
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        match = self.get_match()
        values = self.parse(ReasonInput)
        match = workflow.handover_not_happened(match, user=request.user, reason=values["reason"])
        return self.respond(match)


class MatchCancelApi(MatchStepApi):
    """Coordinators: cancel a match at any step, saying why."""

    @extend_schema(
        request=RequiredReasonInput,
        responses={200: MatchSerializer},
        examples=[
            OpenApiExample("Example", value={"reason": "The donor moved away"}, request_only=True)
        ],
    )
    def post(self, request, *args, **kwargs):
        match = self.get_match()
        values = self.parse(RequiredReasonInput)
        match = workflow.cancel(match, actor=request.user, reason=values["reason"])
        return self.respond(match)


class MatchEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()

    class Meta:
        model = MatchEvent
        fields = ("from_state", "to_state", "at", "actor", "reason")

    def _coordinator(self) -> bool:
        return self.context["request"].user.is_coordinator

    def get_actor(self, obj) -> str | None:
        # Who did what is for coordinators; a side sees the steps, not the people.
        return obj.actor.username if obj.actor_id and self._coordinator() else None

    def get_reason(self, obj) -> str | None:
        return obj.reason if self._coordinator() else None


class MatchEventListApi(MatchApi, generics.ListAPIView):
    """The history of a match: every step with when (and, for coordinators, who and why)."""

    serializer_class = MatchEventSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MatchEvent.objects.none()
        return self.get_match().events.select_related("actor")


class MatchMessageSerializer(serializers.ModelSerializer):
    mine = serializers.SerializerMethodField()

    class Meta:
        model = MatchMessage
        fields = ("id", "sender_side", "body", "at", "mine")
        read_only_fields = ("id", "sender_side", "at", "mine")

    def get_mine(self, obj) -> bool:
        return obj.sender_id == self.context["request"].user.pk


class MatchMessageListApi(MatchApi, generics.ListAPIView):
    """Messages between the two sides of an offered or accepted match, relayed by the
    platform: neither side sees the other's address or email by writing."""

    serializer_class = MatchMessageSerializer
    throttle_classes = [WriteRateThrottle]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MatchMessage.objects.none()
        return self.get_match().messages.all()

    @extend_schema(
        request=MatchMessageInput,
        responses={
            201: MatchMessageSerializer,
            409: OpenApiResponse(description="The match is no longer offered or accepted."),
        },
        examples=[
            OpenApiExample(
                "A time for the pickup",
                value={"body": "Ich kann die Jacken am Samstag um 10 Uhr bringen. Passt das?"},
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        match = self.get_match()
        values = self.parse(MatchMessageInput)
        message = workflow.send_message(match, user=request.user, body=values["body"])
        return Response(self.get_serializer(message).data, status=status.HTTP_201_CREATED)


class HandoverSerializer(serializers.ModelSerializer):
    from_organisation = serializers.CharField(source="from_organisation.name", allow_null=True)
    to_organisation = serializers.CharField(source="to_organisation.name", allow_null=True)
    actor = serializers.CharField(source="actor.username", allow_null=True)

    class Meta:
        model = Handover
        fields = (
            "id",
            "need_model",
            "need_id",
            "from_organisation",
            "to_organisation",
            "actor",
            "reason",
            "at",
        )


class HandoverListApi(UserLanguageMixin, generics.ListAPIView):
    """Coordinators: needs handed over to another initiative, with who, when and why; POST
    hands one over (matches the old initiative was asked about end and are matched again)."""

    serializer_class = HandoverSerializer
    throttle_classes = [WriteRateThrottle]
    error_statuses = (403,)  # reading too: coordinators only (see api/openapi.py)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.is_coordinator:
            raise PermissionDenied(_("Only coordinators of the welcome centre may do this."))

    def get_queryset(self):
        return Handover.objects.select_related(
            "from_organisation", "to_organisation", "actor"
        ).order_by("-at", "-id")

    @extend_schema(
        request=HandoverInput,
        responses={201: HandoverSerializer},
        examples=[
            OpenApiExample(
                "The shelter closes",
                value={
                    "kind": "goods",
                    "need": 17,
                    "organisation": 3,
                    "reason": "The shelter closes at the end of the month",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        data = HandoverInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        errors: dict[str, list[str]] = {}
        need_model = KINDS[values["kind"]].need_model
        need = _by_id(need_model, values["need"], "need", _("No such need."), errors)
        organisation = _by_id(
            Organisation, values["organisation"], "organisation", _("No such initiative."), errors
        )
        if errors:
            raise ApplicationError(errors)
        handover = workflow.hand_over_need(
            need, actor=request.user, to_organisation=organisation, reason=values["reason"]
        )
        return Response(self.get_serializer(handover).data, status=status.HTTP_201_CREATED)
