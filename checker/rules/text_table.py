"""Family 1: every amount the narrative names equals its table cell."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from checker.arith import verdict
from checker.linking import stated_amount
from checker.rules.base import CheckContext, Outcome, Rule, cell_evidence, claim_evidence, register


@register
class AmountMatchesTable(Rule):
    """An amount the narrative gives for a table item (a 类/款/项 科目, 基本支出, 一般公共预算, a 三公 item,
    a total) equals the table cell, after converting 元 to 万元 and allowing for the text's rounding.

    Why: A narrative figure that differs from its table is the error a reader meets first: the tables are the official figures, the text is what people quote.

    Example: sh-putuo-sifaju-2026-dept-budget:122 — 住房公积金（01项）“2026年预算安排201.50万元”; the 一般公共预算支出功能分类预算表 row 2210201 says 208.80.
    """

    code = "GJ101"
    name = "amount-matches-table"
    family = "text-table"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for statement in context.statements:
            stated = stated_amount(statement)
            if stated is None or not statement.subject:
                continue
            located = context.links.get(id(statement))
            if located is None:
                continue
            amount = stated.claim
            # in a row whose columns could not be proved, a figure every reading puts in this column still
            # counts; an uncertain one, or a blank that another reading fills, does not
            # a blank in a text read is either an empty cell or one the extraction dropped: it proves nothing
            blank_in_text = located.cell is None and context.document.style != "pdf" and stated.value != 0
            uncertain = located.cell.certain is False if located.cell else (located.row.ambiguous or blank_in_text)
            if uncertain or not context.trusted(located.table):
                yield "skipped"
                continue
            table_value = located.cell.value if located.cell else Decimal(0)
            outcome = verdict(stated.value, table_value, Decimal(0), stated.half_step)
            if outcome == "passed":
                yield "passed"
                continue
            printed = located.cell.printed if located.cell else "(空)"
            unit = "" if located.table.unit == "万元" else f"（{located.table.unit}，合 {table_value.normalize():f} 万元）"
            yield self.finding(
                f"{statement.subject}: 文中 {amount.printed} {amount.unit}，{located.table.title} {located.column} 为 {printed}{unit}",
                [claim_evidence(statement, amount), cell_evidence(located.table, located.row, located.cell,
                                                                  located.column)],
                stated=amount.printed, expected=f"{table_value.normalize():f}",
                severity="rounding" if outcome == "rounding" else None)
