"""Importing records from a CSV file: the API-edge work every kind shares.

A kind's import view subclasses `CsvImportApi`, names its columns and maps one row to the
input of its single-create serializer; each row is then checked by that serializer and written
by an all-or-nothing service (`lifecycle.imports.create_all_or_nothing`, which raises
`RowsRejected`), so a file is held to exactly the rules of the form, and a file with one bad
row writes nothing.

The file itself (size, encoding, delimiter, header, limits, the text rule and formula cells)
is read by `lifecycle.csv_import`, the same reader the initiative's import page uses; this
module only answers its refusals the API's way: the file as a whole as a 400 on "file", a
line or a row as a message for its line.
"""

from collections.abc import Callable, Mapping

from django.core.files.uploadedfile import UploadedFile
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.common import UserLanguageMixin
from api.parsers import MultiPartParser
from api.throttles import WriteRateThrottle
from lifecycle.csv_import import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    CsvColumns,
    CsvFileError,
    CsvRow,
    UnreadableLine,
    decode,
    read_rows,
    read_upload,
)

# A kind's import view (api/goods.py) converts its cells with these, through this module.
from lifecycle.csv_import import decimal_point as decimal_point
from lifecycle.csv_import import iso_date as iso_date
from lifecycle.imports import RowsRejected

# The key of a row's messages that belong to no one column, as DRF names it.
ROW_ERRORS = "non_field_errors"


def read_csv(upload: UploadedFile, columns: CsvColumns) -> list[CsvRow]:
    """The data rows of an uploaded CSV file, or a 400 on "file" saying what is wrong with it
    as a whole (size, encoding, header, number of rows), or UnreadableLine for a line the csv
    module cannot read past."""
    try:
        return read_rows(decode(read_upload(upload)), columns)
    except CsvFileError as exc:
        raise serializers.ValidationError({"file": [exc.message]}) from exc


def flatten_errors(detail) -> dict[str, list[str]]:
    """Serializer errors as {"field": ["message", …]} with plain strings."""
    if isinstance(detail, Mapping):
        return {str(name): flatten_messages(value) for name, value in detail.items()}
    return {ROW_ERRORS: flatten_messages(detail)}


def flatten_messages(value) -> list[str]:
    """Nested error details as a flat list of strings ("end: Datetime has wrong format")."""
    if isinstance(value, Mapping):
        return [
            f"{key}: {message}"
            for key, inner in value.items()
            for message in flatten_messages(inner)
        ]
    if isinstance(value, list | tuple):
        return [message for item in value for message in flatten_messages(item)]
    return [str(value)]


# --- the view ----------------------------------------------------------------------------------


class ImportFormSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV file, UTF-8, with a header row; cells separated by “,” or “;”. "
        f"At most {MAX_IMPORT_BYTES // 1000} kB and {MAX_IMPORT_ROWS} rows."
    )


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line in the file; the header is line 1.")
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ImportErrorSerializer(serializers.Serializer):
    rows = RowErrorSerializer(many=True, required=False)
    file = serializers.ListField(child=serializers.CharField(), required=False)


class CsvImportApi(UserLanguageMixin, APIView):
    """POST a CSV file (multipart, field "file"); 201 {"created", "ids"} when every row is good,
    else 400 {"rows": [{"line", "errors"}]} for every bad row, and nothing written.

    Subclasses set `form_serializer_class`, `input_serializer_class`, `import_service` and
    implement `get_columns`, `row_data`, and `service_kwargs` (where to import; the service says
    who may).
    """

    parser_classes = [MultiPartParser]  # the API's own: body size limit and text rule
    throttle_classes = [WriteRateThrottle]
    form_serializer_class: type[serializers.Serializer] = ImportFormSerializer
    input_serializer_class: type[serializers.Serializer] | None = None
    import_service: Callable[..., list] | None = None

    def get_columns(self) -> CsvColumns:
        """The columns of this kind's file (every import view names its own)."""
        raise NotImplementedError(f"{type(self).__name__} must name its CSV columns")

    def service_kwargs(self, form: dict) -> dict:
        """What the service needs besides the rows, e.g. the initiative's id from the form."""
        raise NotImplementedError(f"{type(self).__name__} must say where to import")

    def row_data(self, values: dict[str, str]) -> dict:
        """The cells of one row as input for the single-create serializer (raise a
        serializers.ValidationError for cells that cannot be read)."""
        return dict(values)

    def prepare(self, fields: dict) -> dict:
        """Validated input → service arguments (as the single-create view does)."""
        return fields

    def post(self, request, *args, **kwargs):
        form = self.form_serializer_class(data=request.data)
        form.is_valid(raise_exception=True)
        extra = self.service_kwargs(dict(form.validated_data))
        try:
            rows = read_csv(form.validated_data["file"], self.get_columns())
        except UnreadableLine as exc:
            report = [{"line": exc.line, "errors": {ROW_ERRORS: [exc.message]}}]
            return Response({"rows": report}, status=status.HTTP_400_BAD_REQUEST)
        valid: list[tuple[int, dict]] = []
        rejected: dict[int, dict[str, list[str]]] = {}
        for row in rows:
            errors = {name: list(messages) for name, messages in row.errors.items()}
            if row.problems:
                errors[ROW_ERRORS] = list(row.problems)
            data = None
            if row.readable:
                try:
                    data = self.row_data(row.values)
                except serializers.ValidationError as exc:
                    _merge(errors, flatten_errors(exc.detail))
            if data is not None:
                checked = self.input_serializer_class(data=data, context={"request": request})
                if checked.is_valid():
                    if not errors:
                        valid.append((row.line, self.prepare(dict(checked.validated_data))))
                else:
                    _merge(errors, flatten_errors(checked.errors))
            if errors:
                rejected[row.line] = errors
        service = type(self).import_service
        try:
            created = service(user=request.user, rows=valid, rejected=rejected, **extra)
        except RowsRejected as exc:
            report = [
                {"line": line, "errors": flatten_errors(errors)}
                for line, errors in sorted(exc.errors.items())
            ]
            return Response({"rows": report}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"created": len(created), "ids": [record.pk for record in created]},
            status=status.HTTP_201_CREATED,
        )


def _merge(errors: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    """Add `more` to a row's errors. A cell refused already is left out of the row's data, so
    what the serializer says about its column ("required") would only hide the reason."""
    refused = {name for name in errors if name != ROW_ERRORS}
    for name, messages in more.items():
        if name not in refused:
            errors.setdefault(name, []).extend(messages)
