"""The web pages in German, Ukrainian and Arabic: every message of locale/*/django.po has a
translation that nobody left marked fuzzy, with as many plural forms as the language has, and
every translation keeps the placeholders of its message (a lost %(name)s shows the reader a
gap; an unknown one breaks the page). A string added to the code shows up here after
`make messages` until someone translates it."""

import ast
import gettext
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = {"de": "German", "uk": "Ukrainian", "ar": "Arabic"}

# %(name)s and its kin (flags, width, precision, conversion), and bare %s / %d.
PERCENT = re.compile(r"%(?:\((\w+)\))?[#0\- +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")
# {name}, {0}, {name!r:>10}; {{ and }} are literal braces.
BRACE = re.compile(r"(?<!\{)\{(\w*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def parse(path: Path) -> list[Entry]:
    """The entries of a .po file: a small reader of the format msgfmt writes, enough here."""
    entries: list[Entry] = []
    entry = Entry()
    current: tuple[str, int] | None = None
    started = False

    def finish():
        nonlocal entry, started, current
        if started:
            entries.append(entry)
        entry, started, current = Entry(), False, None

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):  # obsolete entries are not shown to anyone
            finish()
        elif line.startswith("#,"):
            if started:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if started:
                finish()
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            kind, index = current
            if kind == "msgctxt":
                pass
            elif kind == "msgid":
                entry.msgid += text
            elif kind == "msgid_plural":
                entry.msgid_plural += text
            else:
                entry.msgstr[index] += text
        else:
            keyword, _, rest = line.partition(" ")
            text = ast.literal_eval(rest)
            if keyword == "msgid":
                if started:
                    finish()
                started = True
                entry.msgid = text
                current = ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural = text
                current = ("msgid_plural", 0)
            elif keyword == "msgstr":
                entry.msgstr[0] = text
                current = ("msgstr", 0)
            elif keyword.startswith("msgstr["):
                index = int(keyword[len("msgstr[") : -1])
                entry.msgstr[index] = text
                current = ("msgstr", index)
            elif keyword == "msgctxt":
                if started:
                    finish()
                current = ("msgctxt", 0)
    finish()
    return entries


def catalog(language: str) -> tuple[dict[str, str], list[Entry]]:
    """The header's fields and the messages of one language."""
    entries = parse(LOCALE / language / "LC_MESSAGES" / "django.po")
    header = next(entry for entry in entries if entry.msgid == "")
    fields = dict(line.split(":", 1) for line in header.msgstr[0].splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in fields.items()}, [
        entry for entry in entries if entry.msgid
    ]


def plural_count(header: dict[str, str]) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.get("Plural-Forms", ""))
    assert match, "the header names no Plural-Forms"
    return int(match.group(1))


def placeholders(text: str, entry: Entry) -> set[str]:
    """The named %-placeholders, the bare ones (%s, %d: each use counts, so they are numbered)
    and the {}-placeholders, as far as the message's flags say it is formatted that way."""
    found = set()
    if "python-format" in entry.flags:
        bare = Counter()
        for name, kind in PERCENT.findall(text):
            if kind == "%":
                continue
            if name:
                found.add(f"%({name}){kind}")
            else:
                bare[kind] += 1
                found.add(f"%{kind} (use {bare[kind]})")
    if "python-brace-format" in entry.flags:
        found.update(f"{{{name}}}" for name in BRACE.findall(text))
    return found


def test_every_message_is_translated_into_german_ukrainian_and_arabic():
    problems = []
    for language, name in LANGUAGES.items():
        header, entries = catalog(language)
        forms = plural_count(header)
        for entry in entries:
            if "fuzzy" in entry.flags:
                problems.append(f"{name}, fuzzy: {entry.msgid!r}")
            elif entry.msgid_plural is not None and len(entry.msgstr) != forms:
                problems.append(
                    f"{name}, {len(entry.msgstr)} plural forms instead of {forms}: {entry.msgid!r}"
                )
            elif not all(entry.msgstr.values()):
                problems.append(f"{name}, untranslated: {entry.msgid!r}")
    assert not problems, f"{len(problems)} messages need a translator:\n" + "\n".join(problems)


def single_number_forms(header: dict[str, str]) -> set[int]:
    """The plural forms that stand for one number only (Arabic's zero, one and two): these may
    spell the number as a word and leave its placeholder out, as msgfmt --check allows."""
    expression = header["Plural-Forms"].split("plural=", 1)[1].rstrip(";")
    form_of = gettext.c2py(expression)
    numbers = Counter(form_of(n) for n in range(1000))
    return {form for form, count in numbers.items() if count == 1}


def test_every_translation_keeps_the_placeholders_of_its_message():
    problems = []
    for language, name in LANGUAGES.items():
        header, entries = catalog(language)
        one_number = single_number_forms(header)
        for entry in entries:
            # A plural form may follow the singular message or the plural one; they name the
            # same placeholders almost always.
            sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
            expected = [placeholders(source, entry) for source in sources]
            for index, translation in sorted(entry.msgstr.items()):
                found = placeholders(translation, entry)
                if not translation or found in expected:
                    continue
                if (
                    entry.msgid_plural is not None
                    and index in one_number
                    and any(
                        found < wanted and all("%(" in p for p in wanted - found)
                        for wanted in expected
                    )
                ):
                    continue
                lost = sorted(expected[-1] - found)
                added = sorted(found - expected[-1])
                problems.append(
                    f"{name}, msgstr[{index}] loses {lost} and adds {added}: {entry.msgid!r}"
                )
    assert not problems, f"{len(problems)} translations lose or add a placeholder:\n" + (
        "\n".join(problems)
    )


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="needs msgfmt (Debian's gettext)")
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogs_pass_msgfmt_check(language):
    """What compilemessages runs, with its checks of formats, newlines and the header."""
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reader_of_the_catalogs_finds_every_message(language):
    """The small reader above counts what msgfmt counts, so the tests miss no message."""
    _, entries = catalog(language)
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    expected = len(re.findall(r'^msgid "', text, flags=re.M)) - 1  # less the header
    assert len(entries) == expected
