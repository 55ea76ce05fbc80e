"""Volunteers: the skill list, volunteer profiles and volunteer needs."""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api import common
from base.db_routing import ReadsFromReplica
from lifecycle import services as lifecycle_services
from matching import selectors as matching_selectors
from volunteers import selectors, services
from volunteers.languages import LanguageLevel
from volunteers.models import (
    MAX_PEOPLE_PER_SHIFT,
    AvailabilitySlot,
    AwayPeriod,
    Shift,
    Skill,
    VolunteerNeed,
    VolunteerProfile,
)

PROFILE_EXAMPLE = {
    "address": "04229 Leipzig",
    "skills": ["interpreting", "accompanying-authorities"],
    "languages": [{"code": "uk", "level": "native"}, {"code": "de", "level": "fluent"}],
    "availability": [
        {"weekday": 1, "start": "17:00", "end": "20:00"},
        {"weekday": 5, "start": "10:00", "end": "14:00"},
    ],
    "away_periods": [{"start": "2031-07-14", "end": "2031-07-28"}],
    "travel_radius_km": 8,
    "max_hours_per_week": 6,
    "description": "Ich kann auch bei Briefen vom Jobcenter helfen.",
}
NEED_EXAMPLE = {
    "title": "Dolmetschen bei der Ausländerbehörde",
    "description": "Begleitung einer Familie zu ihrem Termin, Ukrainisch–Deutsch.",
    "address": "Leipzig-Grünau",
    "required_skills": ["interpreting"],
    "languages": ["uk", "ru"],
    "shifts": [
        {"start": "2031-03-02T09:00:00+01:00", "end": "2031-03-02T12:00:00+01:00", "people": 1}
    ],
}


# --- input -----------------------------------------------------------------------------------


class NumberedListField(serializers.ListField):
    """A list of nested items whose errors are plain strings naming the item by its number
    ("Shift 2, people: …"), so that every message sits directly under the list's key."""

    def __init__(self, *, item_label: str, **kwargs):
        self.item_label = item_label
        super().__init__(**kwargs)

    def run_child_validation(self, data):
        result, errors = [], []
        for number, item in enumerate(data, start=1):
            # A fresh serializer per item: a PATCH of the parent is partial, an item is not.
            item_serializer = type(self.child)(data=item, context=self.context)
            if item_serializer.is_valid():
                result.append(dict(item_serializer.validated_data))
                continue
            prefix = self.item_label % {"number": number}
            for name, messages in item_serializer.errors.items():
                field = item_serializer.fields.get(name)
                where = f"{prefix}, {field.label}" if field is not None else prefix
                errors.extend(f"{where}: {message}" for message in messages)
        if errors:
            raise serializers.ValidationError(errors)
        return result


class SkillField(common.SlugLookupField):
    default_error_messages = {
        "does_not_exist": gettext_lazy("Unknown skill “{value}”. See /api/v1/skills/."),
        "invalid": gettext_lazy("Give the skill as its name, for example interpreting."),
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", queryset=Skill.objects.all(), **kwargs)


class LanguageLevelSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=8, label=gettext_lazy("code"), help_text="ISO 639-1 code, e.g. 'uk'."
    )
    level = serializers.ChoiceField(choices=LanguageLevel.choices, label=gettext_lazy("level"))


class AvailabilityInputSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(
        min_value=0, max_value=6, label=gettext_lazy("weekday"), help_text="0 = Monday, 6 = Sunday"
    )
    start = serializers.TimeField(label=gettext_lazy("from"))
    end = serializers.TimeField(label=gettext_lazy("until"))


class AwayPeriodInputSerializer(serializers.Serializer):
    start = serializers.DateField(label=gettext_lazy("from"))
    end = serializers.DateField(label=gettext_lazy("until"), help_text="Included.")


class ShiftInputSerializer(serializers.Serializer):
    start = serializers.DateTimeField(label=gettext_lazy("start"))
    end = serializers.DateTimeField(label=gettext_lazy("end"))
    people = serializers.IntegerField(
        min_value=1, max_value=MAX_PEOPLE_PER_SHIFT, label=gettext_lazy("people")
    )


class VolunteerProfileInputSerializer(common.DraftInputMixin, common.PlacedInputSerializer):
    skills = SkillField(many=True, required=False)
    languages = NumberedListField(
        child=LanguageLevelSerializer(),
        item_label=gettext_lazy("Language %(number)s"),
        required=False,
        max_length=30,
    )
    availability = NumberedListField(
        child=AvailabilityInputSerializer(),
        item_label=gettext_lazy("Slot %(number)s"),
        required=False,
        max_length=services.MAX_SLOTS,
        help_text="Weekly slots; on change, the whole list replaces the old one.",
    )
    away_periods = NumberedListField(
        child=AwayPeriodInputSerializer(),
        item_label=gettext_lazy("Period %(number)s"),
        required=False,
        max_length=services.MAX_AWAY_PERIODS,
        help_text="Days you cannot help; on change, the whole list replaces the old one.",
    )
    travel_radius_km = serializers.FloatField(required=False, min_value=0.5, max_value=100)
    max_hours_per_week = serializers.IntegerField(required=False, min_value=1, max_value=60)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class VolunteerProfileUpdateSerializer(VolunteerProfileInputSerializer):
    draft = None


class VolunteerNeedInputSerializer(common.DraftInputMixin, common.PlacedInputSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    required_skills = SkillField(many=True, required=False)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=8),
        required=False,
        max_length=30,
        help_text="ISO 639-1 codes; a volunteer who speaks any one of them will do.",
    )
    max_distance_km = serializers.FloatField(
        required=False, allow_null=True, min_value=0.1, max_value=200
    )
    works_with_children = serializers.BooleanField(
        required=False,
        help_text="The task is with children: only volunteers whose extended certificate of "
        "conduct the welcome centre has seen, still valid on the day of the shift, are matched.",
    )
    shifts = NumberedListField(
        child=ShiftInputSerializer(),
        item_label=gettext_lazy("Shift %(number)s"),
        allow_empty=False,
        max_length=services.MAX_SHIFTS,
        help_text="One or more; on change, the whole list replaces the old one.",
    )
    organisation = serializers.IntegerField(required=False, help_text="Your initiative's id.")


class VolunteerNeedUpdateSerializer(VolunteerNeedInputSerializer):
    draft = None
    organisation = None


# --- output ----------------------------------------------------------------------------------


class SkillSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(help_text="In the language of the request.")

    class Meta:
        model = Skill
        fields = ("slug", "name", "name_de", "name_en", "name_uk", "name_ar")

    def get_name(self, obj: Skill) -> str:
        return obj.name()


class AvailabilitySlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = AvailabilitySlot
        fields = ("weekday", "start", "end")


class AwayPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwayPeriod
        fields = ("start", "end")


class ShiftSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shift
        fields = ("id", "start", "end", "people", "people_open")

    def to_representation(self, instance):
        # Places unreviewed proposals hold are still open to anyone but a coordinator
        # (VolunteerNeedApi annotates them; matching.selectors.as_shown).
        data = super().to_representation(instance)
        data["people_open"] = matching_selectors.open_told(instance, "people_open")
        return data


class VolunteerProfileSerializer(common.RecordOutputSerializer):
    skills = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    languages = LanguageLevelSerializer(many=True, read_only=True)
    description = serializers.CharField(read_only=True, allow_null=True)
    availability = AvailabilitySlotSerializer(many=True, read_only=True, allow_null=True)
    away_periods = AwayPeriodSerializer(many=True, read_only=True, allow_null=True)

    class Meta:
        model = VolunteerProfile
        fields = (
            "id",
            "skills",
            "languages",
            "travel_radius_km",
            "max_hours_per_week",
            "description",
            "availability",
            "away_periods",
            *common.RecordOutputSerializer.PUBLIC_PLACE,
            *common.RecordOutputSerializer.LIFECYCLE,
            "is_mine",
            *common.RecordOutputSerializer.PRIVATE,
        )
        # Someone who may see a profile without being entitled to its exact data (later: the
        # other side of a match not yet accepted) sees what the volunteer can do, not where
        # they live, what they wrote about themself or when they are at home.
        private_fields = (
            *common.RecordOutputSerializer.PRIVATE,
            "description",
            "availability",
            "away_periods",
        )


class VolunteerNeedSerializer(common.RecordOutputSerializer):
    organisation = serializers.StringRelatedField()
    required_skills = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    shifts = ShiftSerializer(many=True, read_only=True)

    class Meta:
        model = VolunteerNeed
        fields = (
            "id",
            "title",
            "description",
            "organisation",
            "required_skills",
            "languages",
            "max_distance_km",
            "works_with_children",
            "shifts",
            *common.RecordOutputSerializer.PUBLIC_PLACE,
            *common.RecordOutputSerializer.LIFECYCLE,
            "is_mine",
            *common.RecordOutputSerializer.PRIVATE,
        )


class VolunteerProfileGeoSerializer(common.RecordGeoJsonSerializer):
    class Meta(common.RecordGeoJsonSerializer.Meta):
        model = VolunteerProfile
        fields = ("id", "status", "district", "travel_radius_km")


class VolunteerNeedGeoSerializer(common.RecordGeoJsonSerializer):
    class Meta(common.RecordGeoJsonSerializer.Meta):
        model = VolunteerNeed
        fields = ("id", "title", "status", "district")


# --- filters ---------------------------------------------------------------------------------


class _VolunteerFilterSet(common.RecordFilterSet):
    skill = django_filters.CharFilter(method="filter_skill", label="Skill slug, see /skills/")
    language = django_filters.CharFilter(
        method="filter_language", label="ISO 639-1 language code, e.g. uk"
    )


class VolunteerProfileFilterSet(_VolunteerFilterSet):
    class Meta(common.RecordFilterSet.Meta):
        model = VolunteerProfile

    def filter_skill(self, queryset, name, value):
        return selectors.profiles_with_skill(queryset, value)

    def filter_language(self, queryset, name, value):
        return selectors.profiles_speaking(queryset, value.strip().lower())


class VolunteerNeedFilterSet(_VolunteerFilterSet):
    class Meta(common.RecordFilterSet.Meta):
        model = VolunteerNeed

    def filter_skill(self, queryset, name, value):
        return selectors.needs_requiring_skill(queryset, value)

    def filter_language(self, queryset, name, value):
        return selectors.needs_in_language(queryset, value.strip().lower())


# --- views -----------------------------------------------------------------------------------


class SkillListApi(common.UserLanguageMixin, generics.ListAPIView):
    """The shared skill list, with names in every language (public)."""

    serializer_class = SkillSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    def get_queryset(self):
        return selectors.skills()


class VolunteerProfileApi(common.RecordApi):
    """The volunteer profiles a user may see and change."""

    model = VolunteerProfile
    serializer_class = VolunteerProfileSerializer
    filterset_class = VolunteerProfileFilterSet
    select_related = ("user",)
    prefetch_related = ("skills", "availability", "away_periods")


class VolunteerNeedApi(common.RecordApi):
    """The volunteer needs a user may see and change."""

    model = VolunteerNeed
    serializer_class = VolunteerNeedSerializer
    filterset_class = VolunteerNeedFilterSet
    select_related = ("organisation", "created_by")
    prefetch_related = ("required_skills",)

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        # Their places as the viewer is told them (unreviewed proposals' holds count as open).
        shifts = matching_selectors.shifts_as_told(
            Shift.objects.order_by("start", "pk"), self.request.user
        )
        return queryset.prefetch_related(Prefetch("shifts", queryset=shifts))


class VolunteerProfileListCreateApi(ReadsFromReplica, VolunteerProfileApi, generics.ListAPIView):
    """GET: the volunteer profiles you may see, filtered and paginated. POST: offer your time."""

    @extend_schema(
        request=VolunteerProfileInputSerializer,
        responses={201: VolunteerProfileSerializer},
        examples=[
            OpenApiExample("Interpreter, evenings", value=PROFILE_EXAMPLE, request_only=True)
        ],
    )
    def post(self, request, *args, **kwargs):
        fields = self.parse(VolunteerProfileInputSerializer)
        record = services.create_volunteer_profile(user=request.user, **fields)
        return self.respond(record, status.HTTP_201_CREATED)


class VolunteerNeedListCreateApi(ReadsFromReplica, VolunteerNeedApi, generics.ListAPIView):
    """GET: the volunteer needs you may see, filtered and paginated. POST: ask for help with
    one or more shifts."""

    error_statuses = (404,)  # an unknown "organisation" (common.with_organisation)

    @extend_schema(
        request=VolunteerNeedInputSerializer,
        responses={201: VolunteerNeedSerializer},
        examples=[OpenApiExample("An interpreter", value=NEED_EXAMPLE, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        fields = common.with_organisation(self.parse(VolunteerNeedInputSerializer))
        record = services.create_volunteer_need(user=request.user, **fields)
        return self.respond(record, status.HTTP_201_CREATED)


class VolunteerProfileDetailApi(VolunteerProfileApi):
    """GET one volunteer profile; PATCH changes what is given (the volunteer only)."""

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_visible_object()).data)

    @extend_schema(
        request=VolunteerProfileUpdateSerializer,
        responses={200: VolunteerProfileSerializer},
        examples=[
            OpenApiExample(
                "Away in August",
                value={"away_periods": [{"start": "2031-08-01", "end": "2031-08-21"}]},
            )
        ],
    )
    def patch(self, request, *args, **kwargs):
        record = self.get_managed_object()
        fields = self.parse(VolunteerProfileUpdateSerializer, partial=True)
        record = services.update_volunteer_profile(record=record, user=request.user, **fields)
        return self.respond(record)


class VolunteerNeedDetailApi(VolunteerNeedApi):
    """GET one volunteer need; PATCH changes what is given (its initiative only)."""

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_visible_object()).data)

    @extend_schema(
        request=VolunteerNeedUpdateSerializer,
        responses={200: VolunteerNeedSerializer},
        examples=[OpenApiExample("Also Arabic", value={"languages": ["uk", "ru", "ar"]})],
    )
    def patch(self, request, *args, **kwargs):
        record = self.get_managed_object()
        fields = self.parse(VolunteerNeedUpdateSerializer, partial=True)
        record = services.update_volunteer_need(record=record, user=request.user, **fields)
        return self.respond(record)


class VolunteerProfileWithdrawApi(VolunteerProfileApi):
    """Withdraw a volunteer profile: it is no longer matched and its live matches are
    cancelled."""

    @extend_schema(request=None, responses={200: VolunteerProfileSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.withdraw(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class VolunteerProfilePublishApi(VolunteerProfileApi):
    """Publish a draft volunteer profile: it becomes open and is matched."""

    @extend_schema(request=None, responses={200: VolunteerProfileSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.publish(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class VolunteerNeedWithdrawApi(VolunteerNeedApi):
    """Withdraw a volunteer need: it is no longer matched and its live matches are
    cancelled."""

    @extend_schema(request=None, responses={200: VolunteerNeedSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.withdraw(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class VolunteerNeedPublishApi(VolunteerNeedApi):
    """Publish a draft volunteer need: it becomes open and is matched."""

    @extend_schema(request=None, responses={200: VolunteerNeedSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.publish(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class VolunteerProfileMapApi(ReadsFromReplica, VolunteerProfileApi, common.RecordMapApi):
    """The volunteer profiles you may see, as map features at their approximate points."""

    serializer_class = VolunteerProfileGeoSerializer
    select_related = ()
    prefetch_related = ()
    columns = ("status", "district", "travel_radius_km", "approx_point")


class VolunteerNeedMapApi(ReadsFromReplica, VolunteerNeedApi, common.RecordMapApi):
    """The volunteer needs you may see, as map features at their approximate points."""

    serializer_class = VolunteerNeedGeoSerializer
    select_related = ()
    prefetch_related = ()
    columns = ("title", "status", "district", "approx_point")
