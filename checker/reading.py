"""How far each table, and the narrative's punctuation, was read, judged from their own evidence.

A table whose identities fail broadly, or whose amount cells hold classification codes, was misread
(labels and figures on separate lines, cells that vanished from the text layer), not filled in wrong 25
times. Such a table gets one note and its checks are counted as skipped; an isolated failing identity in
an otherwise consistent table stays a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from checker.findings import Finding
from corpus.model import Document, Paragraph, Table

# A code fragment where a figure should be: "06", "01" (no amount is printed with a leading zero) or a
# bare 类 code "201" in a table whose figures carry decimals.
LEADING_ZERO = re.compile(r"0\d")
CLASS_CODE = re.compile(r"[235]\d{2}")
BROKEN_SHARE = 0.3  # more than this share of a table's identities failing is a reading failure …
BROKEN_AT_LEAST = 4  # … once at least this many fail: two wrong cells break about three identities
CODES_AT_LEAST = 2


@dataclass(frozen=True)
class TableReading:
    table: Table
    identities: int  # row and hierarchy identities that could be evaluated
    broken: int
    code_cells: int  # amount cells that hold a classification code
    # the row and hierarchy identities' outcomes by rule code, which those rules report as they are
    outcomes: dict[str, list[Finding | str]] = field(default_factory=dict, compare=False)

    @property
    def reliable(self) -> bool:
        if self.code_cells >= CODES_AT_LEAST:
            return False
        return not (self.broken >= BROKEN_AT_LEAST and self.broken > BROKEN_SHARE * self.identities)

    @property
    def reason(self) -> str:
        if self.code_cells >= CODES_AT_LEAST:
            return f"{self.code_cells} 个金额单元格读出的是科目编码"
        return f"{self.identities} 个表内勾稽关系中 {self.broken} 个不成立"


def code_cells(table: Table) -> int:
    printed = [cell.printed for row in table.rows for cell in row.cells]
    decimals = sum(1 for text in printed if "." in text)
    with_decimals = bool(printed) and decimals >= 0.7 * len(printed)
    return sum(1 for text in printed
               if LEADING_ZERO.fullmatch(text) or (with_decimals and CLASS_CODE.fullmatch(text)))


def assess(table: Table) -> TableReading:
    from checker.rules.table_internal import HierarchySum, RowIdentity

    by_rule = {rule.code: list(rule().table_outcomes(table)) for rule in (RowIdentity, HierarchySum)}
    evaluated = [outcome for outcomes in by_rule.values() for outcome in outcomes if outcome != "skipped"]
    broken = sum(1 for outcome in evaluated
                 if not isinstance(outcome, str) and outcome.severity != "rounding")
    return TableReading(table, len(evaluated), broken, code_cells(table), by_rule)


# The narrative's punctuation: some text extractions (pdfplumber on the ONLYOFFICE 决算) set a line's
# full-width marks and figures on a line of their own below it ("七、财政拨款 三公 经费…" / "“ ”"), so
# quotes, stops and commas are no longer where they were printed.
_TOKEN = r"(?:[“”‘’（）《》，。：；、！？…—]|\d[\d,]*(?:\.\d+)?%?)"
MARKS_ONLY = re.compile(rf"{_TOKEN}(?: {_TOKEN})*")
A_MARK = re.compile(r"[“”‘’（）《》，。：；、！？…—]")
HOLE = re.compile(r"[\u4e00-\u9fff] | [\u4e00-\u9fff]")  # a gap beside CJK: where a mark was
DISPLACED_AT_LEAST = 5  # a paragraph's last "。" wrapped onto a line of its own happens once or twice


def displaced_marks(document: Document) -> list[tuple[str, int, int | None]]:
    """The lines (text, line, page) of the narrative that hold only marks and figures belonging in the
    gaps of the line above."""
    found = []
    for paragraph in document.paragraphs():
        pieces = printed_lines(paragraph)
        for (above, _, _), piece in pairwise(pieces):
            if MARKS_ONLY.fullmatch(piece[0]) and A_MARK.search(piece[0]) and HOLE.search(above):
                found.append(piece)
    return found


def printed_lines(paragraph: Paragraph) -> list[tuple[str, int, int | None]]:
    """The paragraph's text line by line as it was printed: (text, line, page)."""
    bounds = [start for start, _, _ in paragraph.line_map] + [len(paragraph.text)]
    return [(paragraph.text[a:b].strip(), number, page)
            for (a, number, page), b in zip(paragraph.line_map, bounds[1:])]
