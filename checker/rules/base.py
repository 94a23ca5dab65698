"""Rule base class, registry and the context rules read from."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

from checker.claims import Claim, Statement
from checker.findings import Evidence, Finding
from corpus.model import Cell, Document, Row, Table

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


Outcome = Finding | str  # a Finding, or "passed" / "skipped"


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    family: ClassVar[str]
    severity: ClassVar[str] = "error"
    # Real cases: (document, line, severity) where the rule fires, or (document, None, "passes") where it
    # runs and finds nothing. Documents: "seed:000" (bundled) or "extra:<file>" (../shared/corpus-extra).
    fixtures: ClassVar[tuple[tuple[str, int | None, str], ...]] = ()

    @classmethod
    def description(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

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
