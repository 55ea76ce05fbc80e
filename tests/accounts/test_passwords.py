"""Password rules (issue 12): Django's validators plus common words with digits or signs
added (German and Leipzig ones too) and mere repetition, refused with a message in the
person's language, at registration and wherever a password is set."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts import services
from accounts.models import Role, User
from accounts.passwords import CommonWordValidator, RepetitionValidator, word_cores

pytestmark = pytest.mark.django_db

SEEN_IN_THE_ISSUE = ["Leipzig2024", " " * 8, "üüüüüüüüü"]
ALSO_REFUSED = [
    "Passwort123!",
    "Schalke04",
    "L3ipzig2024",
    "München1972",
    "2024connewitz",
    "willkommen!!",
    "Slavaukraini1",
    "abcabcabcabc",
    "\t\t\t\t\t\t\t\t\t",
]
ACCEPTED = [
    "a long and uncommon passphrase",
    "correct horse battery",
    "Lindenauer Markt am Abend",
    "willkommen-demo",  # the demo's password: a word and another word, not word and digits
    "Rückmarsdorfer Straße 17 grün",
]


@pytest.mark.parametrize("password", SEEN_IN_THE_ISSUE + ALSO_REFUSED)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, user=User(username="olena", email="olena@example.org"))


@pytest.mark.parametrize("password", ACCEPTED)
def test_good_passphrases_pass(password):
    validate_password(password, user=User(username="olena", email="olena@example.org"))


def test_the_issues_examples_are_refused_at_registration_in_the_persons_language():
    for password, expected in [
        ("Leipzig2024", "häufiges Wort"),
        (" " * 8, "nur aus Leerzeichen"),
        ("üüüüüüüüü", "wiederholt"),
    ]:
        with translation.override("de"), pytest.raises(Exception) as refused:
            services.register_user(
                username="olena",
                email="olena@example.org",
                password=password,
                role=Role.DONOR,
            )
        assert any(expected in message for message in refused.value.errors["password"])
    with translation.override("uk"), pytest.raises(Exception) as refused:
        services.register_user(
            username="olena", email="olena@example.org", password="Leipzig2024", role=Role.DONOR
        )
    assert any(
        "поширеним словом" in m or "поширене слово" in m for m in refused.value.errors["password"]
    )
    assert not User.objects.filter(username="olena").exists()


def test_word_cores_fold_case_umlauts_and_leetspeak():
    assert "leipzig" in word_cores("LEIPZIG 2024!")
    assert "muenchen" in word_cores("München1972")
    assert "passwort" in word_cores("P4ssw0rt!")
    assert "leipzig" in word_cores("L31pz1g")


def test_the_validators_say_what_they_ask_for():
    assert CommonWordValidator().get_help_text()
    assert RepetitionValidator().get_help_text()
