"""The Leipzig demo: idempotent, placed, and usable by the coordinator.

The services queue matching with transaction.on_commit; inside these (non-transactional) tests
the commit never happens, so no message reaches Redis.
"""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from accounts.models import Membership, Organisation, Role, User
from donations.models import Category, DonationOffer, GoodsNeed, Status
from geo.models import GeocodeStatus
from web import demo

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "memberships": Membership.objects.count(),
        "needs": GoodsNeed.objects.count(),
        "offers": DonationOffer.objects.count(),
        "tokens": Token.objects.count(),
    }


def _load(*args) -> str:
    out = StringIO()
    # pytest-django runs tests with DEBUG off, which the command takes for production.
    call_command("load_demo", "--force", *args, stdout=out)
    return out.getvalue()


def test_loading_twice_creates_nothing_new():
    first = demo.load_demo()
    counts = _counts()
    assert counts["users"] == len(demo.USERS)
    assert counts["organisations"] == len(demo.ORGANISATIONS)
    assert counts["needs"] == len(demo.NEEDS)
    assert counts["offers"] == len(demo.OFFERS)
    assert counts["tokens"] == len(demo.USERS)
    assert first.warnings == []
    assert sum(first.present.values()) == 0

    second = demo.load_demo()
    assert _counts() == counts
    assert sum(second.created.values()) == 0
    assert second.present["needs"] == len(demo.NEEDS)
    assert second.present["offers"] == len(demo.OFFERS)
    assert [a[3] for a in second.accounts] == [a[3] for a in first.accounts]  # same tokens


def test_reloading_keeps_what_people_changed():
    demo.load_demo()
    coordinator = User.objects.get(username=demo.COORDINATOR_USERNAME)
    coordinator.preferred_language = "en"
    coordinator.set_password("changed-by-hand")
    coordinator.save()
    need = GoodsNeed.objects.get(title="Warme Decken")
    GoodsNeed.objects.filter(pk=need.pk).update(quantity=20, status=Status.WITHDRAWN)

    demo.load_demo()

    coordinator.refresh_from_db()
    assert coordinator.preferred_language == "en"
    assert coordinator.check_password("changed-by-hand")
    need.refresh_from_db()
    assert (need.quantity, need.status) == (20, Status.WITHDRAWN)


def test_command_prints_summary_accounts_and_tokens():
    first = _load()
    assert demo.DEMO_PASSWORD in first
    assert "http://localhost:8000/admin/" in first
    assert "http://localhost:8000/api/v1/docs/" in first
    for spec in demo.USERS:
        user = User.objects.get(username=spec.username)
        assert spec.username in first
        assert Token.objects.get(user=user).key in first
    second = _load()
    needs_line = next(line for line in second.splitlines() if line.strip().startswith("needs"))
    assert needs_line.split()[1:] == ["0", str(len(demo.NEEDS))]


def test_command_refuses_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_coordinator_can_use_the_admin(client):
    demo.load_demo()
    coordinator = User.objects.get(username=demo.COORDINATOR_USERNAME)
    assert coordinator.role == Role.COORDINATOR
    assert coordinator.is_coordinator
    assert coordinator.is_staff and not coordinator.is_superuser
    assert coordinator.preferred_language == "de"
    assert coordinator.has_perm("matching.change_match")
    assert coordinator.has_perm("donations.view_goodsneed")
    assert coordinator.has_perm("donations.change_donationoffer")
    assert not coordinator.has_perm("donations.delete_goodsneed")

    assert client.login(username=demo.COORDINATOR_USERNAME, password=demo.DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/donations/goodsneed/").status_code == 200

    admin = User.objects.get(username=demo.ADMIN_USERNAME)
    assert admin.is_superuser and admin.is_staff


def test_initiatives_have_active_members_with_mixed_languages():
    demo.load_demo()
    languages = set()
    for organisation in Organisation.objects.all():
        memberships = Membership.objects.filter(organisation=organisation)
        assert 1 <= memberships.count() <= 2
        assert all(m.status == Membership.Status.ACTIVE for m in memberships)
        assert memberships.filter(is_admin=True).count() == 1
        for m in memberships:
            assert m.user.role == Role.INITIATIVE_MEMBER
            languages.add(m.user.preferred_language)
    assert languages == {"de", "en", "uk", "ar"}
    emails = User.objects.values_list("email", flat=True)
    assert all(email.endswith("@example.org") for email in emails)


def test_every_record_is_placed_with_allowed_attributes():
    demo.load_demo()
    records = [*GoodsNeed.objects.all(), *DonationOffer.objects.all()]
    assert records
    for record in records:
        assert record.geocode_status == GeocodeStatus.PLACED, record.address
        assert record.point is not None, record.address
        assert record.district or record.place, record.address
        assert record.needs_matching, record.title
        assert set(record.attributes) <= set(record.category.attributes), record.title


def test_records_inside_and_outside_leipzig():
    demo.load_demo()
    assert GoodsNeed.objects.filter(place="Leipzig").exists()
    assert DonationOffer.objects.filter(place="Leipzig").exists()
    outside = {
        *GoodsNeed.objects.exclude(place="Leipzig").values_list("place", flat=True),
        *DonationOffer.objects.exclude(place="Leipzig").values_list("place", flat=True),
    }
    assert {"Markkleeberg", "Taucha", "Halle", "Dresden"} <= outside
    districts = set(GoodsNeed.objects.exclude(district="").values_list("district", flat=True))
    assert len(districts) >= 5


def test_deadlines_are_weeks_ahead():
    demo.load_demo(today=date(2030, 1, 1))
    deadlines = GoodsNeed.objects.values_list("deadline", flat=True)
    assert all(date(2030, 1, 8) <= d <= date(2030, 1, 1) + timedelta(weeks=7) for d in deadlines)


def test_demo_uses_existing_categories():
    slugs = set(Category.objects.values_list("slug", flat=True))
    assert {n.category for n in demo.NEEDS} <= slugs
    assert {o.category for o in demo.OFFERS} <= slugs
