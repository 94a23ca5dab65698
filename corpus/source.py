"""Source lines: the text of a disclosure as numbered lines with pages, whatever it was read from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SourceLine:
    text: str  # the line with markup removed (tags, markdown heading marks); cells joined by one space
    number: int  # 1-based line number in the text the user can open (the file, or the extracted text)
    page: int | None
    cells: list[str] | None = None  # table cells when the reader knows them (tabs, PDF geometry); '' = empty
    heading: int | None = None  # markdown heading level when the source marked the line as a heading
    continued: bool = False  # more text of the table row on the line above (a wrapped cell); its cells are there
    cut: int = 0  # PDF: characters printed only in part, cut by the edge of their text box


@dataclass
class Source:
    path: str
    style: str  # plain | markdown | layout | pages-json | pdfparse | pdf
    text: str  # the text that line numbers refer to
    lines: list[SourceLine]
    page_count: int | None = None
    sources: tuple[str, ...] = ()
