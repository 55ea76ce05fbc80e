"""The pages for everyone: home, registration by role, welcome, settings, export, erasure and
the friendly error pages; every form refuses bad input beside the field and stores nothing."""

import json

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from notifications.models import NotificationPreference
from tests.factories import GoodsNeedFactory, OrganisationFactory, UserFactory
from tests.web.fixtures import PASSWORD
from web import account_views

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a long and uncommon passphrase"
LANGUAGES = [("en", "ltr"), ("de", "ltr"), ("uk", "ltr"), ("ar", "rtl")]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def registration(**changes) -> dict:
    data = {
        "username": "nadia",
        "email": "nadia@example.org",
        "password": GOOD_PASSWORD,
        "first_name": "Nadia",
        "last_name": "",
        "phone": "",
        "preferred_language": "en",
    }
    data.update(changes)
    return data


def html_of(response) -> str:
    return response.content.decode()


# --- every page in every language ------------------------------------------------------------

ANONYMOUS_PAGES = ["/", "/register/", "/register/donor/", "/register/initiative/"]
SIGNED_IN_PAGES = ["/", "/register/welcome/", "/account/settings/", "/account/erase/"]


@pytest.mark.parametrize("language, direction", LANGUAGES)
@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_each_public_page_renders_in_the_browsers_language(path, language, direction):
    OrganisationFactory(name="Notunterkunft Grünau")
    response = Client().get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in html_of(response)


@pytest.mark.parametrize("language, direction", LANGUAGES)
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_each_signed_in_page_renders_in_the_persons_language(path, language, direction):
    user = UserFactory(username="nadia", preferred_language=language, role=Role.VOLUNTEER)
    response = signed_in(user).get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in html_of(response)


def test_the_signed_in_pages_need_sign_in():
    for path in ("/register/welcome/", "/account/settings/", "/account/export/", "/account/erase/"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- home ------------------------------------------------------------------------------------


def test_the_home_page_explains_each_role_and_links_to_its_registration():
    html = html_of(Client(headers={"accept-language": "en"}).get("/"))
    for slug in ("donor", "landlord", "volunteer", "initiative"):
        assert f'href="/register/{slug}/"' in html
    assert 'href="/login/"' in html
    assert "counselling" in html


def test_the_home_page_counts_open_needs_of_every_kind_without_personal_data():
    need = GoodsNeedFactory(address="Geheimweg 7, 04177 Leipzig", title="Winterjacken")
    response = Client().get("/")
    assert response.context["open_needs"] == {"goods": 1, "volunteers": 0, "housing": 0}
    html = html_of(response)
    assert need.address not in html and need.title not in html


# --- registration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug, role",
    [("donor", Role.DONOR), ("landlord", Role.LANDLORD), ("volunteer", Role.VOLUNTEER)],
)
def test_registering_creates_exactly_that_user_signs_in_and_welcomes(slug, role):
    client = Client()
    before = User.objects.count()
    response = client.post(f"/register/{slug}/", registration())
    assert response.status_code == 302 and response["Location"] == "/register/welcome/"
    assert User.objects.count() == before + 1
    user = User.objects.get(username="nadia")
    assert user.role == role and user.email == "nadia@example.org"
    assert user.check_password(GOOD_PASSWORD) and user.preferred_language == "en"
    assert not Membership.objects.filter(user=user).exists()
    welcome = client.get("/register/welcome/")
    assert welcome.status_code == 200 and welcome.context["user"] == user
    assert "Nadia" in html_of(welcome)


def test_starting_an_initiative_makes_the_person_its_admin():
    client = Client()
    response = client.post(
        "/register/initiative/",
        registration(
            initiative="start",
            new_initiative_name="Nachbarschaftshilfe Connewitz",
            new_initiative_city="Leipzig",
        ),
    )
    assert response.status_code == 302
    user = User.objects.get(username="nadia")
    assert user.role == Role.INITIATIVE_MEMBER
    started = Organisation.objects.get(name="Nachbarschaftshilfe Connewitz")
    assert started.kind == OrganisationKind.INITIATIVE and started.city == "Leipzig"
    membership = Membership.objects.get(user=user)
    assert membership.organisation == started
    assert membership.is_admin and membership.status == Membership.Status.ACTIVE
    welcome = html_of(client.get("/register/welcome/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "You started Nachbarschaftshilfe Connewitz" in welcome


def test_joining_an_initiative_asks_its_admins():
    initiative = OrganisationFactory(name="Notunterkunft Grünau")
    client = Client()
    response = client.post(
        "/register/initiative/",
        registration(initiative="join", organisation=str(initiative.pk)),
    )
    assert response.status_code == 302
    welcome = html_of(client.get("/register/welcome/"))
    assert "You asked to join Notunterkunft Grünau" in welcome
    membership = Membership.objects.get(user__username="nadia")
    assert membership.organisation == initiative
    assert membership.status == Membership.Status.REQUESTED and not membership.is_admin


def test_the_initiative_list_can_be_searched():
    OrganisationFactory(name="Notunterkunft Grünau")
    OrganisationFactory(name="Sportverein Paunsdorf")
    html = html_of(Client().get("/register/initiative/?q=grünau"))
    assert "Notunterkunft Grünau" in html and "Sportverein Paunsdorf" not in html


def test_the_registration_form_hides_the_password():
    html = html_of(Client().get("/register/donor/"))
    assert 'type="password" name="password"' in html


def test_an_unknown_role_has_no_registration_page():
    assert Client().get("/register/coordinator/").status_code == 404


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"username": "david"}, "username"),
        ({"password": "Leipzig2024"}, "password"),
        ({"username": ""}, "username"),
        ({"email": ""}, "email"),
        ({"password": ""}, "password"),
        ({"email": "not an address"}, "email"),
    ],
)
def test_bad_registration_shows_the_field_error_keeps_the_input_and_creates_nothing(changes, field):
    UserFactory(username="david")
    before = (User.objects.count(), Membership.objects.count(), Organisation.objects.count())
    data = registration(**changes)
    response = Client().post("/register/donor/", data)
    assert response.status_code == 400
    html = html_of(response)
    assert f'id="id_{field}-error"' in html
    assert f'aria-describedby="id_{field}-error' in html
    # What the person typed stays; the password is never sent back.
    assert 'value="Nadia"' in html
    if data["password"]:
        assert data["password"] not in html
    after = (User.objects.count(), Membership.objects.count(), Organisation.objects.count())
    assert after == before
    assert "_auth_user_id" not in response.client.session


def test_an_initiative_member_must_choose_join_or_start_and_nothing_is_created():
    OrganisationFactory(name="Notunterkunft Grünau")
    before = (User.objects.count(), Organisation.objects.count())
    response = Client().post("/register/initiative/", registration(initiative="join"))
    assert response.status_code == 400
    assert 'id="id_organisation-error"' in html_of(response)
    response = Client().post("/register/initiative/", registration(initiative="start"))
    assert response.status_code == 400
    assert 'id="id_new_initiative_name-error"' in html_of(response)
    assert (User.objects.count(), Organisation.objects.count()) == before


def test_starting_an_initiative_that_exists_is_refused_beside_its_name():
    OrganisationFactory(name="Notunterkunft Grünau")
    response = Client().post(
        "/register/initiative/",
        registration(initiative="start", new_initiative_name="notunterkunft grünau"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="id_new_initiative_name-error"' in html and "ask to join" in html
    assert not User.objects.filter(username="nadia").exists()


# --- settings --------------------------------------------------------------------------------


def test_settings_save_names_phone_language_channels_and_frequency():
    user = UserFactory(username="nadia", preferred_language="en", first_name="Nadia")
    client = signed_in(user)
    response = client.post(
        "/account/settings/",
        {
            "first_name": "Nadia",
            "last_name": "Haddad",
            "phone": "0341 123456",
            "preferred_language": "uk",
            "email_channel": "on",
            "frequency": "daily",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/account/settings/"
    user.refresh_from_db()
    assert (user.last_name, user.phone, user.preferred_language) == ("Haddad", "0341 123456", "uk")
    preference = NotificationPreference.objects.get(user=user)
    assert preference.email and not preference.in_app
    assert preference.frequency == NotificationPreference.Frequency.DAILY
    page = client.get("/account/settings/")
    assert '<html lang="uk" dir="ltr">' in html_of(page)


def test_settings_refuse_switching_every_channel_off_and_change_nothing():
    user = UserFactory(username="nadia", preferred_language="en", first_name="Nadia")
    response = signed_in(user).post(
        "/account/settings/",
        {
            "first_name": "Changed",
            "last_name": "",
            "phone": "",
            "preferred_language": "de",
            "frequency": "daily",
        },
    )
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="id_email_channel-error"' in html and 'value="Changed"' in html
    user.refresh_from_db()
    assert user.first_name == "Nadia" and user.preferred_language == "en"
    preference = NotificationPreference.objects.filter(user=user).first()
    assert preference is None or preference.frequency == NotificationPreference.Frequency.INSTANT


# --- export and erasure ----------------------------------------------------------------------


def test_the_export_is_a_json_download_of_the_account():
    user = UserFactory(username="nadia", email="nadia@example.org", preferred_language="en")
    response = signed_in(user).get("/account/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["username"] == "nadia"
    assert data["account"]["email"] == "nadia@example.org"
    assert "password" not in data["account"]


def test_erasure_needs_the_password_and_changes_nothing_without_it():
    user = UserFactory(username="nadia", preferred_language="en")
    client = signed_in(user)
    for typed in ("", "wrong password"):
        response = client.post("/account/erase/", {"password": typed})
        assert response.status_code == 400
        assert 'id="id_password-error"' in html_of(response)
    user.refresh_from_db()
    assert user.username == "nadia" and user.is_active and user.erased_at is None
    assert client.get("/account/settings/").status_code == 200


def test_erasure_signs_out_and_the_account_cannot_sign_in_again():
    user = UserFactory(username="nadia", preferred_language="en")
    client = signed_in(user)
    response = client.post("/account/erase/", {"password": PASSWORD})
    assert response.status_code == 200
    assert "erased" in html_of(response)
    user.refresh_from_db()
    assert user.erased_at is not None and not user.is_active
    assert client.get("/account/settings/").status_code == 302
    login = Client().post("/login/", {"username": "nadia", "password": PASSWORD})
    assert login.status_code == 200 and "_auth_user_id" not in login.client.session


# --- error pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("language, direction", LANGUAGES)
def test_a_missing_page_is_the_friendly_404_without_debug(settings, language, direction):
    settings.DEBUG = False
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    html = html_of(response)
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert 'class="error-page"' in html and "Traceback" not in html
    assert 'href="/"' in html


def test_a_refusal_is_the_friendly_403(settings):
    settings.DEBUG = False
    user = UserFactory(username="nadia", preferred_language="en", role=Role.DONOR)
    response = signed_in(user).get("/coordination/")
    assert response.status_code == 403
    assert 'class="error-page"' in html_of(response)


@pytest.mark.parametrize("language, direction", LANGUAGES)
def test_the_500_page_needs_neither_database_nor_request_context(
    django_assert_num_queries, language, direction
):
    request = RequestFactory().get("/")
    with translation.override(language), django_assert_num_queries(0):
        response = defaults.server_error(request)
    assert response.status_code == 500
    html = html_of(response)
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert 'class="error-page"' in html


def test_an_expired_form_is_the_friendly_403(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post("/register/donor/", registration())
    assert response.status_code == 403
    assert 'class="error-page"' in html_of(response)
    assert not User.objects.filter(username="nadia").exists()


def test_erasure_allows_only_a_few_password_tries_an_hour():
    user = UserFactory(username="nadia", preferred_language="en")
    client = signed_in(user)
    for _try in range(5):
        assert client.post("/account/erase/", {"password": "guess"}).status_code == 400
    response = client.post("/account/erase/", {"password": PASSWORD})
    assert response.status_code == 429
    user.refresh_from_db()
    assert user.erased_at is None and user.is_active


def test_the_welcome_page_links_the_next_step_only_where_it_exists():
    donor = UserFactory(username="nadia", preferred_language="en", role=Role.DONOR)
    response = signed_in(donor).get("/register/welcome/")
    assert response.context["next_page"] == "/donations/new/"
    assert 'href="/donations/new/"' in html_of(response)
    assert account_views._existing_page(("no-such-page", "/no/such/page/")) == ""


def test_a_failing_page_is_the_friendly_500_in_the_persons_language(settings, monkeypatch):
    settings.DEBUG = False

    def broken(search=""):
        raise RuntimeError("the database is on fire")

    monkeypatch.setattr(account_views.account_selectors, "initiatives_to_join", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/register/initiative/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 500
    html = html_of(response)
    assert '<html lang="ar" dir="rtl">' in html and 'class="error-page"' in html
    assert "on fire" not in html and "Traceback" not in html


def test_a_signed_in_person_is_not_offered_a_second_account():
    user = UserFactory(username="nadia", preferred_language="en")
    client = signed_in(user)
    response = client.post("/register/donor/", registration(username="other"))
    assert "sign out first" in html_of(response)
    assert not User.objects.filter(username="other").exists()


def test_registration_from_one_address_is_limited_like_the_apis(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "3/min",
        },
    }
    client = Client(headers={"accept-language": "en"})
    for number in range(3):
        data = registration(username=f"nadia{number}", email=f"nadia{number}@example.org")
        response = client.post("/register/donor/", data)
        assert response.status_code == 302
        client.post("/logout/")
    refused = client.post("/register/donor/", registration(username="nadia9"))
    assert refused.status_code == 429
    assert "Too many tries" in html_of(refused)
    assert not User.objects.filter(username="nadia9").exists()
