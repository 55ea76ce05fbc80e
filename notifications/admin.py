from django.contrib import admin

from notifications.models import (
    Notification,
    NotificationPreference,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    # The context may hold what a person wrote (relayed messages): shown, never edited here.
    list_display = ("id", "template", "recipient_id", "status", "hold", "attempts", "created_at")
    list_filter = ("status", "hold", "template")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user_id", "email", "in_app", "frequency", "updated_at")


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    readonly_fields = ("status_code", "duration_ms", "error", "at")
    can_delete = False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("id", "organisation", "url", "active", "created_at")
    list_filter = ("active",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "event", "endpoint", "status", "attempts", "last_status_code")
    list_filter = ("status", "event")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [WebhookAttemptInline]

    def has_add_permission(self, request):
        return False
