"""Notifications: one's preferences and inbox; an organisation's webhooks; what coordinators
see of failed deliveries (and try again)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.models import Organisation
from accounts.selectors import is_initiative_admin
from api.common import UserLanguageMixin
from api.throttles import WriteRateThrottle
from notifications import selectors, services, webhooks
from notifications.models import (
    Notification,
    NotificationPreference,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

# --- serializers -------------------------------------------------------------------------------


class PreferenceSerializer(serializers.ModelSerializer):
    email = serializers.BooleanField(help_text="Emails (at once or as a daily digest).")
    in_app = serializers.BooleanField(help_text="The inbox on the website and in the API.")
    frequency = serializers.ChoiceField(
        choices=NotificationPreference.Frequency.choices,
        help_text="instant: each email at once; daily: one digest a day.",
    )

    class Meta:
        model = NotificationPreference
        fields = ("email", "in_app", "frequency", "updated_at")
        read_only_fields = ("updated_at",)


class InboxItemSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    match_id = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ("id", "template", "subject", "text", "match_id", "read_at", "created_at")

    def _rendered(self, obj) -> tuple[str, str]:
        cache = self.context.setdefault("rendered", {})
        if obj.pk not in cache:
            cache[obj.pk] = selectors.inbox_text(obj)
        return cache[obj.pk]

    def get_subject(self, obj) -> str:
        return self._rendered(obj)[0]

    def get_text(self, obj) -> str:
        return self._rendered(obj)[1]

    def get_match_id(self, obj) -> int | None:
        return obj.context.get("match_id")


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many items were unread.")


class FailedNotificationSerializer(serializers.ModelSerializer):
    """A failed email as coordinators see it: who (an id) and why, never the address."""

    recipient = serializers.IntegerField(source="recipient_id")
    # Described, not an enum: "status" names other value sets elsewhere in the schema.
    status = serializers.CharField(help_text="failed (or pending again after a retry)")
    last_error = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = (
            "id",
            "recipient",
            "template",
            "status",
            "attempts",
            "last_error",
            "created_at",
        )

    def get_last_error(self, obj) -> str:
        return selectors.error_without_addresses(obj.last_error)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    # As it was given: a host may be written in its own letters (https://grünau.example/),
    # which `format: uri` (ASCII only) would not allow.
    url = serializers.CharField(read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = ("id", "organisation", "url", "events", "active", "created_at")
        read_only_fields = fields


class NewWebhookEndpointSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=500,
        help_text=(
            "http:// or https:// URL of a public internet address: not loopback, private, "
            "link-local, shared, reserved or a cloud metadata address, also not by its DNS "
            "answer (checked again at every delivery); no user name or password; port 80, 443 "
            "or from 1024 on, except database, cache and cluster ports such as 5432 or 6379."
        ),
    )
    events = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        default=list,
        help_text=f"Events to send; empty: all of {', '.join(webhooks.EVENTS)}.",
    )


class CreatedWebhookEndpointSerializer(WebhookEndpointSerializer):
    """Shown once, when the endpoint is created: the secret to check signatures with."""

    class Meta(WebhookEndpointSerializer.Meta):
        fields = (*WebhookEndpointSerializer.Meta.fields, "secret")
        read_only_fields = fields


class WebhookAttemptSerializer(serializers.ModelSerializer):
    error = serializers.CharField(
        help_text=(
            "Why the try failed, in fixed words (e.g. HTTP 500, timed out, connection refused, "
            "TLS certificate not valid, not an HTTP answer, the address … is not allowed); "
            "never what the receiver answered. Empty when it succeeded."
        )
    )

    class Meta:
        model = WebhookAttempt
        fields = ("status_code", "duration_ms", "error", "at")


class WebhookDeliverySerializer(serializers.ModelSerializer):
    delivery_id = serializers.UUIDField(
        source="uuid", help_text="Sent as X-Willkommen-Delivery; the same on every try."
    )
    organisation = serializers.IntegerField(source="endpoint.organisation_id")
    tries = WebhookAttemptSerializer(source="attempt_log", many=True)
    status = serializers.CharField(help_text="pending, sending, sent or failed")
    last_error = serializers.CharField(
        help_text="The last try's reason in fixed words, as in tries[].error; never a reply."
    )

    class Meta:
        model = WebhookDelivery
        fields = (
            "id",
            "delivery_id",
            "endpoint",
            "organisation",
            "event",
            "payload",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
            "tries",
        )


# --- one's own ---------------------------------------------------------------------------------


class PreferencesApi(UserLanguageMixin, generics.GenericAPIView):
    """How you hear from the platform: channels (email, inbox; at least one stays on) and
    frequency (instant or a daily digest)."""

    serializer_class = PreferenceSerializer
    throttle_classes = [WriteRateThrottle]

    def get(self, request, *args, **kwargs):
        return Response(PreferenceSerializer(services.preferences_for(request.user)).data)

    def _change(self, request, *, partial: bool):
        data = PreferenceSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        preference = services.update_preferences(user=request.user, **data.validated_data)
        return Response(PreferenceSerializer(preference).data)

    @extend_schema(
        examples=[
            OpenApiExample(
                "Daily digest", value={"email": True, "in_app": True, "frequency": "daily"}
            )
        ]
    )
    def put(self, request, *args, **kwargs):
        return self._change(request, partial=False)

    @extend_schema(examples=[OpenApiExample("No emails", value={"email": False})])
    def patch(self, request, *args, **kwargs):
        return self._change(request, partial=True)


class InboxApi(UserLanguageMixin, generics.ListAPIView):
    """Your messages, newest first, in your language."""

    serializer_class = InboxItemSerializer

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="true: unread only")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        unread = self.request.query_params.get("unread")
        choice = {"true": True, "1": True, "false": False, "0": False}.get((unread or "").lower())
        if unread is not None and choice is None:
            raise serializers.ValidationError({"unread": [_("Use true or false.")]})
        return selectors.inbox_of(self.request.user, unread=choice)


class UnreadCountApi(UserLanguageMixin, generics.GenericAPIView):
    """How many of your messages are unread."""

    serializer_class = UnreadCountSerializer

    def get(self, request, *args, **kwargs):
        return Response({"unread": selectors.unread_count(request.user)})


class InboxReadApi(UserLanguageMixin, generics.GenericAPIView):
    """Mark one of your messages read."""

    throttle_classes = [WriteRateThrottle]
    serializer_class = InboxItemSerializer

    @extend_schema(request=None, responses={200: InboxItemSerializer})
    def post(self, request, *args, **kwargs):
        # Someone else's message does not exist for you.
        get_object_or_404(selectors.inbox_of(request.user), pk=kwargs["pk"])
        notification = services.mark_read(request.user, kwargs["pk"])
        return Response(InboxItemSerializer(notification).data)


class InboxReadAllApi(UserLanguageMixin, generics.GenericAPIView):
    """Mark all your messages read."""

    throttle_classes = [WriteRateThrottle]
    serializer_class = ReadAllSerializer

    @extend_schema(request=None, responses={200: ReadAllSerializer})
    def post(self, request, *args, **kwargs):
        return Response({"marked": services.mark_all_read(request.user)})


# --- an organisation's webhooks ----------------------------------------------------------------


class _WebhookAdminMixin(UserLanguageMixin):
    error_statuses = (403,)  # reading too: the organisation's admins only (api/openapi.py)

    def get_organisation(self) -> Organisation:
        organisation = get_object_or_404(Organisation, pk=self.kwargs["pk"])
        if not is_initiative_admin(self.request.user, organisation):
            raise PermissionDenied(_("Only admins of this organisation manage its webhooks."))
        return organisation

    def get_endpoint(self) -> WebhookEndpoint:
        organisation = self.get_organisation()
        return get_object_or_404(
            selectors.webhook_endpoints_of(organisation), pk=self.kwargs["wid"]
        )


class WebhookListApi(_WebhookAdminMixin, generics.ListAPIView):
    """The organisation's webhook endpoints (admins of it). POST adds one; its secret is shown
    in that answer only. Each delivery is signed: `X-Willkommen-Signature: sha256=<hex
    HMAC-SHA256 of "<X-Willkommen-Timestamp>.<body>">`."""

    serializer_class = WebhookEndpointSerializer
    throttle_classes = [WriteRateThrottle]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return selectors.webhook_endpoints_of(self.get_organisation())

    @extend_schema(
        request=NewWebhookEndpointSerializer,
        responses={201: CreatedWebhookEndpointSerializer},
        examples=[
            OpenApiExample(
                "All match events",
                value={"url": "https://example.org/hooks/willkommen", "events": []},
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        organisation = self.get_organisation()
        data = NewWebhookEndpointSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhooks.create_endpoint(
            organisation=organisation,
            actor=request.user,
            **data.validated_data,
        )
        return Response(
            CreatedWebhookEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )


class WebhookDetailApi(_WebhookAdminMixin, generics.GenericAPIView):
    """Remove an endpoint (its delivery log goes with it)."""

    throttle_classes = [WriteRateThrottle]
    serializer_class = WebhookEndpointSerializer

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        self.get_endpoint().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryLogApi(_WebhookAdminMixin, generics.ListAPIView):
    """The delivery log of one endpoint, newest first, with every try."""

    serializer_class = WebhookDeliverySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        return selectors.webhook_deliveries(endpoint=self.get_endpoint())


# --- coordinators ------------------------------------------------------------------------------


class _CoordinatorMixin(UserLanguageMixin):
    error_statuses = (403,)  # reading too: coordinators only (see api/openapi.py)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.is_coordinator:
            raise PermissionDenied(_("Only coordinators see failed deliveries."))


class FailedNotificationListApi(_CoordinatorMixin, generics.ListAPIView):
    """Emails that failed after the last try (coordinators): who, which template, why."""

    serializer_class = FailedNotificationSerializer

    def get_queryset(self):
        return selectors.failed_notifications()


class NotificationRetryApi(_CoordinatorMixin, generics.GenericAPIView):
    """Try a failed email again (coordinators)."""

    serializer_class = FailedNotificationSerializer
    throttle_classes = [WriteRateThrottle]

    @extend_schema(request=None, responses={200: FailedNotificationSerializer})
    def post(self, request, *args, **kwargs):
        get_object_or_404(Notification, pk=kwargs["pk"])
        notification = services.retry_notification(notification_id=kwargs["pk"])
        return Response(FailedNotificationSerializer(notification).data)


class WebhookDeliveryListApi(_CoordinatorMixin, generics.ListAPIView):
    """Webhook deliveries of every organisation (coordinators), e.g. `?status=failed`."""

    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=WebhookDelivery.Status.values)
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        wanted = self.request.query_params.get("status") or None
        if wanted and wanted not in WebhookDelivery.Status.values:
            raise serializers.ValidationError(
                {"status": [_("Use one of: %s.") % ", ".join(WebhookDelivery.Status.values)]}
            )
        return selectors.webhook_deliveries(status=wanted)


class WebhookDeliveryRetryApi(_CoordinatorMixin, generics.GenericAPIView):
    """Try a failed webhook delivery again (coordinators)."""

    serializer_class = WebhookDeliverySerializer
    throttle_classes = [WriteRateThrottle]

    @extend_schema(request=None, responses={200: WebhookDeliverySerializer})
    def post(self, request, *args, **kwargs):
        get_object_or_404(WebhookDelivery, pk=kwargs["pk"])
        delivery = webhooks.retry_delivery(delivery_id=kwargs["pk"])
        return Response(WebhookDeliverySerializer(delivery).data)
