"""Writing many records from one file: all of them or none.

`create_all_or_nothing` knows nothing about goods; it lives here until a second kind imports,
then it belongs next to the other shared lifecycle services.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Organisation, User
from donations.models import GoodsNeed
from donations.services import create_goods_need

T = TypeVar("T")


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
    **common,
) -> list[T]:
    """Call `create(**common, **fields)` for every (line, fields) row in one transaction.

    Every row is tried, so the caller learns about all bad rows at once; if any fails, or
    `rejected` already names rows the caller found bad, everything is rolled back (with it the
    matching tasks, which are enqueued on commit only) and RowsRejected lists them.
    """
    errors: dict[int, Mapping[str, list[str]]] = dict(rejected or {})
    created: list[T] = []
    with transaction.atomic():
        for line, fields in rows:
            try:
                # A savepoint per row: a failed row leaves the transaction usable for the next.
                with transaction.atomic():
                    created.append(create(**common, **fields))
            except ValidationError as exc:
                errors[line] = _message_dict(exc)
        if errors:
            raise RowsRejected(errors)
    return created


def _message_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {"non_field_errors": list(exc.messages)}


def import_goods_needs(
    *,
    user: User,
    rows: Sequence[tuple[int, dict]],
    organisation: Organisation | None = None,
    rejected: Mapping[int, Mapping[str, list[str]]] | None = None,
) -> list[GoodsNeed]:
    """A goods need for every row (the arguments of create_goods_need), or none."""
    return create_all_or_nothing(
        create_goods_need, rows, rejected=rejected, user=user, organisation=organisation
    )
