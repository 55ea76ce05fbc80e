"""Accounts: login, registration, one's own data (export, erasure), initiatives."""

import json

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts import second_factor, selectors, services
from accounts.models import Membership, Organisation, Role, User
from accounts.passwords import lockout_message
from api.common import UserLanguageMixin
from api.parsers import FormParser, JSONParser, MultiPartParser
from api.throttles import LoginRateThrottle, PasswordCheckRateThrottle, WriteRateThrottle
from privacy import selectors as privacy_selectors
from privacy import services as privacy_services

REGISTER_DONOR = {
    "username": "david",
    "email": "david@example.org",
    "password": "a long and uncommon passphrase",
    "role": "donor",
    "preferred_language": "en",
}
REGISTER_JOIN = {
    "username": "ines",
    "email": "ines@example.org",
    "password": "a long and uncommon passphrase",
    "role": "initiative_member",
    "preferred_language": "de",
    "organisation": 3,
}
REGISTER_START = {
    **{k: v for k, v in REGISTER_JOIN.items() if k != "organisation"},
    "new_initiative": {
        "name": "Nachbarschaftshilfe Connewitz",
        "city": "Leipzig",
        "email": "hallo@nachbarschaft-connewitz.example",
    },
}


# --- serializers -----------------------------------------------------------------------------


# Described, not an enum: the schema would otherwise name it like the "status" of needs and
# offers, which is another set of values (see ENUM_NAME_OVERRIDES in drf-spectacular).
@extend_schema_field(
    {
        "type": "string",
        "description": "requested (waiting for an admin of the initiative) or active",
    }
)
class MembershipStatusField(serializers.CharField):
    pass


class OwnMembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    status = MembershipStatusField(read_only=True)

    class Meta:
        model = Membership
        fields = ("id", "organisation", "organisation_name", "status", "is_admin", "created_at")


class AccountSerializer(serializers.ModelSerializer):
    """One's own account: only ever shown to its owner."""

    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "phone",
            "preferred_language",
            "role",
            "date_joined",
            "memberships",
        )
        read_only_fields = fields

    @extend_schema_field(OwnMembershipSerializer(many=True))
    def get_memberships(self, obj) -> list:
        return OwnMembershipSerializer(selectors.memberships_of_user(obj), many=True).data


class AccountUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False)
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    # Parsed so that the service can say no rather than the request silently ignoring them:
    # a role is given by an admin, a username is for good.
    role = serializers.CharField(
        required=False, write_only=True, help_text="Refused: an admin gives roles."
    )
    username = serializers.CharField(
        required=False, write_only=True, help_text="Refused: a username is for good."
    )


class NewInitiativeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class RegistrationSerializer(serializers.Serializer):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        help_text="Letters, digits and @/./+/-/_ only.",
        error_messages={"invalid": gettext_lazy("Use only letters, digits and @/./+/-/_.")},
    )
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, default=settings.LANGUAGE_CODE
    )
    role = serializers.ChoiceField(
        choices=Role.choices,
        help_text="donor, landlord, volunteer or initiative_member; coordinators are "
        "appointed by an admin.",
    )
    organisation = serializers.IntegerField(
        required=False, help_text="An initiative member: the id of the initiative to join."
    )
    new_initiative = NewInitiativeSerializer(
        required=False, help_text="An initiative member: start a new initiative instead."
    )


class RegistrationResultSerializer(serializers.Serializer):
    user = AccountSerializer()
    token = serializers.CharField(help_text="Send as 'Authorization: Token <token>'.")


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ("id", "name", "kind", "city")


class MemberSerializer(serializers.Serializer):
    """Who asks to join: name, not contact details."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


class MembershipSerializer(serializers.ModelSerializer):
    user = MemberSerializer()
    status = MembershipStatusField(read_only=True)

    class Meta:
        model = Membership
        fields = ("id", "user", "status", "is_admin", "created_at")


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class UserRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("id", "username", "role")


class EraseSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False, help_text="Your current password.")


# --- views -----------------------------------------------------------------------------------


class TokenLoginSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        trim_whitespace=True,
        help_text="Coordinators and admins: the six-digit code of their authenticator app, "
        "or one of their backup codes.",
    )


class TokenResultSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as 'Authorization: Token <token>'.")


class LoginLockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


class TokenLoginApi(ObtainAuthToken):
    """Exchange username and password for an API token (send it as `Authorization: Token …`).

    Coordinators and admins also send `otp`, a code of the second factor they set up on the
    web (`/account/two-factor/`): their token reaches exact addresses and contacts. Failed
    tries count towards the lockout like the web's sign-in; a locked account or client gets
    429 until the lockout ends or the password is reset."""

    throttle_classes = [LoginRateThrottle]
    permission_classes = [AllowAny]
    # DRF's ObtainAuthToken names DRF's own parsers; the API's hold the body limits too.
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    serializer_class = TokenLoginSerializer

    @extend_schema(
        request=TokenLoginSerializer,
        responses={
            200: TokenResultSerializer,
            400: OpenApiResponse(description="Wrong username, password or code."),
            403: OpenApiResponse(description="A coordinator or admin without a second factor."),
            429: OpenApiResponse(description="Too many failed sign-ins, or too many requests."),
        },
        examples=[
            OpenApiExample(
                "A donor",
                value={"username": "david", "password": "a long and uncommon passphrase"},
                request_only=True,
            ),
            OpenApiExample(
                "A coordinator, with the code of the authenticator app",
                value={"username": "koordination", "password": "willkommen-demo", "otp": "123456"},
                request_only=True,
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        try:
            data.is_valid(raise_exception=True)
        except ValidationError:
            # django-axes marks the (DRF) request when it refused or just locked the sign-in;
            # its middleware only sees Django's request, so the API answers here.
            if getattr(request, "axes_locked_out", False):
                raise LoginLockedOut(lockout_message()) from None
            raise
        user = data.validated_data["user"]
        if settings.SECOND_FACTOR_REQUIRED and second_factor.requires_second_factor(user):
            self._check_second_factor(request, user, data.validated_data.get("otp", ""))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @staticmethod
    def _check_second_factor(request, user: User, code: str) -> None:
        if not second_factor.has_second_factor(user):
            raise PermissionDenied(
                _(
                    "Coordinators and admins get an API token only with a second factor. "
                    "Sign in on the web, set it up there, then send its code as “otp”."
                )
            )
        if not code:
            raise ValidationError(
                {"otp": [_("Give the code of your authenticator app, or a backup code.")]}
            )
        if second_factor.verify_code(user, code) is None:
            # A wrong code after the right password counts like a wrong password.
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()}, request=request
            )
            if getattr(request, "axes_locked_out", False):
                raise LoginLockedOut(lockout_message())
            raise ValidationError({"otp": [_("The code is not right, or was used already.")]})


class RegisterApi(UserLanguageMixin, generics.GenericAPIView):
    """Create an account and get an API token."""

    permission_classes = [AllowAny]
    # No session: a browser logged in as someone else registers a new person all the same,
    # and without a CSRF token.
    authentication_classes: list = []
    throttle_classes = [LoginRateThrottle]
    serializer_class = RegistrationSerializer

    @extend_schema(
        request=RegistrationSerializer,
        responses={201: RegistrationResultSerializer},
        examples=[
            OpenApiExample("A donor", value=REGISTER_DONOR, request_only=True),
            OpenApiExample("Ask to join an initiative", value=REGISTER_JOIN, request_only=True),
            OpenApiExample("Start an initiative", value=REGISTER_START, request_only=True),
        ],
    )
    def post(self, request, *args, **kwargs):
        data = RegistrationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.register_user(**data.validated_data)
        body = {"user": AccountSerializer(registration.user).data, "token": registration.token.key}
        return Response(body, status=status.HTTP_201_CREATED)


class OrganisationListApi(UserLanguageMixin, generics.ListAPIView):
    """Initiatives and other organisations (public fields), e.g. to ask to join one."""

    serializer_class = OrganisationSerializer
    filterset_fields = ("kind", "city")

    def get_queryset(self):
        return selectors.organisations_listed()


class _OrganisationMixin(UserLanguageMixin):
    def get_organisation(self) -> Organisation:
        return get_object_or_404(Organisation, pk=self.kwargs["pk"])


class MembershipListApi(_OrganisationMixin, generics.ListAPIView):
    """Members and requests of one initiative: for its admins and for coordinators."""

    serializer_class = MembershipSerializer
    error_statuses = (403,)  # anyone else (see api/openapi.py)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        organisation = self.get_organisation()
        if not selectors.may_see_memberships(self.request.user, organisation):
            raise PermissionDenied(_("Only admins of this initiative see its members."))
        return selectors.memberships_of(organisation)


class MembershipApproveApi(_OrganisationMixin, generics.GenericAPIView):
    """Approve a request to join: the person then shares the initiative's needs."""

    serializer_class = MembershipSerializer
    throttle_classes = [WriteRateThrottle]

    @extend_schema(request=None, responses={200: MembershipSerializer})
    def post(self, request, *args, **kwargs):
        membership = services.approve_membership(
            organisation=self.get_organisation(), membership_id=kwargs["mid"], actor=request.user
        )
        return Response(MembershipSerializer(membership).data)


class MembershipRejectApi(_OrganisationMixin, generics.GenericAPIView):
    """Turn a request to join down."""

    throttle_classes = [WriteRateThrottle]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, *args, **kwargs):
        services.reject_membership(
            organisation=self.get_organisation(), membership_id=kwargs["mid"], actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserRoleApi(UserLanguageMixin, generics.GenericAPIView):
    """Give someone a role, e.g. appoint a coordinator: admins only."""

    serializer_class = RoleSerializer
    throttle_classes = [WriteRateThrottle]

    @extend_schema(
        request=RoleSerializer,
        responses={200: UserRoleSerializer},
        examples=[OpenApiExample("Appoint a coordinator", value={"role": "coordinator"})],
    )
    def post(self, request, *args, **kwargs):
        if not selectors.may_assign_roles(request.user):
            raise PermissionDenied(_("Only admins assign roles."))
        user = get_object_or_404(User, pk=kwargs["pk"])
        data = RoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.change_role(user=user, role=data.validated_data["role"], actor=request.user)
        return Response(UserRoleSerializer(user).data)


class MeApi(UserLanguageMixin, generics.GenericAPIView):
    """One's own account. PATCH changes names, phone, email or language (not the role)."""

    serializer_class = AccountSerializer
    throttle_classes = [WriteRateThrottle]

    def get(self, request, *args, **kwargs):
        return Response(AccountSerializer(request.user).data)

    @extend_schema(
        request=AccountUpdateSerializer,
        responses={200: AccountSerializer},
        examples=[OpenApiExample("Switch to Ukrainian", value={"preferred_language": "uk"})],
    )
    def patch(self, request, *args, **kwargs):
        data = AccountUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.update_own_account(user=request.user, **data.validated_data)
        return Response(AccountSerializer(user).data)


class MeExportApi(UserLanguageMixin, generics.GenericAPIView):
    """Download everything the platform holds about you, as one JSON file."""

    @extend_schema(
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="account, memberships, records (with history), matches, notifications",
            )
        }
    )
    def get(self, request, *args, **kwargs):
        data = privacy_selectors.export_personal_data(request.user)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        stamp = timezone.now().strftime("%Y%m%d")
        response["Content-Disposition"] = (
            f'attachment; filename="willkommen-export-{request.user.pk}-{stamp}.json"'
        )
        response["Cache-Control"] = "no-store"
        return response


class MeEraseApi(UserLanguageMixin, generics.GenericAPIView):
    """Erase your account: your offers are withdrawn and lose their personal data, your
    account is anonymised and you are logged out everywhere. This cannot be undone."""

    throttle_classes = [PasswordCheckRateThrottle]
    serializer_class = EraseSerializer

    @extend_schema(
        request=EraseSerializer,
        responses={204: None},
        examples=[OpenApiExample("Confirm", value={"password": "my current password"})],
    )
    def post(self, request, *args, **kwargs):
        data = EraseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        privacy_services.erase_own_account(
            user=request.user, password=data.validated_data["password"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
