"""The body's very small markup, read into blocks that templates print escaped.

A blank line ends a paragraph; a line starting with "- " is a list item (consecutive items
are one list). Everything else is text: editors never write HTML, and nothing they type is
ever marked safe, on the web page or in the PDF."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    kind: str  # "p" or "ul"
    text: str = ""
    items: list[str] = field(default_factory=list)


def blocks(body: str) -> list[Block]:
    found: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            found.append(Block("p", text="\n".join(paragraph)))
            paragraph.clear()

    def flush_items() -> None:
        if items:
            found.append(Block("ul", items=list(items)))
            items.clear()

    for raw in (body or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush_paragraph()
            flush_items()
        elif line.startswith("- "):
            flush_paragraph()
            items.append(line[2:].strip())
        else:
            flush_items()
            paragraph.append(line)
    flush_paragraph()
    flush_items()
    return found
