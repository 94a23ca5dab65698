"""Rule base class, registry and the context rules read from."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from checker.claims import Claim, Statement
from checker.findings import Evidence, Finding
from corpus.model import Cell, Document, Row, Table

if TYPE_CHECKING:
    from checker.linking import Located
    from checker.reading import TableReading

CATALOG: dict[str, type[Rule]] = {}
FAMILIES = {
    "text-table": "1. text ↔ table: every amount the narrative names equals its table cell",
    "arithmetic": "2. text arithmetic: shares, change amounts, rates and directions agree",
    "lists": "3. lists and counts: 其中 parts sum to their total; 实有人数 = 在职 + 退休 + 离休",
    "repeats": "4. the same figure stated twice agrees",
    "table-internal": "5. table-internal: totals, 合计 = 基本 + 项目, 类 = Σ款 = Σ项",
    "cross-table": "6. cross-table: the identities between tables",
    "completeness": "7. completeness: required tables, reasons, no template residue",
    "wording": "8. wording: years, 科目 names, 部门/单位, punctuation, unrendered text",
}


@dataclass
class CheckContext:
    document: Document
    statements: list[Statement] = field(default_factory=list)

    @cached_property
    def narrative_text(self) -> str:
        return "\n".join(p.text for p in self.document.paragraphs())

    @cached_property
    def readings(self) -> dict[int, TableReading]:
        """How far each table was read (by id), with its identities' outcomes, evaluated once."""
        from checker.reading import assess

        return {id(table): assess(table) for table in self.document.tables}

    @cached_property
    def unread(self) -> dict[int, TableReading]:
        """The tables that were not read reliably (by id), with the evidence that says so."""
        return {key: reading for key, reading in self.readings.items() if not reading.reliable}

    @cached_property
    def links(self) -> dict[int, Located]:
        """The table cell each statement's amount restates (by statement id), where one can be told."""
        from checker.linking import link, stated_amount

        found = ((statement, link(self.document, statement)) for statement in self.statements
                 if statement.subject and stated_amount(statement) is not None)
        return {id(statement): located for statement, located in found if located is not None}

    @cached_property
    def displaced_marks(self) -> list[tuple[str, int, int | None]]:
        """Narrative lines holding only marks and figures moved out of the line above (by the extraction)."""
        from checker.reading import displaced_marks

        return displaced_marks(self.document)

    @property
    def punctuation_read(self) -> bool:
        """Whether the narrative's marks are where they were printed: checks of punctuation need it."""
        from checker.reading import DISPLACED_AT_LEAST

        return len(self.displaced_marks) < DISPLACED_AT_LEAST

    def unless_marks_displaced(self, outcomes: Iterator[Outcome]) -> Iterator[Outcome]:
        """A punctuation check's outcomes, or one skip when the narrative's marks were moved (GJ800)."""
        if self.punctuation_read:
            yield from outcomes
        else:
            yield "skipped: 正文的标点被文字层移到单独的行"

    def trusted(self, table: Table | None) -> bool:
        return table is not None and id(table) not in self.unread

    def unless_unread(self, table: Table, outcomes: Iterator[Outcome]) -> Iterator[Outcome]:
        """A table's checks, or as many skips when the table was not read reliably."""
        if self.trusted(table):
            yield from outcomes
        else:
            yield from ("skipped" for _ in outcomes)


Outcome = Finding | str  # a Finding, or "passed" / "skipped"


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    family: ClassVar[str]
    severity: ClassVar[str] = "error"

    @classmethod
    def description(cls) -> str:
        """The rule's page, ruff style: what it checks, then "Why:" and "Example:" paragraphs."""
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """What it checks: the page's first paragraph."""
        return cls.description().split("\n\n", 1)[0]

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        raise NotImplementedError

    # helpers shared by the rules
    def finding(self, message: str, evidence: list[Evidence], stated: str | None = None,
                expected: str | None = None, severity: str | None = None) -> Finding:
        return Finding(self.code, self.family, severity or self.severity, message, stated, expected, evidence)


def register(rule: type[Rule]) -> type[Rule]:
    if rule.code in CATALOG:
        raise ValueError(f"duplicate rule code {rule.code}")
    CATALOG[rule.code] = rule
    return rule


def claim_evidence(statement: Statement, claim: Claim | None = None) -> Evidence:
    span = claim.span if claim else statement.sentence.span
    return Evidence("text", span.line, span.end_line, span.page, statement.sentence.text.strip())


def cell_evidence(table: Table, row: Row, cell: Cell | None, column: str | None = None) -> Evidence:
    span = cell.span if cell else row.span
    label = f"{row.code} {row.label}".strip() if row.code else row.label
    quote = f"{label}: {cell.printed}" if cell else f"{label}: (empty)"
    title = f"表{table.number} {table.title}" if table.number and table.number.isdigit() else table.title
    return Evidence("table", span.line, span.end_line, span.page, quote, title, label,
                    cell.column if cell else column)


def text_evidence(context: CheckContext, pattern: re.Pattern, paragraphs=None,
                  masked=None) -> Iterator[tuple[Evidence, str]]:
    """Every match of a pattern in the narrative (or in `paragraphs`), with the sentence and lines it sits
    on; `masked` may blank parts of a paragraph's text first, character for character."""
    for paragraph in context.document.paragraphs() if paragraphs is None else paragraphs:
        for match in pattern.finditer(masked(paragraph.text) if masked else paragraph.text):
            span = paragraph.span_of(match.start(), match.end())
            sentence = next((s.text for s in paragraph.sentences if s.start <= match.start() < s.end), paragraph.text)
            yield Evidence("text", span.line, span.end_line, span.page, sentence.strip()), match.group(0)


class PatternRule(Rule):
    """A rule that is a pattern in the narrative: each match is a finding, no match is a pass."""

    pattern: ClassVar[re.Pattern]

    def message(self, text: str) -> str:
        raise NotImplementedError

    def expected(self, text: str) -> str | None:
        return None

    def applies(self, context: CheckContext) -> bool:
        return True

    def searched(self, context: CheckContext) -> tuple[list | None, Callable[[str], str] | None]:
        """The paragraphs to search (None: all) and a mask for their text (None: as printed)."""
        return None, None

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        if not self.applies(context):
            yield "skipped"
            return
        found = False
        for evidence, text in text_evidence(context, self.pattern, *self.searched(context)):
            found = True
            yield self.finding(self.message(text), [evidence], stated=text, expected=self.expected(text))
        if not found:
            yield "passed"
