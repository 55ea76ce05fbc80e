"""The Leipzig demo as loaded once for this module (tests/demo/conftest.py): idempotent,
placed, valid, usable by coordinators and every side, and reloading keeps what people changed.

Each test runs in a savepoint inside the module's transaction, so what one changes is gone for
the next. The services queue matching with transaction.on_commit, and the commit never
happens, so no message reaches Redis.
"""

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from demo import housing as demo_housing
from demo import jobs as demo_jobs
from demo import loader as demo
from demo import volunteers as demo_volunteers
from donations.models import DonationOffer, GoodsNeed, Status
from geo.models import GeocodeStatus
from housing.models import HousingNeed, HousingOffer
from jobs.models import Employer, Experience, Job, JobSeeker
from volunteers.models import (
    AvailabilitySlot,
    AwayPeriod,
    Shift,
    Skill,
    VolunteerNeed,
    VolunteerProfile,
)

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "memberships": Membership.objects.count(),
        "needs": GoodsNeed.objects.count(),
        "offers": DonationOffer.objects.count(),
        "tokens": Token.objects.count(),
        "volunteers": VolunteerProfile.objects.count(),
        "slots": AvailabilitySlot.objects.count(),
        "away_periods": AwayPeriod.objects.count(),
        "volunteer_needs": VolunteerNeed.objects.count(),
        "shifts": Shift.objects.count(),
        "housing_offers": HousingOffer.objects.count(),
        "housing_needs": HousingNeed.objects.count(),
        "employers": Employer.objects.count(),
        "jobs": Job.objects.count(),
        "job_seekers": JobSeeker.objects.count(),
        "experience": Experience.objects.count(),
    }


def _volunteer_and_housing_records() -> list:
    return [
        *VolunteerProfile.objects.all(),
        *VolunteerNeed.objects.all(),
        *HousingOffer.objects.all(),
        *HousingNeed.objects.all(),
    ]


def test_loading_twice_creates_nothing_new(loaded_demo):
    first = loaded_demo
    counts = _counts()
    # The information hub's demos add providers and an editor of their own.
    named = [spec.username for spec in demo.USERS]
    assert User.objects.filter(username__in=named).count() == len(demo.USERS)
    assert counts["users"] >= len(demo.USERS)
    names = [spec.name for spec in demo.ORGANISATIONS]
    assert Organisation.objects.filter(name__in=names).count() == len(demo.ORGANISATIONS)
    assert counts["needs"] == len(demo.NEEDS)
    assert counts["offers"] == len(demo.OFFERS)
    assert counts["tokens"] == len(demo.USERS)
    assert counts["volunteers"] == len(demo_volunteers.PROFILES)
    assert counts["volunteer_needs"] == len(demo_volunteers.VOLUNTEER_NEEDS)
    assert counts["shifts"] == sum(len(n.shifts) for n in demo_volunteers.VOLUNTEER_NEEDS)
    assert counts["slots"] == sum(len(p.availability) for p in demo_volunteers.PROFILES)
    assert counts["housing_offers"] == len(demo_housing.FLATS)
    assert counts["housing_needs"] == len(demo_housing.HOUSEHOLDS)
    assert counts["employers"] == len(demo_jobs.EMPLOYERS)
    assert counts["jobs"] == len(demo_jobs.JOBS)
    assert counts["job_seekers"] == len(demo_jobs.SEEKERS)
    assert first.warnings == []
    assert sum(first.present.values()) == 0

    second = demo.load_demo()
    assert _counts() == counts
    assert sum(second.created.values()) == 0
    assert second.present["needs"] == len(demo.NEEDS)
    assert second.present["offers"] == len(demo.OFFERS)
    assert second.present["volunteers"] == len(demo_volunteers.PROFILES)
    assert second.present["volunteer_needs"] == len(demo_volunteers.VOLUNTEER_NEEDS)
    assert second.present["housing_offers"] == len(demo_housing.FLATS)
    assert second.present["housing_needs"] == len(demo_housing.HOUSEHOLDS)
    assert second.present["employers"] == len(demo_jobs.EMPLOYERS)
    assert second.present["jobs"] == len(demo_jobs.JOBS)
    assert second.present["job_seekers"] == len(demo_jobs.SEEKERS)
    assert second.warnings == []
    assert [a[3] for a in second.accounts] == [a[3] for a in first.accounts]  # same tokens


def test_reloading_keeps_what_people_changed(loaded_demo):
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


def test_reloading_keeps_changed_volunteer_and_housing_records(loaded_demo):
    profile = VolunteerProfile.objects.get(user__username="tobias.kraus")
    VolunteerProfile.objects.filter(pk=profile.pk).update(travel_radius_km=3)
    profile.availability.all().delete()
    need = VolunteerNeed.objects.get(title="Kleiderspenden sortieren")
    need.shifts.all()[0].delete()
    flat = HousingOffer.objects.get(title="1-Raum-Wohnung in Gohlis")
    HousingOffer.objects.filter(pk=flat.pk).update(warm_rent=Decimal("450"))
    household = HousingNeed.objects.get(title="Junges Paar mit Hund")
    HousingNeed.objects.filter(pk=household.pk).update(status=Status.WITHDRAWN)

    report = demo.load_demo()

    assert sum(report.created.values()) == 0
    profile.refresh_from_db()
    assert profile.travel_radius_km == 3
    assert not profile.availability.exists()
    assert need.shifts.count() == 1
    flat.refresh_from_db()
    assert flat.warm_rent == Decimal("450")
    household.refresh_from_db()
    assert household.status == Status.WITHDRAWN


def test_reloading_keeps_a_withdrawn_employer_check_and_changed_jobs(loaded_demo):
    employer = Employer.objects.get(organisation__name=demo_jobs.HOTEL)
    Employer.objects.filter(pk=employer.pk).update(checked_at=None, checked_by=None)
    job = Job.objects.get(title="Küchenhilfe (Teilzeit)")
    Job.objects.filter(pk=job.pk).update(places=5, places_open=5)

    report = demo.load_demo()
    assert report.warnings == []
    assert sum(report.created.values()) == 0
    assert not Employer.objects.get(pk=employer.pk).is_checked
    assert Job.objects.get(pk=job.pk).places == 5


def test_coordinator_can_use_the_admin(loaded_demo, client):
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


@pytest.mark.parametrize(
    "model", ["volunteerprofile", "volunteerneed", "housingoffer", "housingneed"]
)
def test_coordinator_sees_volunteers_and_housing_in_the_admin(loaded_demo, client, model):
    coordinator = User.objects.get(username=demo.COORDINATOR_USERNAME)
    app = "housing" if model.startswith("housing") else "volunteers"
    assert coordinator.has_perm(f"{app}.view_{model}")
    assert coordinator.has_perm(f"{app}.change_{model}")
    assert not coordinator.has_perm(f"{app}.delete_{model}")
    assert coordinator.has_perm("volunteers.change_shift")  # the inline rows of a need

    assert client.login(username=demo.COORDINATOR_USERNAME, password=demo.DEMO_PASSWORD)
    assert client.get(f"/admin/{app}/{model}/").status_code == 200
    record = {
        "volunteerprofile": VolunteerProfile,
        "volunteerneed": VolunteerNeed,
        "housingoffer": HousingOffer,
        "housingneed": HousingNeed,
    }[model].objects.first()
    assert client.get(f"/admin/{app}/{model}/{record.pk}/change/").status_code == 200


def test_initiatives_have_active_members_with_mixed_languages(loaded_demo):
    languages = set()
    # The initiatives of the matching demo (the directory's providers have no members here).
    names = [spec.name for spec in demo.ORGANISATIONS]
    for organisation in Organisation.objects.filter(
        kind=OrganisationKind.INITIATIVE, name__in=names
    ):
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


def test_every_record_is_placed_with_allowed_attributes(loaded_demo):
    records = [*GoodsNeed.objects.all(), *DonationOffer.objects.all()]
    assert records
    for record in records:
        assert record.geocode_status == GeocodeStatus.PLACED, record.address
        assert record.point is not None, record.address
        assert record.district or record.place, record.address
        assert record.needs_matching, record.title
        assert set(record.attributes) <= set(record.category.attributes), record.title


def test_records_inside_and_outside_leipzig(loaded_demo):
    assert GoodsNeed.objects.filter(place="Leipzig").exists()
    assert DonationOffer.objects.filter(place="Leipzig").exists()
    outside = {
        *GoodsNeed.objects.exclude(place="Leipzig").values_list("place", flat=True),
        *DonationOffer.objects.exclude(place="Leipzig").values_list("place", flat=True),
    }
    assert {"Markkleeberg", "Taucha", "Halle", "Dresden"} <= outside
    districts = set(GoodsNeed.objects.exclude(district="").values_list("district", flat=True))
    assert len(districts) >= 5


def test_shown_logins_work_with_the_demo_password(loaded_demo, client):
    api = APIClient()
    for _label, username, endpoint in demo.EXAMPLE_LOGINS:
        assert client.login(username=username, password=demo.DEMO_PASSWORD), username
        client.logout()
        login = APIClient().post(
            "/api/v1/auth/token/", {"username": username, "password": demo.DEMO_PASSWORD}
        )
        assert login.status_code == 200, username
        token = Token.objects.get(user__username=username)
        assert login.json()["token"] == token.key
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = api.get(f"/api/v1/{endpoint}")
        assert response.status_code == 200, (username, endpoint)
        if endpoint != "matches/":  # matches come from the worker after the commit
            assert response.json()["count"] >= 1, (username, endpoint)
    roles = {
        username: User.objects.get(username=username).role for _, username, _ in demo.EXAMPLE_LOGINS
    }
    assert {Role.VOLUNTEER, Role.LANDLORD, Role.INITIATIVE_MEMBER, Role.COORDINATOR} <= set(
        roles.values()
    )


def test_volunteer_and_housing_records_are_placed_valid_and_queued(loaded_demo):
    report = loaded_demo
    assert report.warnings == []
    records = _volunteer_and_housing_records()
    assert len(records) >= 40
    for record in records:
        assert record.geocode_status == GeocodeStatus.PLACED, record.address
        assert record.point is not None, record.address
        assert record.district or record.place, record.address
        assert record.needs_matching, record
        assert record.status == Status.OPEN, record
        record.full_clean()
    for row in [
        *AvailabilitySlot.objects.all(),
        *AwayPeriod.objects.all(),
        *Shift.objects.all(),
    ]:
        row.full_clean()


def test_demo_uses_the_shared_skill_list(loaded_demo):
    slugs = set(Skill.objects.values_list("slug", flat=True))
    used = {s for p in demo_volunteers.PROFILES for s in p.skills}
    used |= {s for n in demo_volunteers.VOLUNTEER_NEEDS for s in n.skills}
    assert used <= slugs
    for spec in demo_volunteers.VOLUNTEER_NEEDS:
        need = VolunteerNeed.objects.get(title=spec.title)
        assert set(need.required_skills.values_list("slug", flat=True)) == set(spec.skills)


def test_volunteers_speak_many_languages_and_live_across_leipzig(loaded_demo):
    profiles = VolunteerProfile.objects.select_related("user")
    assert {p.user.role for p in profiles} == {Role.VOLUNTEER}
    assert {p.user.preferred_language for p in profiles} == {"de", "en", "uk", "ar"}
    spoken = {lang["code"] for p in profiles for lang in p.languages}
    assert {"de", "en", "uk", "ar", "fa", "ru"} <= spoken
    yuliia = profiles.get(user__username="yuliia.hnatiuk")
    assert {"code": "uk", "level": "native"} in yuliia.languages
    assert {"code": "de", "level": "conversational"} in yuliia.languages
    assert {p.place for p in profiles} == {"Leipzig"}
    assert len({p.district for p in profiles}) >= 8
    assert all(p.availability.exists() and p.skills.exists() for p in profiles)
    assert 1 <= profiles.filter(away_periods__isnull=False).distinct().count() <= 3
    needs = VolunteerNeed.objects.select_related("organisation")
    assert {n.organisation.name for n in needs} == {
        o.name for o in demo.ORGANISATIONS if o.kind == OrganisationKind.INITIATIVE
    }
    assert needs.filter(languages__contains=["ar"]).exists()
    assert needs.filter(languages__contains=["uk"]).exists()


def test_flats_and_households_in_and_around_leipzig(loaded_demo):
    flats = HousingOffer.objects.all()
    outside = set(flats.exclude(place="Leipzig").values_list("place", flat=True))
    assert outside == {"Markkleeberg", "Taucha", "Borna"}
    districts = set(flats.filter(place="Leipzig").values_list("district", flat=True))
    assert len(districts) >= 6
    assert flats.filter(step_free=True, lift=True).exists()
    assert flats.filter(pets_allowed=True).count() >= 2
    assert flats.filter(available_until__isnull=False).exists()
    for flat in flats:
        # Leipzig warm rents: roughly 8 to 15 EUR per m².
        assert 8 <= flat.warm_rent / flat.size_m2 <= 15, flat.title
        assert flat.max_occupants <= flat.rooms * 2 + 1, flat.title
    households = HousingNeed.objects.select_related("organisation")
    assert {h.organisation.kind for h in households} == {OrganisationKind.INITIATIVE}
    assert households.filter(needs_step_free=True).count() == 1
    assert households.filter(has_pets=True).count() == 1
    assert households.filter(children__gt=0).exists()
    assert all(h.household_notes for h in households)
    assert all(400 <= h.rent_ceiling <= 1000 for h in households)

    landlords = User.objects.filter(housing_offers__isnull=False).distinct()
    assert {u.role for u in landlords} == {Role.LANDLORD}
    company = Organisation.objects.get(kind=OrganisationKind.HOUSING_COMPANY)
    staff = Membership.objects.get(organisation=company).user
    assert staff.housing_offers.count() >= 3


def test_employers_jobs_and_people_looking_for_work_are_placed_valid_and_flagged(loaded_demo):
    employers = Employer.objects.select_related("organisation", "checked_by")
    assert {e.organisation.kind for e in employers} == {OrganisationKind.EMPLOYER}
    checked = [e for e in employers if e.is_checked]
    assert len(checked) == 6
    assert {e.checked_by.username for e in checked} == {demo.COORDINATOR_USERNAME}
    waiting = {e.organisation.name for e in employers if not e.is_checked}
    assert waiting == {demo_jobs.BAU, demo_jobs.REINIGUNG}
    for employer in employers:
        assert employer.organisation.membership_set.filter(is_admin=True).exists()

    jobs = list(Job.objects.select_related("occupation"))
    seekers = list(JobSeeker.objects.prefetch_related("experience"))
    for record in [*jobs, *seekers]:
        record.full_clean()
        assert record.geocode_status == GeocodeStatus.PLACED
        assert record.needs_matching  # left to the worker
        assert record.status == Status.OPEN
    # Jobs: varied occupations and hours, one remote, training places open to everyone.
    assert len({j.occupation.code for j in jobs}) >= 25
    assert {j.hours for j in jobs} == {
        "full_time",
        "part_time",
        "mini_job",
        "training",
        "internship",
    }
    assert [j.title for j in jobs if j.remote] == ["Python-Entwickler/in (remote)"]
    training = [j for j in jobs if j.hours == "training"]
    assert training and all(j.residence_irrelevant and not j.open_to for j in training)
    assert all(j.open_to for j in jobs if j.hours != "training")
    assert {j.german_min for j in jobs} >= {"", "A1", "A2", "B1", "B2", "C1"}
    assert all(j.pay_min <= j.pay_max for j in jobs)
    assert {j.pay_period for j in jobs} == {"hour", "month"}
    assert {"driving licence b", "python", "django"} <= {k for j in jobs for k in j.skills}
    assert {j.postal_code for j in jobs} >= {"04109", "04129", "04347", "04179", "04435"}
    assert sum(j.places for j in jobs) == sum(spec.places for spec in demo_jobs.JOBS)
    # People: across Leipzig, many languages, both residence situations, some kept by
    # counsellors of a counselling service that the demo directory lists.
    assert len({s.district for s in seekers}) >= 20
    languages = {code for s in seekers for code in s.languages}
    assert languages >= {"ar", "uk", "fa", "ru", "en", "tr"}
    assert {s.residence for s in seekers} == {"permit", "approval"}
    assert {s.recognition for s in seekers} == {"none", "in_recognition", "recognised"}
    assert all(s.experience.all() for s in seekers)
    kept = [s for s in seekers if s.counsellor_organisation_id]
    assert len(kept) >= 20
    assert {s.counsellor_organisation.name for s in kept} == {
        demo_jobs.JOBBRUECKE,
        demo_jobs.CARITAS_OST,
    }
    for seeker in kept:
        assert seeker.person_name and seeker.consent_on <= timezone.localdate()
        assert Membership.objects.filter(
            user=seeker.created_by,
            organisation=seeker.counsellor_organisation,
            status=Membership.Status.ACTIVE,
        ).exists()
    own = [s for s in seekers if not s.counsellor_organisation_id]
    assert all(not s.person_name and s.consent_on is None for s in own)
    assert len({s.created_by_id for s in own}) == len(own)
