"""Texts in many languages with an honest status: outdated is computed from versions, a reader
of a missing or outdated language reads the source with a notice, search runs each language
in its own configuration."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from base.errors import ApplicationError
from editorial import selectors, services
from editorial.models import Text, Translation, TranslationStatus

pytestmark = pytest.mark.django_db

GERMAN = {"title": "Asylverfahrensberatung", "body": "Beratung zum Asylverfahren, ohne Termin."}


def test_changing_the_german_source_marks_the_arabic_translation_outdated():
    text = services.create_text(language="de", fields=GERMAN)
    services.translate(
        text,
        language="ar",
        fields={"title": "استشارة اللجوء", "body": "استشارة حول إجراءات اللجوء"},
    )
    assert selectors.statuses(text)["ar"] == TranslationStatus.CURRENT
    assert selectors.reading(text, "ar").language == "ar"

    text = services.edit_source(text, fields={"body": "Beratung zum Asylverfahren, mit Termin."})
    assert text.version == 2
    assert selectors.statuses(text) == {
        "de": TranslationStatus.SOURCE,
        "en": TranslationStatus.MISSING,
        "uk": TranslationStatus.MISSING,
        "ar": TranslationStatus.OUTDATED,
    }
    shown = selectors.reading(text, "ar")
    assert (shown.language, shown.notice) == ("de", "outdated")
    assert shown["body"] == "Beratung zum Asylverfahren, mit Termin."
    assert shown["title"] == GERMAN["title"]  # fields not edited stay


def test_a_reader_of_a_missing_language_reads_the_source_with_a_notice():
    text = services.create_text(language="de", fields=GERMAN)
    shown = selectors.reading(text, "uk")
    assert (shown.language, shown.wanted, shown.notice) == ("de", "uk", "missing")
    assert selectors.reading(text, "de").notice == ""


def test_saving_the_same_source_again_keeps_the_version_and_the_translations_current():
    text = services.create_text(language="de", fields=GERMAN)
    services.translate(text, language="en", fields={"title": "Asylum counselling"})
    text = services.edit_source(text, fields=dict(GERMAN))
    assert text.version == 1
    assert selectors.statuses(text)["en"] == TranslationStatus.CURRENT


def test_a_translation_from_an_older_version_is_outdated_at_once():
    text = services.create_text(language="de", fields=GERMAN)
    text = services.edit_source(text, fields={"title": "Asylberatung"})
    services.translate(text, language="en", fields={"title": "Asylum"}, from_version=1)
    assert selectors.statuses(text)["en"] == TranslationStatus.OUTDATED


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: services.create_text(language="xx", fields=GERMAN), "source_language"),
        (
            lambda: services.create_text(language="de", fields={"title": " "}, required=("title",)),
            "title",
        ),
        (lambda: services.create_text(language="de", fields={"title": "x" * 50_001}), "title"),
        (lambda: services.create_text(language="de", fields={"title": "Anfang \x00"}), "title"),
        (lambda: services.create_text(language="de", fields={"body": "txt\u202eexe"}), "body"),
    ],
)
def test_bad_input_for_a_new_text_is_a_field_error_and_saves_nothing(call, field):
    with pytest.raises(ApplicationError) as refused:
        call()
    assert field in refused.value.errors
    assert Text.objects.count() == 0 and Translation.objects.count() == 0


def test_a_translation_into_the_source_language_or_an_unknown_one_is_refused():
    text = services.create_text(language="de", fields=GERMAN)
    for language in ("de", "klingon"):
        with pytest.raises(ApplicationError) as refused:
            services.translate(text, language=language, fields={"title": "x"})
        assert "language" in refused.value.errors
    with pytest.raises(ApplicationError) as refused:
        services.translate(text, language="en", fields={"title": "x"}, from_version=7)
    assert "from_version" in refused.value.errors
    assert Translation.objects.count() == 1


def test_adding_a_content_language_is_configuration(settings):
    settings.CONTENT_LANGUAGES = ["de", "en", "uk", "ar", "fa"]
    text = services.create_text(language="de", fields=GERMAN)
    services.translate(text, language="fa", fields={"title": "مشاوره پناهندگی"})
    assert selectors.statuses(text)["fa"] == TranslationStatus.CURRENT
    assert selectors.matching_text_ids("پناهندگی").filter(text_id=text.pk).exists()


def _found(query: str) -> set[int]:
    return set(selectors.matching_text_ids(query).values_list("text_id", flat=True))


def test_search_finds_a_ukrainian_or_arabic_entry_by_a_query_in_that_language():
    german = services.create_text(language="de", fields=GERMAN)
    ukrainian = services.create_text(
        language="uk", fields={"title": "Юридична консультація", "body": "Допомога з житлом"}
    )
    arabic = services.create_text(
        language="ar", fields={"title": "استشارة قانونية", "body": "مساعدة في السكن والعمل"}
    )
    assert _found("консультація") == {ukrainian.pk}
    assert _found("السكن") == {arabic.pk}
    # German is stemmed: the plural finds the singular.
    assert _found("Beratungen") == {german.pk}
    assert _found("") == set()
    assert _found("' OR 1=1 --") == set()


def test_only_texts_not_current_in_a_language_are_listed_for_its_translators():
    done = services.create_text(language="de", fields=GERMAN)
    services.translate(done, language="ar", fields={"title": "تم"})
    behind = services.create_text(language="de", fields=GERMAN)
    services.translate(behind, language="ar", fields={"title": "قديم"})
    services.edit_source(behind, fields={"title": "Neu"})
    missing = services.create_text(language="de", fields=GERMAN)
    written_in_arabic = services.create_text(language="ar", fields={"title": "أصلي"})
    listed = selectors.missing_or_outdated(Text.objects.all(), "ar")
    assert set(listed.values_list("pk", flat=True)) == {behind.pk, missing.pk}
    assert written_in_arabic.pk not in set(listed.values_list("pk", flat=True))


OPERATIONS = st.lists(
    st.one_of(
        # Words people type: no control, format or surrogate characters (those are refused).
        st.tuples(
            st.just("edit"),
            st.text(
                alphabet=st.characters(exclude_categories=("Cc", "Cf", "Cs")),
                min_size=1,
                max_size=8,
            ),
        ),
        st.tuples(st.just("translate"), st.sampled_from(["en", "uk", "ar"])),
    ),
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_a_translation_is_outdated_exactly_when_the_source_changed_after_it(operations):
    text = services.create_text(language="de", fields={"title": "Anfang"})
    made_at: dict[str, int] = {}
    for operation, argument in operations:
        if operation == "edit":
            text = services.edit_source(text, fields={"title": f"Anfang {argument}"})
        else:
            services.translate(text, language=argument, fields={"title": argument})
            made_at[argument] = text.version
    text.refresh_from_db()
    for language, status in selectors.statuses(text).items():
        if language == "de":
            assert status == TranslationStatus.SOURCE
        elif language not in made_at:
            assert status == TranslationStatus.MISSING
        else:
            expected = made_at[language] < text.version
            assert (status == TranslationStatus.OUTDATED) is expected
