"""The initiative's pages (/initiative/…): our needs of every kind and their matches, posting,
changing and withdrawing goods and volunteer needs, the CSV import with its preview, and the
members an admin lets in."""

import base64
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import Membership, Role
from donations.models import GoodsNeed
from lifecycle.states import Status
from matching import workflow
from matching.models import MatchState
from tests.factories import GoodsNeedFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.matching.batching import created, run_for
from tests.safety.scenes import housing_match, offered, volunteer, volunteer_need
from tests.volunteers.factories import VolunteerNeedFactory
from tests.web.fixtures import make_scene, offer_it
from volunteers.models import VolunteerNeed

pytestmark = pytest.mark.django_db

PAGES = (
    "/initiative/",
    "/initiative/needs/goods/new/",
    "/initiative/needs/volunteers/new/",
    "/initiative/needs/import/",
    "/initiative/members/",
)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ours(db):
    return OrganisationFactory(name="Notunterkunft Grünau")


@pytest.fixture
def admin(ours):
    person = UserFactory(
        username="ines", role=Role.INITIATIVE_MEMBER, preferred_language="en", first_name="Ines"
    )
    MembershipFactory(user=person, organisation=ours, is_admin=True)
    return person


@pytest.fixture
def member(ours):
    person = UserFactory(username="max", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=person, organisation=ours)
    return person


@pytest.fixture
def stranger(db):
    """A member (and admin) of another initiative."""
    person = UserFactory(username="olga", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=person, organisation=OrganisationFactory(), is_admin=True)
    return person


def _moment(days: int, hour: int) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def goods_form(**overrides) -> dict:
    data = {
        "category": "clothing-winter-jacket",
        "title": "Winter jackets for the shelter",
        "description": "For adults.",
        "attr_size": "L",
        "quantity": "20",
        "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "max_distance_km": "10",
        "address": "04109 Leipzig",
        "latitude": "",
        "longitude": "",
    }
    data.update(overrides)
    return data


def volunteer_form(**overrides) -> dict:
    data = {
        "title": "Sorting donated clothes",
        "description": "In the basement.",
        "skills": ["interpreting"],
        "language_0": "ar",
        "language_1": "uk",
        "language_2": "",
        "works_with_children": "1",
        "shift_start_1": _moment(3, 10),
        "shift_end_1": _moment(3, 13),
        "shift_people_1": "2",
        "shift_start_2": _moment(4, 10),
        "shift_end_2": _moment(4, 12),
        "shift_people_2": "3",
        "shift_start_3": "",
        "shift_end_3": "",
        "shift_people_3": "1",
        "address": "04109 Leipzig",
        "latitude": "",
        "longitude": "",
        "max_distance_km": "",
    }
    data.update(overrides)
    return data


def error_of(html: str, field: str) -> str:
    """The text of the field's error box (empty if there is none)."""
    found = re.search(rf'<div id="{field}-error">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


# --- pages in every language --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("de", "ltr"), ("uk", "ltr"), ("ar", "rtl")]
)
@pytest.mark.parametrize("path", PAGES)
def test_the_initiative_pages_render_in_the_members_language(ours, path, language, direction):
    person = UserFactory(role=Role.INITIATIVE_MEMBER, preferred_language=language)
    MembershipFactory(user=person, organisation=ours, is_admin=True)
    response = signed_in(person).get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert 'style="' not in html and "onclick" not in html


def test_the_goods_form_offers_the_categories_in_the_members_language(ours):
    person = UserFactory(role=Role.INITIATIVE_MEMBER, preferred_language="uk")
    MembershipFactory(user=person, organisation=ours)
    html = signed_in(person).get("/initiative/needs/goods/new/").content.decode()
    assert "Зимова куртка" in html
    assert 'data-map="pin"' in html


def test_someone_in_no_initiative_is_told_so_and_can_post_nothing(db):
    person = UserFactory(role=Role.INITIATIVE_MEMBER, preferred_language="en")
    client = signed_in(person)
    assert "not a member of an initiative" in client.get("/initiative/").content.decode()
    client.post("/initiative/needs/goods/new/", goods_form())
    assert not GoodsNeed.objects.exists()


def test_a_requested_membership_is_shown_as_waiting(ours):
    person = UserFactory(role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=person, organisation=ours, status=Membership.Status.REQUESTED)
    html = signed_in(person).get("/initiative/").content.decode()
    assert "waits for an admin" in html
    assert "Notunterkunft Grünau" in html


def test_the_pages_need_a_sign_in(db):
    response = Client().get("/initiative/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- goods needs ------------------------------------------------------------------------------


def test_posting_a_goods_need_creates_it_for_our_initiative_and_lists_it(ours, admin):
    client = signed_in(admin)
    response = client.post("/initiative/needs/goods/new/", goods_form())
    assert response.status_code == 302
    need = GoodsNeed.objects.get()
    assert need.organisation == ours
    assert need.created_by == admin
    assert need.category.slug == "clothing-winter-jacket"
    assert need.attributes == {"size": "L"}
    assert (need.quantity, need.quantity_open, need.max_distance_km) == (20, 20, 10)
    assert need.status == Status.OPEN
    html = client.get(response["Location"]).content.decode()
    assert "Winter jackets for the shelter" in html
    assert f'data-need="goods-{need.pk}"' in html
    assert 'data-open="20"' in html


def test_a_goods_need_with_a_pin_and_no_address_is_placed_at_the_pin(ours, admin):
    signed_in(admin).post(
        "/initiative/needs/goods/new/",
        goods_form(address="", latitude="51.3405", longitude="12.3745"),
    )
    need = GoodsNeed.objects.get()
    assert need.precision == "pin"
    assert round(need.point.y, 4) == 51.3405


def test_a_goods_need_of_quantity_zero_shows_the_error_beside_the_field_and_stores_nothing(
    admin,
):
    response = signed_in(admin).post("/initiative/needs/goods/new/", goods_form(quantity="0"))
    assert response.status_code == 400
    html = response.content.decode()
    assert error_of(html, "quantity")
    assert 'aria-describedby="quantity-error"' in html
    # What was typed is kept.
    assert 'value="Winter jackets for the shelter"' in html
    assert not GoodsNeed.objects.exists()


def test_a_goods_need_without_a_place_shows_the_error_and_stores_nothing(admin):
    response = signed_in(admin).post("/initiative/needs/goods/new/", goods_form(address=""))
    assert response.status_code == 400
    assert error_of(response.content.decode(), "address")
    assert not GoodsNeed.objects.exists()


def test_a_goods_need_with_a_deadline_in_the_past_stores_nothing(admin):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = signed_in(admin).post("/initiative/needs/goods/new/", goods_form(deadline=yesterday))
    assert response.status_code == 400
    assert "past" in error_of(response.content.decode(), "deadline")
    assert not GoodsNeed.objects.exists()


def test_changing_a_goods_need_saves_the_changes(ours, member):
    need = GoodsNeedFactory(organisation=ours, created_by=member, quantity=5, title="Beds")
    client = signed_in(member)
    assert 'value="Beds"' in client.get(f"/initiative/needs/goods/{need.pk}/edit/").content.decode()
    response = client.post(
        f"/initiative/needs/goods/{need.pk}/edit/",
        goods_form(title="Beds, urgently", quantity="8", address=need.address, deadline=""),
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.quantity, need.quantity_open) == ("Beds, urgently", 8, 8)


def test_a_bad_change_of_a_goods_need_changes_nothing(ours, member):
    need = GoodsNeedFactory(organisation=ours, created_by=member, quantity=5, title="Beds")
    response = signed_in(member).post(
        f"/initiative/needs/goods/{need.pk}/edit/",
        goods_form(title="Other", quantity="0", address=need.address, deadline=""),
    )
    assert response.status_code == 400
    assert error_of(response.content.decode(), "quantity")
    need.refresh_from_db()
    assert (need.title, need.quantity) == ("Beds", 5)


def test_withdrawing_a_goods_need_asks_first_then_withdraws_it(ours, member):
    need = GoodsNeedFactory(organisation=ours, created_by=member, title="Beds")
    client = signed_in(member)
    page = client.get(f"/initiative/needs/goods/{need.pk}/withdraw/")
    assert page.status_code == 200
    assert "Yes, withdraw it" in page.content.decode()
    need.refresh_from_db()
    assert need.status == Status.OPEN  # asking changed nothing
    response = client.post(f"/initiative/needs/goods/{need.pk}/withdraw/")
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == Status.WITHDRAWN
    assert f'data-need="goods-{need.pk}"' not in client.get("/initiative/").content.decode()


# --- volunteer needs --------------------------------------------------------------------------


def test_posting_a_volunteer_need_with_shifts_skills_languages_and_children(ours, admin):
    response = signed_in(admin).post("/initiative/needs/volunteers/new/", volunteer_form())
    assert response.status_code == 302
    need = VolunteerNeed.objects.get()
    assert need.organisation == ours
    assert need.works_with_children is True
    assert need.languages == ["ar", "uk"]
    assert [s.slug for s in need.required_skills.all()] == ["interpreting"]
    assert [s.people for s in need.shifts.order_by("start")] == [2, 3]


def test_the_volunteer_form_explains_the_certificate_for_work_with_children(admin):
    html = signed_in(admin).get("/initiative/needs/volunteers/new/").content.decode()
    assert "extended certificate of conduct" in html
    assert 'name="works_with_children"' in html


def test_a_shift_that_ends_before_it_starts_shows_the_error_and_stores_nothing(admin):
    response = signed_in(admin).post(
        "/initiative/needs/volunteers/new/",
        volunteer_form(shift_end_1=_moment(3, 9)),
    )
    assert response.status_code == 400
    assert "Shift 1 ends before it starts" in error_of(response.content.decode(), "shifts")
    assert not VolunteerNeed.objects.exists()


def test_a_volunteer_need_without_a_shift_shows_the_error_and_stores_nothing(admin):
    response = signed_in(admin).post(
        "/initiative/needs/volunteers/new/",
        volunteer_form(shift_start_1="", shift_end_1="", shift_start_2="", shift_end_2=""),
    )
    assert response.status_code == 400
    assert "at least one shift" in error_of(response.content.decode(), "shifts")
    assert not VolunteerNeed.objects.exists()


def test_a_volunteer_need_without_a_place_shows_the_error_and_stores_nothing(admin):
    response = signed_in(admin).post(
        "/initiative/needs/volunteers/new/", volunteer_form(address="")
    )
    assert response.status_code == 400
    assert error_of(response.content.decode(), "address")
    assert not VolunteerNeed.objects.exists()


def test_changing_and_withdrawing_a_volunteer_need(ours, member):
    need = VolunteerNeedFactory(organisation=ours, created_by=member, title="Kitchen")
    client = signed_in(member)
    page = client.get(f"/initiative/needs/volunteers/{need.pk}/edit/").content.decode()
    assert 'value="Kitchen"' in page
    shift = need.shifts.get()
    start = timezone.localtime(shift.start).strftime("%Y-%m-%dT%H:%M")
    end = timezone.localtime(shift.end).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/initiative/needs/volunteers/{need.pk}/edit/",
        volunteer_form(
            title="Kitchen help",
            address=need.address,
            shift_start_1=start,
            shift_end_1=end,
            shift_people_1="4",
            shift_start_2="",
            shift_end_2="",
        ),
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.title == "Kitchen help"
    assert need.shifts.get().people == 4
    client.post(f"/initiative/needs/volunteers/{need.pk}/withdraw/")
    need.refresh_from_db()
    assert need.status == Status.WITHDRAWN


# --- someone else's needs ---------------------------------------------------------------------


def test_a_member_of_another_initiative_gets_404_for_our_needs(ours, member, stranger):
    goods = GoodsNeedFactory(organisation=ours, created_by=member, title="Beds")
    volunteers = VolunteerNeedFactory(organisation=ours, created_by=member)
    client = signed_in(stranger)
    for path in (
        f"/initiative/needs/goods/{goods.pk}/edit/",
        f"/initiative/needs/goods/{goods.pk}/withdraw/",
        f"/initiative/needs/volunteers/{volunteers.pk}/edit/",
        f"/initiative/needs/volunteers/{volunteers.pk}/withdraw/",
    ):
        assert client.get(path).status_code == 404
        assert client.post(path, goods_form(title="Taken over")).status_code == 404
    assert client.get(f"/initiative/?org={ours.pk}").status_code == 404
    goods.refresh_from_db()
    volunteers.refresh_from_db()
    assert (goods.title, goods.status) == ("Beds", Status.OPEN)
    assert volunteers.status == Status.OPEN
    assert "Beds" not in client.get("/initiative/").content.decode()


def test_a_member_of_two_initiatives_chooses_which_one_posts(ours, admin):
    second = OrganisationFactory(name="Kleiderkammer Ost")
    MembershipFactory(user=admin, organisation=second)
    client = signed_in(admin)
    html = client.get(f"/initiative/?org={second.pk}").content.decode()
    assert "<h1>Kleiderkammer Ost</h1>" in html
    form = client.get(f"/initiative/needs/goods/new/?org={second.pk}").content.decode()
    assert 'name="organisation"' in form
    client.post("/initiative/needs/goods/new/", goods_form(organisation=str(second.pk)))
    assert GoodsNeed.objects.get().organisation == second


# --- matches ----------------------------------------------------------------------------------


def test_proposals_never_appear_and_offered_matches_link_to_the_match_page(db):
    scene = make_scene(quantity=12)
    scene.member.preferred_language = "en"
    scene.member.save()
    client = signed_in(scene.member)
    assert scene.match.state == MatchState.PROPOSED
    html = client.get("/initiative/").content.decode()
    assert f'data-match="{scene.match.pk}"' not in html
    assert f"/matches/{scene.match.pk}/" not in html
    # The proposal holds nothing the members are told of: all 12 still open, status open.
    assert 'data-open="12"' in html
    assert 'data-status="open"' in html
    offer_it(scene)
    html = client.get("/initiative/").content.decode()
    assert f'data-match="{scene.match.pk}"' in html
    assert f'href="/matches/{scene.match.pk}/"' in html


def test_a_match_handed_over_in_part_shows_how_many_of_how_many(db):
    scene = make_scene(quantity=12)
    scene.member.preferred_language = "en"
    scene.member.save()
    offer_it(scene)
    for user in (scene.member, scene.donor):
        workflow.respond(scene.match, user=user, answer="yes")
    workflow.fulfil(scene.match, user=scene.member, quantity=5)
    client = signed_in(scene.member)
    [row] = client.get("/initiative/").context["matches"]
    assert row["quantity"] == "5 of 12 handed over"
    html = client.get("/initiative/").content.decode()
    assert 'data-open="7"' in html


def test_volunteer_and_household_matches_show_once_offered_never_as_proposals(db):
    need = volunteer_need(language="en")
    volunteer()
    [shift_match] = created(run_for(need))
    household_match = housing_match()
    member = need.created_by
    MembershipFactory(user=member, organisation=household_match.housing_need.organisation)
    client = signed_in(member)
    for match, organisation in (
        (shift_match, need.organisation),
        (household_match, household_match.housing_need.organisation),
    ):
        assert match.state == MatchState.PROPOSED
        html = client.get(f"/initiative/?org={organisation.pk}").content.decode()
        assert f'data-match="{match.pk}"' not in html
        offered(match)
        html = client.get(f"/initiative/?org={organisation.pk}").content.decode()
        assert f'data-match="{match.pk}"' in html
        assert f'href="/matches/{match.pk}/"' in html
    # The shift's place that the proposal held was still shown open; now the offer holds it.
    assert (
        f'data-need="volunteers-{need.pk}"'
        in client.get(f"/initiative/?org={need.organisation.pk}").content.decode()
    )


# --- CSV import -------------------------------------------------------------------------------

GOOD_CSV = (
    "title;category;quantity;address;size;deadline\n"
    "Winterjacken M;clothing-winter-jacket;20;04109 Leipzig;M;31.12.2030\n"
    "Kinderwagen;baby-stroller;2;04315 Leipzig;;\n"
)
TWO_BAD_ROWS_CSV = (
    "title;category;quantity;address\n"
    "Winterjacken;clothing-winter-jacket;20;04109 Leipzig\n"
    "Kaputt;no-such-category;3;04109 Leipzig\n"
    "Betten;furniture-bed;4;04109 Leipzig\n"
    "Null;clothing-winter-jacket;0;04109 Leipzig\n"
)


def upload(client, text: str, name: str = "needs.csv"):
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post("/initiative/needs/import/", {"file": file})


def test_a_csv_with_two_bad_rows_saves_nothing_and_shows_both_rows_by_line(admin):
    response = upload(signed_in(admin), TWO_BAD_ROWS_CSV)
    assert response.status_code == 400
    html = response.content.decode()
    assert not GoodsNeed.objects.exists()
    lines = re.findall(r'<li class="card bad-row" data-line="(\d+)">', html)
    assert lines == ["3", "5"]
    assert "Line 3" in html and "Line 5" in html
    assert "no-such-category" in html
    # The good rows are listed too, but there is nothing to confirm.
    assert 'data-line="2"' in html and 'data-line="4"' in html
    assert 'name="step" value="confirm"' not in html


def test_a_good_csv_is_previewed_and_saved_only_once_confirmed(ours, admin):
    client = signed_in(admin)
    preview = upload(client, GOOD_CSV)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Winterjacken M" in html and "Kinderwagen" in html
    assert not GoodsNeed.objects.exists()  # nothing saved before the confirmation
    content = re.search(r'name="content" value="([^"]+)"', html).group(1)
    assert base64.b64decode(content).decode() == GOOD_CSV
    response = client.post(
        "/initiative/needs/import/",
        {"step": "confirm", "content": content, "organisation": str(ours.pk)},
    )
    assert response.status_code == 302
    needs = GoodsNeed.objects.order_by("title")
    assert [(n.title, n.quantity, n.organisation_id) for n in needs] == [
        ("Kinderwagen", 2, ours.pk),
        ("Winterjacken M", 20, ours.pk),
    ]
    assert needs[1].attributes == {"size": "M"}


def test_a_confirmed_file_that_went_bad_is_not_saved(ours, admin):
    content = base64.b64encode(TWO_BAD_ROWS_CSV.encode()).decode()
    response = signed_in(admin).post(
        "/initiative/needs/import/",
        {"step": "confirm", "content": content, "organisation": str(ours.pk)},
    )
    assert response.status_code == 400
    assert not GoodsNeed.objects.exists()


def test_a_file_that_is_not_csv_shows_the_error_beside_the_file(admin):
    response = upload(signed_in(admin), "name,colour\nx,y\n")
    assert response.status_code == 400
    assert "Unknown columns" in error_of(response.content.decode(), "file")
    assert not GoodsNeed.objects.exists()


def test_a_formula_in_a_cell_is_a_bad_row(admin):
    text = "title;category;quantity;address\n=HYPERLINK(1);clothing-winter-jacket;2;04109 Leipzig\n"
    response = upload(signed_in(admin), text)
    assert response.status_code == 400
    assert re.findall(r'class="card bad-row" data-line="(\d+)"', response.content.decode()) == ["2"]
    assert not GoodsNeed.objects.exists()


# --- members ----------------------------------------------------------------------------------


def test_an_admin_sees_who_asked_to_join_and_approves_them(ours, admin, member):
    asking = UserFactory(
        username="nina", first_name="Nina", last_name="K", role=Role.INITIATIVE_MEMBER
    )
    request = MembershipFactory(user=asking, organisation=ours, status=Membership.Status.REQUESTED)
    client = signed_in(admin)
    html = client.get("/initiative/members/").content.decode()
    assert f'data-membership="{request.pk}"' in html
    assert "Nina K" in html
    assert f'data-member="{admin.membership_set.get().pk}"' in html
    response = client.post(
        f"/initiative/members/{request.pk}/approve/", {"organisation": str(ours.pk)}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Membership.Status.ACTIVE


def test_an_admin_turns_a_request_down(ours, admin):
    asking = UserFactory(role=Role.INITIATIVE_MEMBER)
    request = MembershipFactory(user=asking, organisation=ours, status=Membership.Status.REQUESTED)
    signed_in(admin).post(f"/initiative/members/{request.pk}/reject/", {"organisation": ours.pk})
    assert not Membership.objects.filter(pk=request.pk).exists()


def test_a_member_who_is_not_admin_cannot_see_or_approve_requests(ours, member):
    asking = UserFactory(role=Role.INITIATIVE_MEMBER)
    request = MembershipFactory(user=asking, organisation=ours, status=Membership.Status.REQUESTED)
    client = signed_in(member)
    assert client.get("/initiative/members/").status_code == 403
    response = client.post(
        f"/initiative/members/{request.pk}/approve/", {"organisation": str(ours.pk)}
    )
    assert response.status_code in (403, 404)
    request.refresh_from_db()
    assert request.status == Membership.Status.REQUESTED


def test_an_admin_of_another_initiative_cannot_approve_our_requests(ours, stranger):
    asking = UserFactory(role=Role.INITIATIVE_MEMBER)
    request = MembershipFactory(user=asking, organisation=ours, status=Membership.Status.REQUESTED)
    client = signed_in(stranger)
    response = client.post(
        f"/initiative/members/{request.pk}/approve/", {"organisation": str(ours.pk)}
    )
    assert response.status_code in (403, 404)
    theirs = stranger.membership_set.get().organisation
    response = client.post(
        f"/initiative/members/{request.pk}/approve/", {"organisation": str(theirs.pk)}
    )
    assert response.status_code in (403, 404)
    request.refresh_from_db()
    assert request.status == Membership.Status.REQUESTED
