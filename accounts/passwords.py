"""Password rules beyond Django's own (AUTH_PASSWORD_VALIDATORS), the lockout's message, and
the lockout's end when a password changes. Messages are in the person's language
(web/front_door_locale)."""

import unicodedata
from pathlib import Path

from axes.helpers import get_cool_off
from axes.utils import reset as reset_lockout
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

COMMON_WORDS_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
# Letters people write as digits or signs ("P4ssw0rt", "L3ipz!g"); "1" is both i and l.
LEET = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
LONGEST_REPEATED_GROUP = 3
SHORTEST_WORD = 4


def fold(text: str) -> str:
    """Compare as people think of words: case, width and umlauts do not matter."""
    text = unicodedata.normalize("NFKC", text).casefold()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled)
    return text


def _is_filler(char: str) -> bool:
    # Digits, spaces and signs around a word add little: "2024", "!", "123", " ".
    return not char.isalpha()


def word_cores(password: str) -> set[str]:
    """The word a password is built around: folded, stripped of leading and trailing digits,
    spaces and signs, and read with leetspeak undone (both readings of "1")."""
    folded = fold(password)
    start, end = 0, len(folded)
    while start < end and _is_filler(folded[start]):
        start += 1
    while end > start and _is_filler(folded[end - 1]):
        end -= 1
    core = folded[start:end]
    cores = {folded.strip(), core}
    for text in (folded.strip(), core):
        unleet = text.translate(LEET)
        cores |= {unleet.replace("1", "i"), unleet.replace("1", "l")}
        # "P4ssw0rt!" : undo leetspeak first, then strip what is left around the word.
        cores.add("".join(c for c in unleet.replace("1", "i") if c.isalpha()))
    return {c for c in cores if len(c) >= SHORTEST_WORD}


def _load_words() -> frozenset[str]:
    lines = COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        fold(line.strip()) for line in lines if line.strip() and not line.startswith("#")
    )


class CommonWordValidator:
    """Refuses a password that is a common word (accounts/data/common-passwords.txt: German,
    Leipzig and this platform's words, names and places) with only digits, spaces or signs
    around it: "Leipzig2024", "Passwort!", "Schalke04", "L3ipzig". Read from the repository,
    never from the network."""

    def __init__(self) -> None:
        self.words = _load_words()

    def validate(self, password: str, user=None) -> None:
        if word_cores(password) & self.words:
            raise ValidationError(
                _(
                    "This password is a common word with digits or signs added (like a "
                    "city and a year). Choose a phrase of several words instead."
                ),
                code="password_common_word",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be a common word with only digits or signs added.")


class RepetitionValidator:
    """Refuses a password of spaces only, or of one character or one short group repeated
    ("        ", "üüüüüüüüü", "abcabcabc"): long enough for the length rule, guessed at once."""

    def validate(self, password: str, user=None) -> None:
        if not password.strip():
            raise ValidationError(
                _("This password consists of spaces only."), code="password_only_whitespace"
            )
        text = unicodedata.normalize("NFC", password)
        for size in range(1, LONGEST_REPEATED_GROUP + 1):
            group = text[:size]
            if len(text) > size and group * (len(text) // size) + group[: len(text) % size] == (
                text
            ):
                raise ValidationError(
                    _("This password repeats one character or a short group over and over."),
                    code="password_repetitive",
                )

    def get_help_text(self) -> str:
        return _("Your password cannot be one character or a short group repeated.")


class LiftLockoutOnPasswordChange:
    """Not a rule: Django calls password_changed() of every validator whenever a password is
    saved (reset by email, the admin, changepassword). A new password ends the account's
    lockout (django-axes), as the lockout message promises; the failures of other accounts
    from the same addresses stay counted."""

    def validate(self, password: str, user=None) -> None:
        return None

    def password_changed(self, password: str, user=None) -> None:
        if user is not None and user.get_username():
            reset_lockout(username=user.get_username())

    def get_help_text(self) -> str:
        return ""


def lockout_message() -> str:
    """What a refused sign-in says, on the web and in the API: the same words whether the
    account exists or not, and whether the account or the address is locked, so that nothing
    is learnt about accounts from it."""
    minutes = max(1, round(get_cool_off().total_seconds() / 60))
    return ngettext(
        "Too many failed sign-ins. Please wait %(minutes)d minute and try again, or reset "
        "your password.",
        "Too many failed sign-ins. Please wait %(minutes)d minutes and try again, or reset "
        "your password.",
        minutes,
    ) % {"minutes": minutes}
