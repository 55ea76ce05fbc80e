"""What each person chose: channels and frequency, and the link that switches email off."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import User
from notifications.models import NotificationPreference

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def preferences_for(user: User) -> NotificationPreference:
    """The user's preferences; created with the defaults (email and inbox, instant) if the
    user never chose."""
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    return preference


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User) -> str:
    path = reverse("unsubscribe", kwargs={"token": unsubscribe_token(user)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def user_for_unsubscribe(token: str) -> User | None:
    """The user a token was made for; None for a tampered or unknown token."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=user_id).first()
