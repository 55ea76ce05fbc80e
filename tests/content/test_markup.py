"""The body's small markup: paragraphs and lists, never HTML."""

from content.markup import blocks


def test_blank_lines_make_paragraphs_and_dashes_make_lists():
    found = blocks("Erster Absatz\nnoch eine Zeile\n\n- eins\n- zwei\nDanach\n\n\nEnde")
    assert [(b.kind, b.text, b.items) for b in found] == [
        ("p", "Erster Absatz\nnoch eine Zeile", []),
        ("ul", "", ["eins", "zwei"]),
        ("p", "Danach", []),
        ("p", "Ende", []),
    ]


def test_html_is_kept_as_text_for_the_templates_to_escape():
    found = blocks("<script>alert(1)</script>")
    assert found[0].text == "<script>alert(1)</script>"


def test_an_empty_body_has_no_blocks():
    assert blocks("") == []
    assert blocks("\n \r\n") == []
