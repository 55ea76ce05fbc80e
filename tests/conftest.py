import pytest
import redis
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.smtp import SmtpSink


@pytest.fixture(autouse=True)
def english_unless_asked():
    """Tests read messages in English, the language of the source. The site's default is
    German and every message is translated, so a test of another language asks for it: a
    header, a user's preferred language or `translation.override`."""
    with translation.override("en"):
        yield


@pytest.fixture
def initiative(db):
    return OrganisationFactory(name="Notunterkunft Grünau")


@pytest.fixture
def initiative_member(initiative):
    user = UserFactory(
        username="ines",
        email="ines@example.org",
        role=Role.INITIATIVE_MEMBER,
        preferred_language="de",
    )
    MembershipFactory(user=user, organisation=initiative, is_admin=True)
    return user


@pytest.fixture
def donor(db):
    return UserFactory(
        username="david", email="david@example.org", role=Role.DONOR, preferred_language="en"
    )


@pytest.fixture
def coordinator(db):
    return UserFactory(
        username="clara",
        email="clara@example.org",
        role=Role.COORDINATOR,
        is_staff=True,
        preferred_language="de",
    )


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture(scope="session")
def smtp_sink():
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture
def sink(smtp_sink, settings):
    """A clean sink; this process sends to it through the real SMTP backend too (the test
    environment would otherwise swap in the in-memory backend)."""
    smtp_sink.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    return smtp_sink


@pytest.fixture
def broker():
    """The test Redis database, emptied before and after the test."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()
