"""Rooms for initiatives (issue 14): rooms the city and organisations offer, the initiatives'
requests for a room, and the owners' and coordinators' decisions (see rooms/services.py).

Who sees what: anyone, without signing in, sees the rooms that are offered with their
district and approximate point (the map); the exact address is shown to the room's owner,
coordinators, and an initiative once a booking of the room for it was confirmed. Requests are
seen by their initiative, and open ones by room owners and coordinators, who decide.
"""

import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.models import Organisation
from api import common
from api.throttles import WriteRateThrottle
from api.volunteers import NumberedListField
from rooms import selectors, services
from rooms.models import (
    MAX_CAPACITY,
    Booking,
    BookingStatus,
    Equipment,
    RequestStatus,
    Room,
    RoomHours,
    RoomRequest,
)

ROOM = {
    "owner": 3,
    "name": "Saal im Stadtteilzentrum",
    "description": "Ground floor, 60 m², kitchen next door.",
    "address": "Karl-Heine-Straße 22, 04229 Leipzig",
    "capacity": 40,
    "equipment": ["chairs_tables", "kitchen", "wifi"],
    "step_free": True,
    "hours": [
        {"weekday": 0, "start": "17:00", "end": "21:00"},
        {"weekday": 5, "start": "10:00", "end": "18:00"},
    ],
}
ROOM_REQUEST = {
    "title": "Elterncafé auf Arabisch und Deutsch",
    "start": "2031-03-03T17:00:00+01:00",
    "end": "2031-03-03T19:30:00+01:00",
    "people": 25,
    "equipment": ["chairs_tables", "kitchen"],
    "needs_step_free": True,
    "note": "Some parents come with prams.",
}


# --- input -----------------------------------------------------------------------------------


class HoursInputSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(
        min_value=0, max_value=6, label=gettext_lazy("weekday"), help_text="0 = Monday, 6 = Sunday"
    )
    start = serializers.TimeField(label=gettext_lazy("from"))
    end = serializers.TimeField(label=gettext_lazy("until"), help_text="After the start.")


class EquipmentField(serializers.ListField):
    child = serializers.ChoiceField(choices=Equipment.choices)

    def __init__(self, **kwargs):
        super().__init__(max_length=len(Equipment.choices), **kwargs)


class RoomInputSerializer(common.PlacedInputSerializer):
    owner = serializers.IntegerField(help_text="The id of the organisation offering the room.")
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)
    equipment = EquipmentField(required=False)
    step_free = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False, help_text="Offered for booking.")
    hours = NumberedListField(
        child=HoursInputSerializer(),
        item_label=gettext_lazy("Hours %(number)s"),
        required=False,
        max_length=50,
        help_text="When the room can be booked, local time; on change, the whole list "
        "replaces the old one.",
    )


class RoomUpdateSerializer(RoomInputSerializer):
    owner = None


class RoomRequestInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, help_text="The event the room is for.")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(help_text="After the start, on the same day.")
    people = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)
    equipment = EquipmentField(required=False)
    needs_step_free = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    organisation = serializers.IntegerField(required=False, help_text="Your initiative's id.")


class ConfirmInputSerializer(serializers.Serializer):
    room = serializers.IntegerField(help_text="The id of the room to book.")


class RoomReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.REASON_MAX_LENGTH
    )


# --- output ----------------------------------------------------------------------------------


def _status_field(choices) -> serializers.ChoiceField:
    """A status of its own choice set. Described inline (wrapped in allOf) rather than as a
    named enum component: every other "status" in the API is the lifecycle's, and two choice
    sets under one field name make drf-spectacular's enum names collide."""

    @extend_schema_field({"allOf": [{"type": "string", "enum": [value for value, _ in choices]}]})
    class StatusField(serializers.ChoiceField):
        pass

    return StatusField(choices=choices, read_only=True)


class HoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoomHours
        fields = ("weekday", "start", "end")


class RoomSerializer(serializers.ModelSerializer):
    """A room; `address` and `location` are null for anyone not entitled to the exact
    place."""

    owner = serializers.CharField(source="owner.name", read_only=True)
    equipment = serializers.ListField(
        child=serializers.ChoiceField(choices=Equipment.choices), read_only=True
    )
    hours = HoursSerializer(many=True, read_only=True)
    approx_location = common.PointField(source="approx_point", read_only=True)
    address = serializers.CharField(read_only=True, allow_null=True)
    location = common.PointField(source="point", read_only=True, allow_null=True)
    is_mine = serializers.SerializerMethodField()

    class Meta:
        model = Room
        fields = (
            "id",
            "name",
            "description",
            "owner",
            "capacity",
            "equipment",
            "step_free",
            "active",
            "hours",
            "last_confirmed",
            "district",
            "place",
            "approx_location",
            "address",
            "location",
            "is_mine",
        )

    def get_is_mine(self, obj) -> bool:
        return obj.owner_id in self.context.get("my_organisations", set())

    def to_representation(self, instance):
        data = super().to_representation(instance)
        exact = self.context.get("exact_ids", set())
        if exact is not None and instance.pk not in exact:
            data["address"] = data["location"] = None
        return data


@extend_schema_field(RoomSerializer(allow_null=True))
class RoomOrNullField(serializers.Field):
    def to_representation(self, value):
        return RoomSerializer(value, context=self.parent.context).data


class RoomRequestSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    equipment = serializers.ListField(
        child=serializers.ChoiceField(choices=Equipment.choices), read_only=True
    )
    room = RoomOrNullField(read_only=True, allow_null=True)
    booking = serializers.SerializerMethodField()
    status = _status_field(RequestStatus.choices)

    class Meta:
        model = RoomRequest
        fields = (
            "id",
            "title",
            "note",
            "organisation",
            "start",
            "end",
            "people",
            "equipment",
            "needs_step_free",
            "status",
            "room",
            "booking",
            "reason",
            "decided_at",
            "created_at",
        )

    def get_booking(self, obj) -> int | None:
        booking = selectors.confirmed_booking(obj)
        return booking.pk if booking else None


class BookingSerializer(serializers.ModelSerializer):
    start = serializers.DateTimeField(source="during.lower", read_only=True)
    end = serializers.DateTimeField(source="during.upper", read_only=True)
    request = RoomRequestSerializer(read_only=True)
    status = _status_field(BookingStatus.choices)

    class Meta:
        model = Booking
        fields = ("id", "status", "start", "end", "cancelled_at", "request")


class RoomGeoSerializer(GeoFeatureModelSerializer):
    """A room on the map: its approximate point only, for every viewer."""

    class Meta:
        model = Room
        geo_field = "approx_point"
        fields = ("id", "name", "capacity", "step_free", "district")


# --- filters ---------------------------------------------------------------------------------


class RoomFilterSet(django_filters.FilterSet):
    people = django_filters.NumberFilter(
        field_name="capacity",
        lookup_expr="gte",
        label="Rooms that hold at least this many people",
        min_value=1,
    )
    step_free = django_filters.BooleanFilter(label="Step-free rooms only (true)")
    equipment = django_filters.MultipleChoiceFilter(
        choices=Equipment.choices,
        method="filter_equipment",
        label="Rooms with all of this equipment (repeat the parameter)",
    )

    class Meta:
        model = Room
        fields: tuple = ()

    def filter_equipment(self, queryset, name, value):
        return queryset.filter(equipment__contains=list(value)) if value else queryset


# --- views -----------------------------------------------------------------------------------


class RoomsApi(common.UserLanguageMixin, generics.GenericAPIView):
    """What every room endpoint shares: the language, the write throttle, and what the
    serializers need to know of the viewer."""

    throttle_classes = [WriteRateThrottle]
    permission_classes = [IsAuthenticated]
    serializer_class = RoomSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            user = self.request.user
            context["exact_ids"] = selectors.exact_room_ids(user)
            context["my_organisations"] = selectors.active_organisation_ids(user)
        return context

    def parse(self, input_serializer_class, **kwargs) -> dict:
        data = input_serializer_class(
            data=self.request.data, context={"request": self.request}, **kwargs
        )
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def rooms(self):
        """Offered rooms for everyone; inactive ones too for those who manage them."""
        if getattr(self, "swagger_fake_view", False):
            return Room.objects.none()
        user = self.request.user
        rooms = Room.objects.select_related("owner").prefetch_related("hours")
        if user.is_authenticated and user.is_coordinator:
            return rooms.order_by("name", "pk")
        mine = selectors.active_organisation_ids(user)
        return rooms.filter(Q(active=True) | Q(owner_id__in=mine)).order_by("name", "pk")

    def room_response(self, room: Room, code=status.HTTP_200_OK) -> Response:
        room = self.rooms().get(pk=room.pk)
        return Response(RoomSerializer(room, context=self.get_serializer_context()).data, code)

    def room_requests(self):
        if getattr(self, "swagger_fake_view", False):
            return RoomRequest.objects.none()
        return RoomRequest.objects.select_related("organisation", "room__owner").prefetch_related(
            "room__hours"
        )

    def visible_request(self) -> RoomRequest:
        """The request in the URL if the user may see it, else 404."""
        room_request = get_object_or_404(self.room_requests(), pk=self.kwargs["pk"])
        if not selectors.may_see_request(self.request.user, room_request):
            raise NotFound()
        return room_request

    def request_response(self, room_request: RoomRequest, code=status.HTTP_200_OK) -> Response:
        room_request = self.room_requests().get(pk=room_request.pk)
        context = self.get_serializer_context()
        return Response(RoomRequestSerializer(room_request, context=context).data, code)


class RoomListCreateApi(RoomsApi, generics.ListAPIView):
    """GET (public, no sign-in): the rooms offered, filtered by `people`, `step_free` and
    `equipment`; district and approximate point for everyone, the exact address only for
    whoever may see it. POST: offer a room for your organisation (coordinators: for any)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    filterset_class = RoomFilterSet
    error_statuses = (404,)  # an unknown "owner"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Room.objects.none()
        return selectors.public_rooms()

    @extend_schema(
        request=RoomInputSerializer,
        responses={201: RoomSerializer},
        examples=[OpenApiExample("A community hall", value=ROOM, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        fields = self.parse(RoomInputSerializer)
        fields["owner"] = get_object_or_404(Organisation, pk=fields["owner"])
        room = services.create_room(user=request.user, **fields)
        return self.room_response(room, status.HTTP_201_CREATED)


class RoomMapApi(RoomsApi, generics.ListAPIView):
    """GET (public): the rooms offered as map features at their approximate points."""

    permission_classes = [AllowAny]
    serializer_class = RoomGeoSerializer
    filterset_class = RoomFilterSet
    pagination_class = common.MapPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Room.objects.none()
        return selectors.public_rooms()


class RoomDetailApi(RoomsApi):
    """GET (public) one room; PATCH changes what is given (its owner's members and
    coordinators) and confirms the room as current."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        return self.rooms()

    def get(self, request, *args, **kwargs):
        return self.room_response(get_object_or_404(self.rooms(), pk=kwargs["pk"]))

    @extend_schema(
        request=RoomUpdateSerializer,
        responses={200: RoomSerializer},
        examples=[OpenApiExample("More chairs", value={"capacity": 50})],
    )
    def patch(self, request, *args, **kwargs):
        room = get_object_or_404(self.rooms(), pk=kwargs["pk"])
        if not selectors.may_manage_room(request.user, room):
            raise PermissionDenied(_("Only the room's owner or a coordinator can change it."))
        fields = self.parse(RoomUpdateSerializer, partial=True)
        room = services.update_room(room=room, user=request.user, **fields)
        return self.room_response(room)


class RoomRequestListCreateApi(RoomsApi, generics.ListAPIView):
    """GET: the room requests of your initiatives, the latest event first. POST: request a
    room for your initiative's event."""

    serializer_class = RoomRequestSerializer
    error_statuses = (404,)  # an unknown "organisation"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RoomRequest.objects.none()
        return selectors.requests_of(self.request.user).prefetch_related("room__hours")

    @extend_schema(
        request=RoomRequestInputSerializer,
        responses={201: RoomRequestSerializer},
        examples=[OpenApiExample("A parents' café", value=ROOM_REQUEST, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        fields = common.with_organisation(self.parse(RoomRequestInputSerializer))
        room_request = services.request_room(user=request.user, **fields)
        return self.request_response(room_request, status.HTTP_201_CREATED)


class RoomRequestToDecideApi(RoomsApi, generics.ListAPIView):
    """GET (room owners and coordinators): the open requests, the soonest first."""

    serializer_class = RoomRequestSerializer
    error_statuses = (403,)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RoomRequest.objects.none()
        if not selectors.may_decide(self.request.user):
            raise PermissionDenied(_("Only room owners and coordinators decide about requests."))
        return selectors.requests_to_decide(self.request.user)


class RoomRequestSuitableRoomsApi(RoomsApi, generics.ListAPIView):
    """GET: the rooms free and fit for a request, the smallest first; room owners see their
    own rooms, the initiative and coordinators every one."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Room.objects.none()
        room_request = self.visible_request()
        user = self.request.user
        mine = room_request.organisation_id in selectors.active_organisation_ids(user)
        owners = None if mine else selectors.owner_ids_for_decider(user)
        return selectors.suitable_rooms(room_request, owners=owners)


class RoomRequestConfirmApi(RoomsApi):
    """Book a room for the request (its owner's members or a coordinator). Another confirmed
    booking of the room at that time: 409, and nothing changes."""

    error_statuses = (409,)

    @extend_schema(
        request=ConfirmInputSerializer,
        responses={200: RoomRequestSerializer},
        examples=[OpenApiExample("The hall", value={"room": 7}, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        room_request = self.visible_request()
        fields = self.parse(ConfirmInputSerializer)
        room = Room.objects.filter(pk=fields["room"]).first()
        if room is None:
            raise serializers.ValidationError({"room": [_("There is no such room.")]})
        services.confirm(room_request, room, request.user)
        return self.request_response(room_request)


class RoomRequestDeclineApi(RoomsApi):
    """No room for the request (room owners and coordinators), with a reason for the
    initiative."""

    error_statuses = (409,)

    @extend_schema(
        request=RoomReasonInputSerializer,
        responses={200: RoomRequestSerializer},
        examples=[
            OpenApiExample(
                "Everything booked", value={"reason": "All rooms are booked that evening."}
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        room_request = self.visible_request()
        fields = self.parse(RoomReasonInputSerializer)
        services.decline(room_request, request.user, **fields)
        return self.request_response(room_request)


class RoomRequestWithdrawApi(RoomsApi):
    """The initiative no longer needs a room; a confirmed booking is cancelled."""

    error_statuses = (409,)

    @extend_schema(request=None, responses={200: RoomRequestSerializer})
    def post(self, request, *args, **kwargs):
        room_request = self.visible_request()
        services.withdraw(room_request, request.user)
        return self.request_response(room_request)


class BookingCancelApi(RoomsApi):
    """The room's owner (or a coordinator) cancels a booking; the request is open again."""

    error_statuses = (409,)

    @extend_schema(
        request=RoomReasonInputSerializer,
        responses={200: BookingSerializer},
        examples=[OpenApiExample("Water damage", value={"reason": "Water damage in the hall."})],
    )
    def post(self, request, *args, **kwargs):
        booking = get_object_or_404(
            Booking.objects.select_related("room", "request"), pk=kwargs["pk"]
        )
        if not selectors.may_see_booking(request.user, booking):
            raise NotFound()
        fields = self.parse(RoomReasonInputSerializer)
        booking = services.cancel_booking(booking, request.user, **fields)
        context = self.get_serializer_context()
        return Response(BookingSerializer(booking, context=context).data)
