"""Export and erasure of what safety holds about a person: the checks about them and the
reports they filed are in their export; erasure removes what they wrote and the checks
about them, and scrubs their name from what others wrote about them."""

import uuid

import pytest

from accounts import checks
from accounts.models import Check, CheckKind
from privacy.selectors import export_personal_data
from privacy.services import erase_account
from safety import services
from safety.models import Report, Suspension
from tests.privacy.test_export_erasure import tables_holding
from tests.safety.scenes import coordinator, housing_match, identity_seen, landlord, offered

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checked_hosts_only(settings):
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = False


@pytest.fixture
def marker() -> str:
    return f"Mrk{uuid.uuid4().hex[:10]}"


def test_the_export_lists_checks_about_the_person_without_who_recorded_them():
    clara = coordinator()
    owner = landlord()
    checks.record_check(subject=owner, kind=CheckKind.IDENTITY, actor=clara, note="ID card")

    [exported] = export_personal_data(owner)["checks"]

    assert (exported["kind"], exported["note"], exported["withdrawn_at"]) == (
        "identity",
        "ID card",
        None,
    )
    assert "clara" not in str(export_personal_data(owner))


def test_erasure_removes_what_the_person_wrote_and_the_checks_about_them(marker):
    clara = coordinator()
    match = offered(housing_match())
    # The person is the household's member: they file a report and are checked themselves.
    member = match.housing_need.created_by
    member.username, member.email = f"user-{marker}", f"{marker}@example.org"
    member.first_name = f"Vorname{marker}"
    member.save()
    report = services.file_report(
        reporter=member,
        target="match",
        target_id=match.pk,
        category="other",
        urgency="normal",
        text=f"Written by {marker}",
    )
    identity_seen(member, by=clara)
    checks.record_check(
        subject=member, kind=CheckKind.HOME_VISIT, actor=clara, note=f"Visited {marker}"
    )
    # What others wrote about them names them; after erasure it does not.
    about = services.file_report(
        reporter=match.housing_offer.landlord,
        target="match",
        target_id=match.pk,
        category="no_show",
        urgency="normal",
        text=f"Vorname{marker} did not come to the viewing",
    )
    services.suspend(member, actor=clara, reason=f"Vorname{marker} shared an address")
    assert tables_holding(marker)

    erase_account(member)

    assert tables_holding(marker) == []
    report.refresh_from_db()
    assert report.reporter is None and report.text == "—"
    about.refresh_from_db()
    assert about.reported_user == member and about.category == "no_show"
    assert not Check.objects.filter(subject=member).exists()
    assert Suspension.objects.filter(user=member).count() == 1
    assert Report.objects.count() == 2
