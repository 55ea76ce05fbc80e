"""Notices of a match of work, in every language: each side reads about a job (never a flat or a
donation); the employer reads an anonymous summary of the person (occupations, years, German
level, district) until both said yes, and their contact only then."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from jobs.models import Hours
from matching import notices
from matching.models import Match, MatchState
from notifications.models import Notification
from notifications.rendering import render_email, render_text
from tests.factories import UserFactory
from tests.jobs.factories import JobFactory, JobSeekerFactory, occupation

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en", "uk", "ar"]
JOB_TITLE = "Kantinenkoch Südfriedhof"
SEEKER_ADDRESS = "Quendelweg 7, 04229 Leipzig"
JOB_ADDRESS = "Kochstraße 12, 04275 Leipzig"
# Whatever would tell an employer who the person is: name, contact, exact place, own words.
PERSON_MARKERS = ["Quendel", "Samira", "5550199", "5550188", "samira.q@", "Lieblingsrezept"]
# Words of the other kinds' texts: a job's notice must use none of them.
OTHER_KINDS = {
    "de": ["Wohnung", "Spende", "Vermiet", "Einzug", "Freiwillig", "freiwillig", "Schicht"],
    "en": ["flat", "donat", "landlord", "move-in", "volunteer", "shift"],
    "uk": ["житл", "пожертв", "заселен", "волонтер", "зміна", "зміни"],
    "ar": ["سكن", "تبرع", "المؤجِّر", "متطوع", "نوبة"],
}
# What "person looking for work" is in each language: what the employer is told about.
PERSON = {
    "de": "arbeitsuchende Person",
    "en": "person looking for work",
    "uk": "шукає роботу",
    "ar": "يبحث عن عمل",
}


@pytest.fixture
def match(db) -> Match:
    employer_user = UserFactory(
        first_name="Bernd", email="personal@kantine.example", preferred_language="de"
    )
    job = JobFactory(
        title=JOB_TITLE,
        created_by=employer_user,
        district="Plagwitz",
        address=JOB_ADDRESS,
        hours=Hours.FULL_TIME,
    )
    job.organisation.name = "Kantine Süd GmbH"
    job.organisation.email = "jobs@kantine.example"
    job.organisation.save()
    person = UserFactory(
        first_name="Samira",
        last_name="Quendel",
        email="samira.q@example.org",
        phone="0176 5550188",
        preferred_language="ar",
    )
    seeker = JobSeekerFactory(
        created_by=person,
        person_phone="0176 5550199",
        address=SEEKER_ADDRESS,
        district="Grünau",
        description="Mein Lieblingsrezept ist Quendelsuppe.",
        german_level="B1",
        experience={"5120": 4, "9412": 1},
    )
    return Match.objects.create(
        kind=Match.Kind.JOBS,
        job=job,
        job_seeker=seeker,
        quantity=1,
        distance_m=3200,
        score=0.8,
        state=MatchState.OFFERED,
        offered_at=timezone.now(),
        respond_by=timezone.now() + timedelta(days=5),
    )


def speak(match: Match, language: str) -> None:
    for user in (match.job.created_by, match.job_seeker.created_by):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def employer(match: Match):
    return match.job.created_by


def person(match: Match):
    return match.job_seeker.created_by


def everything(row: Notification) -> str:
    message = render_email(row)
    subject, text = render_text(row)
    return "\n".join([subject, text, message.subject, message.body, message.alternatives[0][0]])


def told(user, template: str) -> str:
    [row] = Notification.objects.filter(recipient=user, template=template)
    return everything(row)


def before_both_said_yes(match: Match) -> None:
    """Every notice of a match that nobody has said yes to, as the workflow sends them."""
    notices.offered(match)
    for side in (notices.NEED, notices.OFFER):
        notices.reminder(match, side)
    notices.message(match, notices.OFFER, "Wann könnte ich anfangen?", 1)
    notices.message(match, notices.NEED, "Können Sie am Montag vorbeikommen?", 2)
    # Each side hears of the other side's no; one match cannot end three ways, but each notice
    # renders from the match as it stands.
    notices.declined(match, by_side=notices.NEED)
    notices.declined(match, by_side=notices.OFFER)
    notices.expired(match)
    notices.cancelled(match, "Die Stelle ist schon besetzt.", was_offered=True)


def after_both_said_yes(match: Match) -> None:
    match.state = MatchState.ACCEPTED
    match.accepted_at = timezone.now()
    match.save()
    notices.accepted(match)
    notices.handover_question(match)
    match.state = MatchState.FULFILLED
    match.fulfilled_quantity = 1
    match.save()
    notices.fulfilled(match)


BEFORE = [
    "match_offered",
    "match_reminder",
    "match_message",
    "match_declined",
    "match_expired",
    "match_cancelled",
]


def assert_about_the_job(text: str, language: str) -> None:
    assert JOB_TITLE in text
    for word in OTHER_KINDS[language]:
        assert word not in text, word


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_employer_reads_about_a_person_looking_for_work_but_not_who_they_are(match, language):
    speak(match, language)
    before_both_said_yes(match)

    for template in BEFORE:
        text = told(employer(match), template)
        assert_about_the_job(text, language)
        for marker in PERSON_MARKERS + [SEEKER_ADDRESS]:
            assert marker not in text, (template, marker)
        if template != "match_message":  # the summary the employer may read
            assert PERSON[language].lower() in text.lower(), template
            assert occupation("5120").name(language) in text
            assert occupation("9412").name(language) in text
            assert "B1" in text and "Grünau" in text
    # Nor is anything of the person stored in the rows, whatever renders them later.
    stored = json.dumps(
        [row.context for row in Notification.objects.filter(recipient=employer(match))],
        ensure_ascii=False,
    )
    for marker in PERSON_MARKERS:
        assert marker not in stored, marker
    assert "description" not in stored and "person_name" not in stored


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_person_reads_about_the_job_its_employer_hours_and_start(match, language):
    speak(match, language)
    before_both_said_yes(match)
    with translation.override(language):
        hours = str(Hours.FULL_TIME.label)

    for template in BEFORE:
        text = told(person(match), template)
        assert_about_the_job(text, language)
        assert "Kantine Süd GmbH" in text
        assert JOB_ADDRESS not in text and "jobs@kantine.example" not in text
        if template != "match_message":
            assert occupation("5120").name(language) in text
            assert hours in text and "Plagwitz" in text
            assert str(match.job.start_date.year) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_once_both_said_yes_each_side_reads_the_others_contact(match, language):
    speak(match, language)
    after_both_said_yes(match)

    to_employer = told(employer(match), "match_accepted")
    to_person = told(person(match), "match_accepted")

    assert_about_the_job(to_employer, language)
    assert_about_the_job(to_person, language)
    for marker in ["Samira Quendel", "0176 5550199", "samira.q@example.org", SEEKER_ADDRESS]:
        assert marker in to_employer, marker
    for marker in ["Kantine Süd GmbH", "jobs@kantine.example", JOB_ADDRESS]:
        assert marker in to_person, marker


QUESTION = {
    "de": "Hat die Person die Arbeit begonnen?",
    "en": "Did the person start work?",
    "uk": "Чи почала ця людина працювати?",
    "ar": "هل بدأ الشخص العمل؟",
}
STARTED = {
    "de": "dass Sie die Arbeit begonnen haben",
    "en": "you started work",
    "uk": "Ви почали працювати",
    "ar": "أنكم بدأتم العمل",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_employer_is_asked_whether_the_person_started_and_the_person_is_told(match, language):
    speak(match, language)
    after_both_said_yes(match)

    question = told(employer(match), "handover_question")
    started = told(person(match), "match_fulfilled")

    assert_about_the_job(question, language)
    assert QUESTION[language] in question
    assert_about_the_job(started, language)
    assert STARTED[language] in started
    assert "Kantine Süd GmbH" in started


STILL_LOOKING = {
    "de": "Suchen Sie noch Arbeit?",
    "en": "Are you still looking for work?",
    "uk": "Чи Ви ще шукаєте роботу?",
    "ar": "هل ما زلتم تبحثون عن عمل؟",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_is_asked_whether_they_still_look_for_work_and_told_when_withdrawn(
    match, language
):
    seeker = match.job_seeker
    speak(match, language)
    seeker.availability_asked_at = timezone.now()
    seeker.save(update_fields=["availability_asked_at"])

    notices.still_available(seeker, timezone.now() + timedelta(days=7))
    notices.offer_withdrawn(seeker)

    asked = told(person(match), "still_available")
    withdrawn = told(person(match), "offer_withdrawn")
    assert STILL_LOOKING[language] in asked
    for text in (asked, withdrawn):
        assert PERSON[language].split()[-1] in text or "Arbeit" in text
        for word in OTHER_KINDS[language]:
            assert word not in text, word
