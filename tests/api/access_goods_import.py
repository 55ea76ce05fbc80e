"""Access rows for the CSV import of goods needs: only active members of the initiative."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.access import Call, Row, World, roles

CSV = (
    "title;category;quantity;address;size\n"
    "Winterjacken;clothing-winter-jacket;5;Leipzig-Grünau;M\n"
    "Decken;bedding-blanket;10;04209 Leipzig;\n"
).encode()


def _upload(world: World) -> Call:
    # Into world.initiative: a member of another initiative may not import into it.
    return Call(
        body={
            "file": SimpleUploadedFile("needs.csv", CSV, content_type="text/csv"),
            "organisation": world.initiative.pk,
        },
        format="multipart",
    )


ROWS = [
    Row(
        "goods-needs-import",
        "post",
        _upload,
        roles(403, anonymous=401, member=201),
        id="post-goods-needs-import",
    ),
]
