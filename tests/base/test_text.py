"""The one text rule (base/text.py): what is refused, what is only spelled another way.

The forbidden characters are written out here from the rule as the README states it, not
taken from the module, so that a character dropped from the module's lists fails a test.
"""

import pytest
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from base.errors import ApplicationError
from base.text import (
    UnsafeText,
    clean_field,
    clean_model_values,
    clean_text,
    nested_text_problems,
    spreadsheet_cell,
)
from donations.models import GoodsNeed

NUL = ["\x00"]
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))] + [
    "\u200e",
    "\u200f",
    "\u061c",
]
C0 = [chr(c) for c in range(0x01, 0x20) if chr(c) not in "\t\n\r"]
C1_AND_DEL = [chr(c) for c in range(0x7F, 0xA0)]
SURROGATES = [chr(c) for c in range(0xD800, 0xE000)]
FORBIDDEN = NUL + BIDI + C0 + C1_AND_DEL + SURROGATES
LINE_BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029"]

# Any text without the forbidden characters and without line breaks or tabs: letters of every
# script, emoji with zero-width joiners, punctuation, spaces.
clean_alphabet = st.characters(
    exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="".join(BIDI)
)
clean_strings = st.text(clean_alphabet, max_size=60)
# Lines of text: never empty, so that a CR and an LF written apart never meet as one CRLF.
lines_of_text = st.lists(st.text(clean_alphabet, min_size=1, max_size=30), min_size=1, max_size=5)


@given(
    before=clean_strings,
    bad=st.sampled_from(FORBIDDEN),
    after=clean_strings,
    multiline=st.booleans(),
)
@example(before="Kinderwagen ", bad="\u202e", after="gpj.exe", multiline=False)
@example(before="Title", bad="\x1b", after="[31m red", multiline=True)
def test_any_text_with_a_forbidden_character_is_refused(before, bad, after, multiline):
    with pytest.raises(UnsafeText) as refused:
        clean_text(before + bad + after, multiline=multiline)
    assert refused.value.messages


@given(text=clean_strings, multiline=st.booleans())
@example(text="مرحبا بكم في لايبزيغ", multiline=False)
@example(text="👩‍👩‍👧 Familie, Ukrainisch–Deutsch", multiline=False)
@example(text="می‌خواهم", multiline=True)  # Persian with a zero-width non-joiner
def test_any_clean_text_passes_unchanged(text, multiline):
    assert clean_text(text, multiline=multiline) == text


@given(lines=lines_of_text, breaks=st.data())
def test_multi_line_text_keeps_its_lines_and_spells_every_break_as_lf(lines, breaks):
    separators = [breaks.draw(st.sampled_from(LINE_BREAKS)) for _ in lines[1:]]
    text = lines[0] + "".join(sep + line for sep, line in zip(separators, lines[1:], strict=True))
    assert clean_text(text, multiline=True) == "\n".join(lines)
    assert clean_text("a\tb\nc", multiline=True) == "a\tb\nc"


@given(lines=lines_of_text, breaks=st.data())
def test_one_line_text_gets_a_space_for_every_break_and_tab(lines, breaks):
    separators = [breaks.draw(st.sampled_from([*LINE_BREAKS, "\t"])) for _ in lines[1:]]
    text = lines[0] + "".join(sep + line for sep, line in zip(separators, lines[1:], strict=True))
    assert clean_text(text, multiline=False) == " ".join(lines)


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("a\x00b", "Null characters"),
        ("exe.\u202etxt", "U+202E"),
        ("\u2066hidden\u2069", "U+2066"),
        ("red\x1b[31m", "U+001B"),
        ("next\x85line", "U+0085"),
        ("half \ud800", "invalid characters"),
    ],
)
def test_each_refusal_says_what_to_remove(text, fragment):
    with translation.override("en"), pytest.raises(UnsafeText) as refused:
        clean_text(text, multiline=True)
    assert any(fragment in message for message in refused.value.messages)


def test_nested_text_names_the_top_level_field_and_where_below_it():
    problems = nested_text_problems(
        {
            "title": "ok",
            "attributes": {"size": "M\x00"},
            "shifts": [{"start": "x"}, {"note": "\u202e"}],
            "pass\x00word": "x",
            "password": "\x01 never judged",
        },
        skip=frozenset({"password"}),
    )
    assert set(problems) == {"attributes", "shifts", "detail"}
    assert problems["attributes"][0].startswith("size: ")
    assert problems["shifts"][0].startswith("2.note: ")
    assert nested_text_problems(["a", "\x07"]) and not nested_text_problems({"a": ["b", 1]})


def test_model_values_are_judged_by_their_field():
    cleaned = clean_model_values(
        GoodsNeed,
        {
            "title": "Zwei\r\nZeilen",
            "description": "eins\r\nzwei\tdrei",
            "attributes": {"size": "M\nL"},
            "quantity": 3,
            "latitude": 51.3,  # no field of the model: passed through
        },
    )
    assert cleaned["title"] == "Zwei Zeilen"
    assert cleaned["description"] == "eins\nzwei\tdrei"
    assert cleaned["attributes"] == {"size": "M L"}
    assert cleaned["quantity"] == 3 and cleaned["latitude"] == 51.3
    with pytest.raises(ApplicationError) as refused:
        clean_model_values(
            GoodsNeed, {"title": "a\u202eb", "address": "ok", "attributes": {"s\x00": "M"}}
        )
    assert set(refused.value.errors) == {"title", "attributes"}


def test_one_field_of_a_service_is_refused_as_an_application_error():
    assert clean_field("Samstag?\r\nGern.", field="body", multiline=True) == "Samstag?\nGern."
    with pytest.raises(ApplicationError) as refused:
        clean_field("Samstag\u202e?", field="body", multiline=True)
    assert list(refused.value.errors) == ["body"]


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-1+1", "  =1", "\t=1", "\rx"],
)
def test_a_cell_for_a_spreadsheet_never_runs_as_a_formula(cell):
    assert spreadsheet_cell(cell) == "'" + cell


@given(text=clean_strings.filter(lambda t: not t.lstrip().startswith(("=", "+", "-", "@"))))
def test_any_other_cell_for_a_spreadsheet_is_unchanged(text):
    assert spreadsheet_cell(text) == text
