"""Writing many records of any kind from one file: all of them or none."""

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction

T = TypeVar("T")


class _DryRun(Exception):  # noqa: N818 - control flow: roll a checked import back
    pass


class RowsRejected(Exception):  # noqa: N818 - an outcome the caller reports, not a bug
    """Rows that could not be written, by line: {line: {"field": ["message", …]}}. Raised after
    everything was rolled back."""

    def __init__(self, errors: Mapping[int, Mapping[str, list[str]]]):
        super().__init__(f"{len(errors)} rows rejected")
        self.errors = dict(errors)


def create_all_or_nothing(
    create: Callable[..., T],
    rows: Sequence[tuple[int, dict]],
    *,
    rejected: Mapping[int, Mapping[str, list[str]]] | None = None,
    dry_run: bool = False,
    **common,
) -> list[T]:
    """Call `create(**common, **fields)` for every (line, fields) row in one transaction.

    Every row is tried, so the caller learns about all bad rows at once; if any fails, or
    `rejected` already names rows the caller found bad, everything is rolled back (with it the
    matching tasks, which are enqueued on commit only) and RowsRejected lists them.

    With `dry_run` every row is checked exactly so and everything is rolled back even when
    all rows are good (a preview before the person confirms): the records returned were
    never saved.
    """
    errors: dict[int, Mapping[str, list[str]]] = dict(rejected or {})
    created: list[T] = []
    try:
        with transaction.atomic():
            for line, fields in rows:
                try:
                    # A savepoint per row: a failed row leaves the transaction usable for the
                    # next.
                    with transaction.atomic():
                        created.append(create(**common, **fields))
                except ValidationError as exc:
                    errors[line] = _message_dict(exc)
            if errors:
                raise RowsRejected(errors)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return created


def _message_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {"non_field_errors": list(exc.messages)}
