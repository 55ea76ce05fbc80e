"""Matches: what a side or a coordinator sees of a match, and the steps of its workflow."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.selectors import active_organisations_of
from api.common import CONTACT_SCHEMA, PointField, UserLanguageMixin, path
from api.throttles import WriteRateThrottle
from lifecycle.selectors import entitled_to_exact_data
from matching import selectors, workflow
from matching.models import Handover, Match, MatchEvent, MatchMessage


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

    def get_title(self, obj) -> str:
        # A volunteer profile has no title, and the volunteer's name is theirs to give.
        return getattr(obj, "title", None) or str(_("Volunteer"))

    @extend_schema_field(CONTACT_SCHEMA)
    def get_contact(self, obj) -> dict | None:
        return obj.contact_details()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        is_entitled = self.context.get("is_entitled")
        if not (is_entitled and is_entitled(instance)):
            data["address"] = data["location"] = data["contact"] = None
        return data


class ShiftTimesSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class MatchSerializer(serializers.ModelSerializer):
    """A match of any kind: `need` is a goods need, a volunteer need or a household, `offer`
    a donation, a volunteer profile or a flat; `shift` is set for volunteer matches."""

    need = MatchSideSerializer()
    offer = MatchSideSerializer()
    organisation = serializers.CharField(source="need.organisation.name")
    category = serializers.SerializerMethodField()
    shift = ShiftTimesSerializer(allow_null=True)
    my_sides = serializers.SerializerMethodField(
        help_text="The sides the requesting user answers for: need, offer, or both."
    )

    def get_category(self, obj) -> str | None:
        return obj.goods_need.category.slug if obj.goods_need_id else None

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


class _MatchApi(UserLanguageMixin):
    serializer_class = MatchSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        return selectors.matches_visible_to(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["is_entitled"] = entitled_to_exact_data(self.request.user)
        context["organisation_ids"] = (
            set(active_organisations_of(self.request.user).values_list("pk", flat=True))
            if self.request.user.is_authenticated
            else set()
        )
        return context


def workflow_response(error: workflow.WorkflowError) -> Response:
    """Refused steps change nothing: 403 for someone who may not, 409 for a match that has
    moved on, 400 with field messages for bad input."""
    code = {
        "not_allowed": status.HTTP_403_FORBIDDEN,
        "wrong_state": status.HTTP_409_CONFLICT,
    }.get(error.code, status.HTTP_400_BAD_REQUEST)
    return Response(error.errors, status=code)


class MatchListApi(_MatchApi, generics.ListAPIView):
    filterset_fields = ("state", "kind")
    throttle_classes = [WriteRateThrottle]

    class ManualInput(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Match.Kind.choices)
        need = serializers.IntegerField(
            help_text="Id of the goods need, volunteer need or household."
        )
        offer = serializers.IntegerField(help_text="Id of the donation, volunteer profile or flat.")
        quantity = serializers.IntegerField(required=False, min_value=1)
        shift = serializers.IntegerField(required=False, help_text="Volunteers: the shift's id.")
        reason = serializers.CharField(max_length=300)

    @extend_schema(
        request=ManualInput,
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
        """Coordinators: match a need and an offer by hand; it is offered to both sides."""
        from matching.kinds import KINDS

        if not request.user.is_coordinator:
            raise PermissionDenied(_("Only coordinators of the welcome centre may do this."))
        data = self.ManualInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        kind = KINDS[values["kind"]]
        need = kind.need_model.objects.filter(pk=values["need"]).first()
        offer = kind.offer_model.objects.filter(pk=values["offer"]).first()
        errors = {}
        if need is None:
            errors["need"] = [_("No such need.")]
        if offer is None:
            errors["offer"] = [_("No such offer.")]
        shift = None
        if values["kind"] == Match.Kind.VOLUNTEERS and need is not None:
            shift = need.shifts.filter(pk=values.get("shift")).first()
            if shift is None:
                errors["shift"] = [_("Choose a shift of this need.")]
        if errors:
            raise serializers.ValidationError(errors)
        try:
            match = workflow.create_manual(
                actor=request.user,
                kind=values["kind"],
                need=need,
                offer=offer,
                quantity=values.get("quantity", 1),
                shift=shift,
                reason=values["reason"],
            )
        except workflow.WorkflowError as error:
            return workflow_response(error)
        match = self.get_queryset().get(pk=match.pk)
        return Response(self.get_serializer(match).data, status=status.HTTP_201_CREATED)


class MatchDetailApi(_MatchApi, generics.RetrieveAPIView):
    pass


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RequiredReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class QuantityInput(serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=1, help_text="How many were actually handed over (at most the match's)."
    )


class _MatchStepApi(_MatchApi, generics.GenericAPIView):
    """One step of the workflow on one match the user can see; others get 404."""

    throttle_classes = [WriteRateThrottle]
    input_serializer: type[serializers.Serializer] = ReasonInput

    def step(self, match: Match, user, values: dict) -> Match:
        raise NotImplementedError(f"{type(self).__name__} must say what its step does")

    def post(self, request, *args, **kwargs):
        match = self.get_object()
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            self.step(match, request.user, data.validated_data)
        except workflow.WorkflowError as error:
            return workflow_response(error)
        return Response(self.get_serializer(self.get_queryset().get(pk=match.pk)).data)


def _step(name: str, doc: str, input_serializer, step, example: dict) -> type:
    view = type(
        name,
        (_MatchStepApi,),
        {"input_serializer": input_serializer, "step": step, "__doc__": doc},
    )
    documented = extend_schema(
        request=input_serializer,
        responses={200: MatchSerializer},
        examples=[OpenApiExample("Example", value=example, request_only=True)],
    )
    view.post = documented(view.post)
    return view


MatchApproveApi = _step(
    "MatchApproveApi",
    "Coordinators: approve a proposal; it is offered to both sides at once.",
    ReasonInput,
    lambda self, m, user, v: workflow.approve(m, actor=user, reason=v["reason"]),
    {"reason": "Sizes and distance fit"},
)
MatchRejectApi = _step(
    "MatchRejectApi",
    "Coordinators: reject a proposal, saying why.",
    RequiredReasonInput,
    lambda self, m, user, v: workflow.reject(m, actor=user, reason=v["reason"]),
    {"reason": "The donation is for babies, the need for adults"},
)
MatchAcceptApi = _step(
    "MatchAcceptApi",
    "A side says yes. When both have, contacts and exact places are shown to each other.",
    serializers.Serializer,
    lambda self, m, user, v: workflow.respond(m, user=user, answer="yes"),
    {},
)
MatchDeclineApi = _step(
    "MatchDeclineApi",
    "A side says no, optionally saying why (only coordinators read it).",
    ReasonInput,
    lambda self, m, user, v: workflow.respond(m, user=user, answer="no", reason=v["reason"]),
    {"reason": "Already given to a neighbour"},
)
MatchFulfilApi = _step(
    "MatchFulfilApi",
    "The need's side confirms the handover with the quantity handed over; less reopens the rest.",
    QuantityInput,
    lambda self, m, user, v: workflow.fulfil(m, user=user, quantity=v["quantity"]),
    {"quantity": 8},
)
MatchNotHappenedApi = _step(
    "MatchNotHappenedApi",
    "The need's side says the handover did not happen; the match is cancelled.",
    ReasonInput,
    lambda self, m, user, v: workflow.handover_not_happened(m, user=user, reason=v["reason"]),
    {"reason": "Nobody came to the pickup"},
)
MatchCancelApi = _step(
    "MatchCancelApi",
    "Coordinators: cancel a match at any step, saying why.",
    RequiredReasonInput,
    lambda self, m, user, v: workflow.cancel(m, actor=user, reason=v["reason"]),
    {"reason": "The donor moved away"},
)


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


class MatchEventListApi(_MatchApi, generics.ListAPIView):
    """The history of a match: every step with when (and, for coordinators, who and why)."""

    serializer_class = MatchEventSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MatchEvent.objects.none()
        match = generics.get_object_or_404(
            selectors.matches_visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        return match.events.select_related("actor")


class MatchMessageSerializer(serializers.ModelSerializer):
    mine = serializers.SerializerMethodField()

    class Meta:
        model = MatchMessage
        fields = ("id", "sender_side", "body", "at", "mine")
        read_only_fields = ("id", "sender_side", "at", "mine")

    def get_mine(self, obj) -> bool:
        return obj.sender_id == self.context["request"].user.pk


class MatchMessageListApi(_MatchApi, generics.ListCreateAPIView):
    """Messages between the two sides of an offered or accepted match, relayed by the
    platform: neither side sees the other's address or email by writing."""

    serializer_class = MatchMessageSerializer
    throttle_classes = [WriteRateThrottle]

    def _match(self) -> Match:
        return generics.get_object_or_404(
            selectors.matches_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MatchMessage.objects.none()
        return self._match().messages.all()

    @extend_schema(
        examples=[
            OpenApiExample(
                "A time for the pickup",
                value={"body": "Ich kann die Jacken am Samstag um 10 Uhr bringen. Passt das?"},
                request_only=True,
            )
        ]
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            message = workflow.send_message(
                self._match(), user=request.user, body=data.validated_data["body"]
            )
        except workflow.WorkflowError as error:
            return workflow_response(error)
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


class HandoverListApi(UserLanguageMixin, generics.ListCreateAPIView):
    """Coordinators: needs handed over to another initiative, with who, when and why; POST
    hands one over (matches the old initiative was asked about end and are matched again)."""

    serializer_class = HandoverSerializer
    throttle_classes = [WriteRateThrottle]

    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Match.Kind.choices)
        need = serializers.IntegerField()
        organisation = serializers.IntegerField(help_text="Id of the initiative to hand it to.")
        reason = serializers.CharField(max_length=300)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.is_coordinator:
            raise PermissionDenied(_("Only coordinators of the welcome centre may do this."))

    def get_queryset(self):
        return Handover.objects.select_related(
            "from_organisation", "to_organisation", "actor"
        ).order_by("-at", "-id")

    @extend_schema(
        request=Input,
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
        from accounts.models import Organisation
        from matching.kinds import KINDS

        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        need = KINDS[values["kind"]].need_model.objects.filter(pk=values["need"]).first()
        organisation = Organisation.objects.filter(pk=values["organisation"]).first()
        errors = {}
        if need is None:
            errors["need"] = [_("No such need.")]
        if organisation is None:
            errors["organisation"] = [_("No such initiative.")]
        if errors:
            raise serializers.ValidationError(errors)
        try:
            handover = workflow.hand_over_need(
                need, actor=request.user, to_organisation=organisation, reason=values["reason"]
            )
        except workflow.WorkflowError as error:
            return workflow_response(error)
        return Response(self.get_serializer(handover).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("handovers/", HandoverListApi.as_view(), name="handovers"),
    path("matches/", MatchListApi.as_view(), name="matches"),
    path("matches/<int:pk>/", MatchDetailApi.as_view(), name="match-detail"),
    path("matches/<int:pk>/approve/", MatchApproveApi.as_view(), name="match-approve"),
    path("matches/<int:pk>/reject/", MatchRejectApi.as_view(), name="match-reject"),
    path("matches/<int:pk>/accept/", MatchAcceptApi.as_view(), name="match-accept"),
    path("matches/<int:pk>/decline/", MatchDeclineApi.as_view(), name="match-decline"),
    path("matches/<int:pk>/fulfil/", MatchFulfilApi.as_view(), name="match-fulfil"),
    path(
        "matches/<int:pk>/not-happened/",
        MatchNotHappenedApi.as_view(),
        name="match-not-happened",
    ),
    path("matches/<int:pk>/cancel/", MatchCancelApi.as_view(), name="match-cancel"),
    path("matches/<int:pk>/events/", MatchEventListApi.as_view(), name="match-events"),
    path("matches/<int:pk>/messages/", MatchMessageListApi.as_view(), name="match-messages"),
]
