"""Work: the occupations taxonomy, employers, their job and training places, and people
looking for work (see api/housing.py for the shared conventions).

A job of an employer a coordinator has checked is public (place to the public grid, never
the address). A person's profile is private: only the person, their counsellor's
organisation and coordinators see it (anyone else gets a 404); an employer learns an
anonymous summary through a match (api/matches.py) and the contact once both said yes.
"""

from decimal import Decimal

import django_filters
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import (
    AllowAny,
    BasePermission,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
)
from rest_framework.response import Response

from accounts.models import Organisation
from api import common
from api.diagnostics import REASONS, NeedDiagnosisSerializer
from api.throttles import WriteRateThrottle
from base.errors import WRONG_STATE, ApplicationError
from jobs import selectors, services
from jobs.models import (
    MAX_PAY_EUR,
    Employer,
    GermanLevel,
    Hours,
    Job,
    JobSeeker,
    PayPeriod,
    Recognition,
    Residence,
)
from lifecycle import services as lifecycle_services
from matching import diagnostics
from matching import selectors as matching_selectors
from matching.core.diagnostics import FEASIBLE
from matching.core.types import Reason
from matching.kinds import JOBS
from matching.kinds.jobs import UNCHECKED_EMPLOYER_MESSAGE
from matching.models import Match, MatchState

EMPLOYER_EXAMPLE = {
    "name": "Bäckerei Sonnenschein GmbH",
    "city": "Leipzig",
    "email": "jobs@sonnenschein.example",
}
JOB_EXAMPLE = {
    "title": "Koch/Köchin in der Kantine",
    "description": "Frühschicht, Mo–Fr, ein kleines Team; Einarbeitung auf Englisch möglich.",
    "address": "Prager Straße 20, 04103 Leipzig",
    "occupation": "5120",
    "places": 2,
    "hours": "full_time",
    "start_date": "2027-01-04",
    "pay_min": 2400,
    "pay_max": 2800,
    "pay_period": "month",
    "german_min": "A2",
    "languages": ["en", "uk"],
    "skills": ["food hygiene"],
    "open_to": ["permit", "approval"],
    "max_distance_km": 25,
}
SEEKER_EXAMPLE = {
    "address": "04209 Leipzig",
    "experience": [{"occupation": "5120", "years": 4}, {"occupation": "9412", "years": 1}],
    "german_level": "A2",
    "languages": ["uk", "ru", "en"],
    "hours_wanted": ["full_time", "part_time"],
    "travel_radius_km": 12,
    "available_from": "2026-12-15",
    "recognition": "in_recognition",
    "residence": "permit",
}
COUNSELLOR_EXAMPLE = {
    **SEEKER_EXAMPLE,
    "counsellor_organisation": 3,
    "consent_on": "2026-11-20",
    "person_name": "Olena K.",
    "person_phone": "0176 5550123",
}
PAY = {
    "max_digits": 8,
    "decimal_places": 2,
    "min_value": Decimal("0"),
    "max_value": MAX_PAY_EUR,
    "required": False,
    "allow_null": True,
}


# The same choices under several field names (german_min and german_level, open_to and
# residence; hours and hours_wanted) would be one enum component under two names (a warning
# the schema test fails on): documented inline, by a pattern where inline is not enough.
@extend_schema_field({"type": "string", "enum": Hours.values})
class HoursWantedField(serializers.ChoiceField):
    pass


@extend_schema_field({"type": "string", "pattern": "^(permit|approval)$"})
class ResidenceField(serializers.ChoiceField):
    pass


@extend_schema_field({"type": "string", "pattern": "^(A1|A2|B1|B2|C1|C2)?$"})
class GermanLevelOutputField(serializers.CharField):
    pass


class IsCoordinator(BasePermission):
    """Coordinators of the welcome centre only."""

    def has_permission(self, request, view) -> bool:
        self.message = _("Only coordinators of the welcome centre may do this.")
        user = request.user
        return bool(user and user.is_authenticated and user.is_coordinator)


def _organisation(pk: int | None) -> Organisation | None:
    """The organisation of an id in the input (404 if unknown); whether the user may act for
    it is the service's question."""
    return None if pk is None else get_object_or_404(Organisation, pk=pk)


# --- input -----------------------------------------------------------------------------------


class EmployerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="The company's name.")
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    email = serializers.EmailField(required=False, allow_blank=True)


class JobInputSerializer(common.DraftInputMixin, common.PlacedInputSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    occupation = serializers.CharField(
        max_length=8,
        help_text="ISCO-08 code from /occupations/: an occupation, or a group (then experience "
        "in any of its occupations fits).",
    )
    places = serializers.IntegerField(min_value=1, max_value=500)
    remote = serializers.BooleanField(required=False)
    hours = serializers.ChoiceField(choices=Hours.choices)
    start_date = serializers.DateField()
    pay_min = serializers.DecimalField(**PAY, help_text="EUR per `pay_period`.")
    pay_max = serializers.DecimalField(**PAY)
    pay_period = serializers.ChoiceField(choices=PayPeriod.choices, required=False)
    german_min = serializers.CharField(
        required=False, allow_blank=True, max_length=8, help_text="CEFR level A1–C2, or empty."
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=8),
        required=False,
        max_length=30,
        help_text="ISO 639-1 codes; a person who speaks any one of them will do.",
    )
    skills = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=30
    )
    requires_recognition = serializers.BooleanField(required=False)
    open_to = serializers.ListField(
        child=ResidenceField(choices=Residence.choices),
        required=False,
        max_length=2,
        help_text="Residence situations the job is open to, as the employer states them "
        "(no legal advice).",
    )
    residence_irrelevant = serializers.BooleanField(
        required=False, help_text="A training place where the residence situation is not asked."
    )
    max_distance_km = serializers.FloatField(required=False, min_value=0.1, max_value=200)
    organisation = serializers.IntegerField(
        required=False, help_text="Your employer's organisation id (your first by default)."
    )


class JobUpdateSerializer(JobInputSerializer):
    draft = None
    organisation = None


class ResidenceInputSerializer(serializers.Serializer):
    open_to = serializers.ListField(child=ResidenceField(choices=Residence.choices), max_length=2)
    residence_irrelevant = serializers.BooleanField(required=False, default=False)


class ExperienceInputSerializer(serializers.Serializer):
    occupation = serializers.CharField(max_length=8, help_text="ISCO-08 unit group code.")
    years = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=Decimal("0"), max_value=Decimal("60")
    )


class JobSeekerInputSerializer(common.DraftInputMixin, common.PlacedInputSerializer):
    experience = serializers.ListField(
        child=ExperienceInputSerializer(),
        max_length=20,
        help_text="Occupations worked in or trained for; on change, the whole list replaces "
        "the old one.",
    )
    german_level = serializers.CharField(
        required=False, allow_blank=True, max_length=8, help_text="CEFR level A1–C2, or empty."
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=8), required=False, max_length=30
    )
    skills = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=30
    )
    hours_wanted = serializers.ListField(
        child=HoursWantedField(choices=Hours.choices), max_length=5
    )
    travel_radius_km = serializers.FloatField(required=False, min_value=0.1, max_value=200)
    available_from = serializers.DateField()
    recognition = serializers.ChoiceField(choices=Recognition.choices, required=False)
    residence = ResidenceField(
        choices=Residence.choices, help_text="What the person may do, as they state it."
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    counsellor_organisation = serializers.IntegerField(
        required=False,
        help_text="Counsellors: the registered organisation in whose name you keep the "
        "profile for a person (with consent_on and person_name).",
    )
    consent_on = serializers.DateField(required=False, allow_null=True)
    person_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    person_phone = serializers.CharField(required=False, allow_blank=True, max_length=40)


class JobSeekerUpdateSerializer(JobSeekerInputSerializer):
    draft = None
    counsellor_organisation = None
    consent_on = None


# --- output ----------------------------------------------------------------------------------


class OccupationSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.SerializerMethodField(help_text="In the language of the request.")

    def get_name(self, obj) -> str:
        return obj.name(get_language())


class OccupationGroupSerializer(serializers.Serializer):
    code = serializers.CharField(source="group.code")
    name = serializers.SerializerMethodField(help_text="In the language of the request.")
    occupations = OccupationSerializer(many=True)

    def get_name(self, obj) -> str:
        return obj["group"].name(get_language())


class EmployerSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)
    city = serializers.CharField(source="organisation.city", read_only=True)
    email = serializers.CharField(source="organisation.email", read_only=True)
    is_checked = serializers.BooleanField(read_only=True)

    class Meta:
        model = Employer
        fields = ("id", "organisation", "name", "city", "email", "is_checked", "checked_at")


class JobSerializer(common.RecordOutputSerializer):
    employer = serializers.CharField(source="organisation.name", read_only=True)
    employer_checked = serializers.BooleanField(
        source="organisation.employer.is_checked",
        read_only=True,
        help_text="Only jobs of checked employers are public and matched.",
    )
    occupation = OccupationSerializer(read_only=True)
    pay_min = serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True
    )
    pay_max = serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True
    )
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    german_min = GermanLevelOutputField(read_only=True)
    open_to = serializers.ListField(child=ResidenceField(choices=Residence.choices), read_only=True)

    class Meta:
        model = Job
        fields = (
            "id",
            "title",
            "description",
            "employer",
            "employer_checked",
            "occupation",
            "places",
            "places_open",
            "remote",
            "hours",
            "start_date",
            "pay_min",
            "pay_max",
            "pay_period",
            "german_min",
            "languages",
            "skills",
            "requires_recognition",
            "open_to",
            "residence_irrelevant",
            "max_distance_km",
            *common.RecordOutputSerializer.PUBLIC_PLACE,
            *common.RecordOutputSerializer.LIFECYCLE,
            "is_mine",
            *common.RecordOutputSerializer.PRIVATE,
        )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Places unreviewed proposals hold are still open to anyone but a coordinator.
        data["places_open"] = matching_selectors.open_told(instance, "places_open")
        return data


class ExperienceSerializer(serializers.Serializer):
    occupation = serializers.CharField(source="occupation.code")
    name = serializers.SerializerMethodField()
    years = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, read_only=True
    )

    def get_name(self, obj) -> str:
        return obj.occupation.name(get_language())


class JobSeekerSerializer(common.RecordOutputSerializer):
    counsellor_organisation = serializers.SerializerMethodField(
        help_text="The organisation whose counsellor keeps the profile, if one does."
    )
    experience = ExperienceSerializer(many=True, read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    german_level = GermanLevelOutputField(read_only=True)
    hours_wanted = serializers.ListField(
        child=HoursWantedField(choices=Hours.choices), read_only=True
    )
    residence = ResidenceField(choices=Residence.choices, read_only=True)

    class Meta:
        model = JobSeeker
        fields = (
            "id",
            "counsellor_organisation",
            "consent_on",
            "person_name",
            "person_phone",
            "experience",
            "german_level",
            "languages",
            "skills",
            "hours_wanted",
            "travel_radius_km",
            "available_from",
            "recognition",
            "residence",
            "description",
            *common.RecordOutputSerializer.PUBLIC_PLACE,
            *common.RecordOutputSerializer.LIFECYCLE,
            "is_mine",
            *common.RecordOutputSerializer.PRIVATE,
        )
        # Only those entitled see a profile at all; should that change, the person stays
        # anonymous (api/matches.py shows an employer the summary instead).
        private_fields = (
            *common.RecordOutputSerializer.PRIVATE,
            "person_name",
            "person_phone",
            "consent_on",
            "description",
        )

    def get_counsellor_organisation(self, obj) -> str | None:
        organisation = obj.counsellor_organisation
        return organisation.name if organisation is not None else None


class JobGeoSerializer(common.RecordGeoJsonSerializer):
    occupation = serializers.CharField(source="occupation.code", read_only=True)
    employer = serializers.CharField(source="organisation.name", read_only=True)

    class Meta(common.RecordGeoJsonSerializer.Meta):
        model = Job
        fields = ("id", "title", "employer", "occupation", "hours", "remote", "status", "district")


class JobDiagnosisSerializer(NeedDiagnosisSerializer):
    employer_checked = serializers.BooleanField(
        source="need.organisation.employer.is_checked",
        help_text="Until a coordinator checked the employer, the job is not matched at all.",
    )


class SeekerDiagnosisSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=REASONS, source="diagnosis.reason", help_text="The main reason, a stable code."
    )
    message = serializers.CharField(help_text="The reason in the reader's language.")
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        source="diagnosis.counts",
        help_text="Jobs around the person per reason code they fail on; `feasible` counts "
        "those that fit.",
    )
    in_range = serializers.IntegerField(source="diagnosis.in_range")
    radius_km = serializers.FloatField(help_text="The person's travel radius.")


# --- filters ---------------------------------------------------------------------------------


class EmployerFilterSet(django_filters.FilterSet):
    checked = django_filters.BooleanFilter(
        method="filter_checked", label="Only checked (true) or unchecked (false) employers"
    )

    class Meta:
        model = Employer
        fields: tuple = ()

    def filter_checked(self, queryset, name, value):
        return queryset if value is None else queryset.filter(checked_at__isnull=not value)


class JobFilterSet(common.RecordFilterSet):
    occupation = django_filters.CharFilter(
        method="filter_occupation",
        label="ISCO-08 code; a group (2 digits) includes its occupations",
        max_length=8,
    )
    hours = django_filters.MultipleChoiceFilter(choices=Hours.choices)
    german_at_most = django_filters.ChoiceFilter(
        choices=GermanLevel.choices,
        method="filter_german",
        label="Jobs asking for at most this German level (or none)",
    )
    district = django_filters.CharFilter(lookup_expr="iexact", max_length=100)
    remote = django_filters.BooleanFilter()

    class Meta(common.RecordFilterSet.Meta):
        model = Job

    def filter_occupation(self, queryset, name, value):
        return selectors.jobs_in_occupation(queryset, value) if value else queryset

    def filter_german(self, queryset, name, value):
        return selectors.jobs_asking_german_at_most(queryset, value) if value else queryset


class JobSeekerFilterSet(common.RecordFilterSet):
    class Meta(common.RecordFilterSet.Meta):
        model = JobSeeker

    def filter_mine(self, queryset, name, value):
        # Also the profiles kept by the user's counsellor organisations.
        if value is None:
            return queryset
        q = selectors.job_seekers_kept_q(self.request.user)
        return queryset.filter(q) if value else queryset.exclude(q)


# --- views: occupations and employers --------------------------------------------------------


class OccupationListApi(common.UserLanguageMixin, generics.ListAPIView):
    """The shared occupations (ISCO-08): groups with their occupations, named in the
    language of the request (public)."""

    serializer_class = OccupationGroupSerializer
    permission_classes = [AllowAny]
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return [
            {"group": group, "occupations": members}
            for group, members in selectors.occupation_groups(get_language() or "en")
        ]


class EmployerListCreateApi(common.UserLanguageMixin, generics.ListAPIView):
    """GET (coordinators): the employers, unchecked or checked. POST: register your company
    as an employer; its jobs are public and matched once a coordinator checked it."""

    serializer_class = EmployerSerializer
    filterset_class = EmployerFilterSet
    throttle_classes = [WriteRateThrottle]
    error_statuses = (403,)  # reading: coordinators only (see api/openapi.py)

    def get_queryset(self):
        return selectors.employers_by_check()

    def get(self, request, *args, **kwargs):
        if not request.user.is_coordinator:
            raise PermissionDenied(_("Only coordinators of the welcome centre may do this."))
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=EmployerInputSerializer,
        responses={201: EmployerSerializer},
        examples=[OpenApiExample("A bakery", value=EMPLOYER_EXAMPLE, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        data = EmployerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        employer = services.create_employer(user=request.user, **data.validated_data)
        return Response(self.get_serializer(employer).data, status=status.HTTP_201_CREATED)


class _EmployerStepApi(common.UserLanguageMixin, generics.GenericAPIView):
    serializer_class = EmployerSerializer
    permission_classes = [IsCoordinator]
    throttle_classes = [WriteRateThrottle]

    def get_queryset(self):
        return selectors.employers_by_check()

    def get_employer(self) -> Employer:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class EmployerCheckApi(_EmployerStepApi):
    """Coordinators: the employer is checked; its jobs are public and matched from now on."""

    @extend_schema(request=None, responses={200: EmployerSerializer})
    def post(self, request, *args, **kwargs):
        employer = services.check_employer(employer=self.get_employer(), coordinator=request.user)
        return Response(self.get_serializer(employer).data)


class EmployerUncheckApi(_EmployerStepApi):
    """Coordinators: withdraw the check; the employer's jobs are no longer public or
    matched."""

    @extend_schema(request=None, responses={200: EmployerSerializer})
    def post(self, request, *args, **kwargs):
        employer = services.withdraw_employer_check(
            employer=self.get_employer(), coordinator=request.user
        )
        return Response(self.get_serializer(employer).data)


# --- views: jobs -----------------------------------------------------------------------------


class JobApi(common.RecordApi):
    """The jobs a user may see (those of checked employers, their own employers', and for
    coordinators all) and change (their employers')."""

    model = Job
    serializer_class = JobSerializer
    filterset_class = JobFilterSet
    select_related = ("organisation__employer", "occupation", "created_by")
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        user = self.request.user
        also = matching_selectors.counterpart_ids(user, Job) if user.is_authenticated else ()
        queryset = selectors.jobs_published_or_own(queryset, user, also=also)
        if user.is_authenticated and user.is_coordinator:
            return queryset
        # Places unreviewed proposals hold are told as open (see JobSerializer).
        proposed = (
            Match.objects.filter(job=OuterRef("pk"), state=MatchState.PROPOSED)
            .order_by()
            .values("job")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return queryset.annotate(proposed_hold=Subquery(proposed, output_field=IntegerField()))


class JobListCreateApi(JobApi, generics.ListAPIView):
    """GET (public): the jobs of checked employers, filtered and paginated (your employers'
    jobs too). POST (members of an employer): offer a job or training place."""

    error_statuses = (404,)  # an unknown "organisation"

    @extend_schema(
        request=JobInputSerializer,
        responses={201: JobSerializer},
        examples=[OpenApiExample("A cook", value=JOB_EXAMPLE, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        fields = self.parse(JobInputSerializer)
        fields["organisation"] = _organisation(fields.get("organisation"))
        record = services.create_job(user=request.user, **fields)
        return self.respond(record, status.HTTP_201_CREATED)


class JobDetailApi(JobApi):
    """GET (public) one job: the address and contact only for its employer's members and
    coordinators. PATCH changes what is given (its employer's members)."""

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_visible_object()).data)

    @extend_schema(
        request=JobUpdateSerializer,
        responses={200: JobSerializer},
        examples=[OpenApiExample("One more place", value={"places": 3})],
    )
    def patch(self, request, *args, **kwargs):
        record = self.get_managed_object()
        fields = self.parse(JobUpdateSerializer, partial=True)
        record = services.update_job(record=record, user=request.user, **fields)
        return self.respond(record)


class JobWithdrawApi(JobApi):
    """Withdraw a job: it is no longer listed or matched and its live matches are cancelled."""

    @extend_schema(request=None, responses={200: JobSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.withdraw(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class JobPublishApi(JobApi):
    """Publish a draft job: it becomes open (public and matched once the employer is
    checked)."""

    @extend_schema(request=None, responses={200: JobSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.publish(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class JobResidenceApi(JobApi):
    """Coordinators: correct whom a job is open to (what its employer stated was wrong)."""

    permission_classes = [IsCoordinator]

    @extend_schema(
        request=ResidenceInputSerializer,
        responses={200: JobSerializer},
        examples=[
            OpenApiExample(
                "Open to approval too",
                value={"open_to": ["permit", "approval"], "residence_irrelevant": False},
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        record = self.get_visible_object()
        fields = self.parse(ResidenceInputSerializer)
        record = services.correct_residence(record=record, coordinator=request.user, **fields)
        return self.respond(record)


def _placed(record) -> None:
    """A diagnosis searches around the record's public point; without one there is none."""
    if record.approx_point is None:
        raise ApplicationError(
            _("The place is still being looked up; try again in a moment."), code=WRONG_STATE
        )


class JobDiagnosisApi(JobApi):
    """Why a job's places stay open (coordinators, as for every kind's needs): counts and
    sentences, never who the people around it are. Not for the employer: counts of people
    by reason around a place of its choosing would tell it where people looking for work
    live and what their residence situation is."""

    permission_classes = [IsAuthenticated, IsCoordinator]
    error_statuses = (403, 409)  # not a coordinator; the job not placed yet
    filter_backends: list = []

    @extend_schema(responses={200: JobDiagnosisSerializer})
    def get(self, request, *args, **kwargs):
        record = self.get_visible_object()
        _placed(record)
        found = diagnostics.diagnose_need("jobs", record)
        data = JobDiagnosisSerializer(found, context=self.get_serializer_context()).data
        if not record.organisation.employer.is_checked:
            data["message"] = str(UNCHECKED_EMPLOYER_MESSAGE)
        return Response(data)


class JobMapApi(JobApi, common.RecordMapApi):
    """The jobs of checked employers (public), as map features at their approximate points."""

    serializer_class = JobGeoSerializer
    select_related = ("organisation", "occupation")
    columns = (
        "title",
        "organisation__name",
        "occupation__code",
        "hours",
        "remote",
        "status",
        "district",
        "approx_point",
    )


# --- views: people looking for work ----------------------------------------------------------


class JobSeekerApi(common.RecordApi):
    """The profiles a user keeps (their own, their counsellor organisations'; coordinators:
    every one). For anyone else a profile does not exist (404)."""

    model = JobSeeker
    serializer_class = JobSeekerSerializer
    filterset_class = JobSeekerFilterSet
    select_related = ("created_by", "counsellor_organisation")
    prefetch_related = ("experience__occupation",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return JobSeeker.objects.none()
        user = self.request.user
        queryset = matching_selectors.as_shown(selectors.job_seekers_changeable_by(user), user)
        return (
            queryset.select_related(*self.select_related)
            .prefetch_related(*self.prefetch_related)
            .order_by("-created_at", "-id")
        )

    def get_serializer_context(self):
        # Not RecordApi's: who answers for a profile is wider here (counsellor organisations).
        context = generics.GenericAPIView.get_serializer_context(self)
        user = self.request.user
        kept = (
            set(
                JobSeeker.objects.filter(selectors.job_seekers_kept_q(user)).values_list(
                    "pk", flat=True
                )
            )
            if user.is_authenticated and not getattr(self, "swagger_fake_view", False)
            else set()
        )
        # Whoever may read a profile here is entitled to all of it (see get_queryset).
        context["is_entitled"] = lambda record: True
        context["is_managed"] = lambda record: record.pk in kept
        return context

    def get_managed_object(self):
        # Whoever may read a profile may change it (get_queryset): no 403 that would tell a
        # stranger the profile exists.
        return self.get_visible_object()


class JobSeekerListCreateApi(JobSeekerApi, generics.ListAPIView):
    """GET: the profiles you keep (coordinators: every one). POST: look for work, or, as a
    counsellor of a registered organisation, keep a profile for a person who agreed."""

    error_statuses = (404,)  # an unknown "counsellor_organisation"

    @extend_schema(
        request=JobSeekerInputSerializer,
        responses={201: JobSeekerSerializer},
        examples=[
            OpenApiExample("A cook, for herself", value=SEEKER_EXAMPLE, request_only=True),
            OpenApiExample("Kept by a counsellor", value=COUNSELLOR_EXAMPLE, request_only=True),
        ],
    )
    def post(self, request, *args, **kwargs):
        fields = self.parse(JobSeekerInputSerializer)
        if "counsellor_organisation" in fields:
            fields["counsellor_organisation"] = _organisation(fields["counsellor_organisation"])
        record = services.create_job_seeker(user=request.user, **fields)
        return self.respond(record, status.HTTP_201_CREATED)


class JobSeekerDetailApi(JobSeekerApi):
    """GET one profile; PATCH changes what is given (the person, their counsellor's
    organisation, coordinators)."""

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_visible_object()).data)

    @extend_schema(
        request=JobSeekerUpdateSerializer,
        responses={200: JobSeekerSerializer},
        examples=[OpenApiExample("German improved", value={"german_level": "B1"})],
    )
    def patch(self, request, *args, **kwargs):
        record = self.get_managed_object()
        fields = self.parse(JobSeekerUpdateSerializer, partial=True)
        record = services.update_job_seeker(record=record, user=request.user, **fields)
        return self.respond(record)


class JobSeekerWithdrawApi(JobSeekerApi):
    """Withdraw a profile: it is no longer matched and its live matches are cancelled."""

    @extend_schema(request=None, responses={200: JobSeekerSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.withdraw(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class JobSeekerPublishApi(JobSeekerApi):
    """Publish a draft profile: it becomes open and is matched."""

    @extend_schema(request=None, responses={200: JobSeekerSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.publish(self.get_managed_object(), actor=request.user)
        return self.respond(record)


def explain_seeker(diagnosis, radius_km: float) -> str:
    """Why a person gets no proposal, as one sentence in the active language."""
    reason = diagnosis.reason
    if reason == Reason.NOTHING_IN_RANGE or reason not in JOBS.seeker_messages:
        return str(JOBS.nothing_for_seeker % {"km": f"{radius_km:g}"})
    if reason in (Reason.ALL_RESERVED, Reason.OUTSCORED):
        n = diagnosis.counts.get(FEASIBLE, 0) + diagnosis.counts.get(Reason.ALL_RESERVED, 0)
    else:
        n = diagnosis.counts.get(str(reason), 0)
    return str(JOBS.seeker_messages[reason] % {"n": n})


class JobSeekerDiagnosisApi(JobSeekerApi):
    """Why the person gets no proposal: the nearest miss among the checked employers' jobs
    around them, as counts and one sentence."""

    error_statuses = (409,)  # the profile not placed yet
    filter_backends: list = []

    @extend_schema(responses={200: SeekerDiagnosisSerializer})
    def get(self, request, *args, **kwargs):
        record = self.get_visible_object()
        _placed(record)
        found = JOBS.seeker_diagnosis(
            record, timezone.now(), limit=diagnostics.DIAGNOSIS_CANDIDATES
        )
        radius = float(record.travel_radius_km)
        answer = {
            "diagnosis": found,
            "message": explain_seeker(found, radius),
            "radius_km": radius,
        }
        return Response(SeekerDiagnosisSerializer(answer).data)
