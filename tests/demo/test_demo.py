"""The Leipzig demo loaded into an empty database: the command, its refusal in production,
the coordinators' group, and the dates it follows (test_demo_loaded.py and
test_demo_walked.py share one loaded demo per module).

The services queue matching with transaction.on_commit; inside these (non-transactional) tests
the commit never happens, so no message reaches Redis.
"""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from demo import housing as demo_housing
from demo import loader as demo
from demo import volunteers as demo_volunteers
from donations.models import Category, GoodsNeed
from housing.models import HousingNeed, HousingOffer
from jobs.models import Job, JobSeeker
from volunteers.models import (
    AwayPeriod,
    Shift,
)

pytestmark = pytest.mark.django_db


def _load(*args) -> str:
    out = StringIO()
    # pytest-django runs tests with DEBUG off, which the command takes for production.
    call_command("load_demo", "--force", *args, stdout=out)
    return out.getvalue()


def test_command_prints_summary_accounts_and_tokens():
    first = _load()
    assert demo.DEMO_PASSWORD in first
    assert "http://localhost:8000/admin/" in first
    assert "http://localhost:8000/api/v1/docs/" in first
    for spec in demo.USERS:
        user = User.objects.get(username=spec.username)
        assert spec.username in first
        assert Token.objects.get(user=user).key in first
    for label, username, endpoint in demo.EXAMPLE_LOGINS:
        assert f"{label}: {username}" in " ".join(first.split())
        assert f"/api/v1/{endpoint}" in first
    second = _load()
    lines = {line.split()[0]: line.split()[1:] for line in second.splitlines() if line.strip()}
    assert lines["needs"] == ["0", str(len(demo.NEEDS))]
    assert lines["volunteers"] == ["0", str(len(demo_volunteers.PROFILES))]
    assert lines["volunteer_needs"] == ["0", str(len(demo_volunteers.VOLUNTEER_NEEDS))]
    assert lines["housing_offers"] == ["0", str(len(demo_housing.FLATS))]
    assert lines["housing_needs"] == ["0", str(len(demo_housing.HOUSEHOLDS))]
    assert lines["jobs"] == ["0", str(Job.objects.count())]
    assert lines["job_seekers"] == ["0", str(JobSeeker.objects.count())]


def test_command_refuses_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_existing_coordinators_group_keeps_its_permissions_unless_asked():
    group = Group.objects.create(name=demo.COORDINATORS_GROUP)
    old = [p for p in demo.coordinator_permissions() if p.content_type.app_label == "donations"]
    group.permissions.set(old)

    report = demo.load_demo()

    assert set(group.permissions.all()) == set(old)
    assert any("--grant-coordinator-permissions" in w for w in report.warnings)

    _load("--grant-coordinator-permissions")
    assert set(group.permissions.all()) == set(demo.coordinator_permissions())
    assert demo.load_demo().warnings == []


def test_deadlines_are_weeks_ahead():
    demo.load_demo(today=date(2030, 1, 1))
    deadlines = GoodsNeed.objects.values_list("deadline", flat=True)
    assert all(date(2030, 1, 8) <= d <= date(2030, 1, 1) + timedelta(weeks=7) for d in deadlines)


def test_demo_uses_existing_categories():
    slugs = set(Category.objects.values_list("slug", flat=True))
    assert {n.category for n in demo.NEEDS} <= slugs
    assert {o.category for o in demo.OFFERS} <= slugs


def test_volunteer_and_housing_dates_follow_today():
    # Housing dates are checked against the real date, so "today" stays near it.
    today = timezone.localdate() + timedelta(days=30)
    report = demo.load_demo(today=today)
    assert report.warnings == []
    for shift in Shift.objects.all():
        day = timezone.localtime(shift.start).date()
        assert today < day <= today + timedelta(weeks=3)
    for period in AwayPeriod.objects.all():
        assert today < period.start <= period.end <= today + timedelta(weeks=6)
    for flat in HousingOffer.objects.all():
        assert today <= flat.available_from <= today + timedelta(weeks=9)
    for household in HousingNeed.objects.all():
        assert today < household.move_in_date <= today + timedelta(weeks=9)
