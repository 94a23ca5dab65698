"""The document model: what every reader produces and every later package consumes.

Every piece that came from the input keeps where it came from (`Span`: file lines and page), so a
finding or an answer can always point back at the text a person can open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Span:
    """1-based, inclusive line range of the input as given (for PDFs: of the extracted text)."""

    line: int
    end_line: int
    page: int | None = None


@dataclass
class Metadata:
    department: str | None = None
    year: int | None = None
    kind: str | None = None  # 预算 | 决算
    scope: str | None = None  # 部门 | 单位
    region: str | None = None
    template: str | None = None  # xinjiang | shanghai | jiangsu | …, a guess from the table titles


@dataclass
class Sentence:
    text: str
    span: Span
    start: int  # character offsets in the paragraph text
    end: int


@dataclass
class Paragraph:
    text: str
    span: Span
    sentences: list[Sentence] = field(default_factory=list)
    # (offset in text, line, page) for each source line the paragraph was joined from
    line_map: list[tuple[int, int, int | None]] = field(default_factory=list)

    def span_of(self, start: int, end: int) -> Span:
        """The source lines that characters [start, end) of the joined text came from."""
        first = last = self.line_map[0]
        for entry in self.line_map:
            if entry[0] <= start:
                first = entry
            if entry[0] < max(end, start + 1):
                last = entry
        return Span(first[1], last[1], first[2])


@dataclass
class Section:
    number: str  # 一 | （一） | 1
    title: str
    level: int  # 1: 一、  2: （一）  3: 1、
    span: Span
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Part:
    number: str  # 第一部分 … or "" for text outside any part
    title: str
    span: Span
    sections: list[Section] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)  # text before the first section

    def walk_sections(self):
        for section in self.sections:
            yield from section.walk()


@dataclass
class Column:
    key: str  # canonical concept, possibly qualified: "财政拨款:人员经费"
    header: str  # header text as printed (may be empty when inferred from a layout)
    side: str | None = None  # 收入 | 支出 for two-sided tables


@dataclass
class Cell:
    column: str  # Column.key
    printed: str  # as printed, e.g. "14,348,853.34"
    value: Decimal  # in 万元
    span: Span
    certain: bool = True  # False where the row's columns could not be proved and this figure's varies


@dataclass
class Row:
    label: str  # name as printed, white space folded
    span: Span
    code: str | None = None  # classification code, digits run together: 2012901
    code_kind: str | None = None  # 功能 | 经济
    concept: str | None = None  # canonical item when the label names one (一般公共预算, 公务接待费 …)
    side: str | None = None
    cells: list[Cell] = field(default_factory=list)
    is_total: bool = False
    ambiguous: bool = False  # the column assignment of its numbers could not be proved
    note: str | None = None  # why it is ambiguous

    def cell(self, column: str) -> Cell | None:
        for cell in self.cells:
            if cell.column == column:
                return cell
        return None

    def value(self, column: str) -> Decimal | None:
        cell = self.cell(column)
        return cell.value if cell else None

    @property
    def level(self) -> int | None:
        """类 = 1, 款 = 2, 项 = 3 (功能分类: 3/5/7 digits; 经济分类: 3/5)."""
        if not self.code:
            return None
        return {3: 1, 5: 2, 7: 3}.get(len(self.code))


@dataclass
class Table:
    number: str | None  # "1" for 表1 / 一、 …; None when the template does not number tables
    title: str
    kind: str | None  # canonical kind from the vocabulary, None when unknown
    unit: str  # 万元 | 元 | …, as printed
    span: Span
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    empty_statement: str | None = None  # the "…为空表" sentence, when the table says so
    layout: str | None = None  # which layout of the vocabulary the columns came from
    notes: list[str] = field(default_factory=list)

    def find_row(self, code: str | None = None, label: str | None = None, side: str | None = None) -> Row | None:
        for row in self.rows:
            if side and row.side != side:
                continue
            if code is not None and row.code == code.replace(" ", ""):
                return row
            if label is not None and (row.label == label or row.concept == label):
                return row
        return None

    @property
    def total_row(self) -> Row | None:
        return next((row for row in self.rows if row.is_total and row.side in (None, "支出")), None)


@dataclass
class Document:
    path: str
    style: str  # plain | markdown | layout | pages-json | pdfparse | pdf
    metadata: Metadata
    parts: list[Part] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    line_count: int = 0
    page_count: int | None = None
    text: str = ""  # the text the line numbers refer to
    sources: list[str] = field(default_factory=list)  # several files read as one document
    cut_lines: list[tuple[Span, str]] = field(default_factory=list)  # PDF lines its text box cuts, with their text

    def tables_of(self, kind: str) -> list[Table]:
        return [table for table in self.tables if table.kind == kind]

    def table(self, kind: str) -> Table | None:
        found = self.tables_of(kind)
        return found[0] if found else None

    def paragraphs(self):
        for part in self.parts:
            yield from part.paragraphs
            for section in part.walk_sections():
                yield from section.paragraphs

    def headings(self):
        """(title, span) of every part, section and table, in that order: where a template's wording and
        the document's own year are printed outside the prose."""
        for part in self.parts:
            if part.title:
                yield part.title, part.span
            for section in part.walk_sections():
                yield section.title, section.span
        for table in self.tables:
            yield table.title, table.span

    def headed_paragraphs(self):
        """(part, level-1 section, own section, paragraph) for every paragraph under a heading."""
        for part in self.parts:
            for top in part.sections:
                for section in top.walk():
                    for paragraph in section.paragraphs:
                        yield part, top, section, paragraph
