"""The text rule where writers other than the API pass: people and initiatives
(accounts.services) and every need and offer (lifecycle.services.create_record and
update_record, here through housing's services). A web form (issue 13) or an import lands
here without the API's parser in front."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.services import register_user, update_own_account
from housing.models import HousingOffer
from housing.services import create_housing_offer, update_housing_offer

pytestmark = pytest.mark.django_db

PERSON = {
    "username": "neu",
    "email": "neu@example.org",
    "password": "Ein langer Satz, den niemand rät: Fahrrad 7 Blau",
    "role": "initiative_member",
}


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"first_name": "Ines\u202e"}, "first_name"),
        ({"last_name": "\x1b[2J"}, "last_name"),
        ({"phone": "0341\x00"}, "phone"),
        ({"username": "neu\x00"}, "username"),
        ({"new_initiative": {"name": "Hilfe \u202eexe.txt"}}, "new_initiative"),
        ({"new_initiative": {"name": "Hilfe", "city": "Leipzig\x07"}}, "new_initiative"),
    ],
)
def test_registration_refuses_junk_and_writes_nothing(fields, field):
    body = {**PERSON, "new_initiative": {"name": "Nachbarschaftshilfe Paunsdorf"}, **fields}
    with pytest.raises(ValidationError) as refused:
        register_user(**body)
    assert field in refused.value.message_dict
    assert User.objects.count() == 0 and Organisation.objects.count() == 0


def test_an_initiatives_name_over_two_lines_is_kept_on_one():
    registration = register_user(
        **PERSON, new_initiative={"name": "Nachbarschaftshilfe\nPaunsdorf"}
    )
    assert registration.membership.organisation.name == "Nachbarschaftshilfe Paunsdorf"


def test_ones_own_account_refuses_junk(donor):
    with pytest.raises(ValidationError) as refused:
        update_own_account(user=donor, first_name="D\u2066avid")
    assert "first_name" in refused.value.message_dict
    donor.refresh_from_db()
    assert "\u2066" not in donor.first_name


def _flat(landlord, **fields) -> HousingOffer:
    values = {
        "user": landlord,
        "title": "2 Zimmer",
        "address": "04229 Leipzig",
        "rooms": Decimal("2"),
        "size_m2": 50,
        "warm_rent": Decimal("600"),
        "max_occupants": 3,
        "available_from": timezone.localdate() + timedelta(days=14),
    }
    return create_housing_offer(**{**values, **fields})


def test_the_one_create_path_refuses_junk_in_any_text_field(donor):
    with pytest.raises(ValidationError) as refused:
        _flat(donor, title="2 Zimmer\u202e", description="hell\x1b[5m", address="04229\x00")
    assert {"title", "description", "address"} <= set(refused.value.message_dict)
    assert HousingOffer.objects.count() == 0


def test_the_one_update_path_refuses_junk_and_changes_nothing(donor):
    flat = _flat(donor)
    with pytest.raises(ValidationError) as refused:
        update_housing_offer(record=flat, user=donor, address="04229 Leipzig\u202e")
    assert "address" in refused.value.message_dict
    flat.refresh_from_db()
    assert flat.address == "04229 Leipzig"
