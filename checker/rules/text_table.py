"""Family 1: every amount the narrative names equals its table cell."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from checker.arith import half_step, verdict
from checker.claims import Statement
from checker.rules.arithmetic import _amount
from checker.rules.base import CheckContext, Outcome, Rule, cell_evidence, claim_evidence, register
from corpus.model import Cell, Document, Row, Table
from corpus.vocab import normalize, strip_ordinal, vocabulary

MAPPING = Path(__file__).resolve().parent.parent / "data" / "text_table.toml"
FIRST_COLUMNS = ("合计", "金额")


@cache
def mapping() -> dict:
    with MAPPING.open("rb") as handle:
        return tomllib.load(handle)


@dataclass
class Located:
    table: Table
    row: Row
    cell: Cell | None
    column: str


def section_table(document: Document, statement: Statement) -> tuple[Table, str | None] | None:
    titles = " ".join(s.title for s in (statement.top, statement.section) if s is not None)
    for entry in mapping()["section"]:
        if any(word in titles for word in entry["match"]):
            table = document.table(entry["table"])
            if table is not None:
                return table, entry.get("side")
    return None


def first_cell(row: Row) -> tuple[Cell | None, str]:
    for key in FIRST_COLUMNS:
        if (cell := row.cell(key)) is not None:
            return cell, key
    return (row.cells[0], row.cells[0].column) if row.cells else (None, FIRST_COLUMNS[0])


def by_path(table: Table, statement: Statement) -> Row | None:
    """The row a 类/款/项 path names: by code where the text gives codes, else name by name down the tree."""
    if statement.code:
        return next((row for row in table.rows if row.code == statement.code), None)
    prefix = ""
    found = None
    for depth, (name, _, _) in enumerate(statement.path):
        width = 3 + 2 * depth
        candidates = [row for row in table.rows if row.code and len(row.code) == width
                      and row.code.startswith(prefix) and normalize(row.label) == normalize(name)]
        if not candidates:
            return None
        found = candidates[0]
        prefix = found.code or ""
    return found


def subject_key(document: Document, subject: str) -> str:
    text = normalize(subject)
    if document.metadata.department:
        text = text.replace(normalize(document.metadata.department), "")
    return strip_ordinal(re.sub(r"^20\d{2}年度?", "", text))


def locate(document: Document, statement: Statement) -> Located | None:
    found = section_table(document, statement)
    if statement.path:
        tables = ([found[0]] if found else []) + [document.table(kind) for kind in mapping()["fallback"]["tables"]]
        for table in tables:
            if table is not None and (row := by_path(table, statement)) is not None:
                cell, column = first_cell(row)
                return Located(table, row, cell, column)
        return None
    if found is None:
        return None
    table, side = found
    concept = statement.concept or vocabulary().concept_of(subject_key(document, statement.subject))
    rows = [row for row in table.rows if side is None or row.side in (None, side)]
    total = next((row for row in reversed(rows) if row.is_total), None)
    if concept and total is not None and any(c.key == concept and c.side in (None, side) for c in table.columns):
        return Located(table, total, total.cell(concept), concept)
    if concept in ("收入总计", "支出总计", "合计") and total is not None:
        cell, column = first_cell(total)
        return Located(table, total, cell, column)
    key = subject_key(document, statement.subject)
    for row in rows:
        if (concept and row.concept == concept) or (key and strip_ordinal(normalize(row.label)) == key):
            cell, column = first_cell(row)
            return Located(table, row, cell, column)
    return None


@register
class AmountMatchesTable(Rule):
    """An amount the narrative gives for a table item (a 类/款/项 科目, 基本支出, 一般公共预算, a 三公 item,
    a total) equals the table cell, after converting 元 to 万元 and allowing for the text's rounding."""

    code = "GJ101"
    fixtures = (("extra:sh-putuo-sifaju-2026-dept-budget.txt", 122, "error"),)  # 201.50 vs the table's 208.80
    name = "amount-matches-table"
    family = "text-table"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for statement in context.statements:
            amount = _amount(statement)
            if amount is None or not statement.subject:
                continue
            located = locate(context.document, statement)
            if located is None:
                continue
            if located.row.ambiguous or not context.trusted(located.table):
                yield "skipped"
                continue
            table_value = located.cell.value if located.cell else Decimal(0)
            outcome = verdict(amount.value, table_value, Decimal(0), half_step(amount.printed))
            if outcome == "passed":
                yield "passed"
                continue
            printed = located.cell.printed if located.cell else "(空)"
            unit = "" if located.table.unit == "万元" else f"（{located.table.unit}，合 {table_value.normalize():f} 万元）"
            yield self.finding(
                f"{statement.subject}: 文中 {amount.printed} 万元，{located.table.title} {located.column} 为 {printed}{unit}",
                [claim_evidence(statement, amount), cell_evidence(located.table, located.row, located.cell,
                                                                  located.column)],
                stated=amount.printed, expected=f"{table_value.normalize():f}",
                severity="rounding" if outcome == "rounding" else None)
