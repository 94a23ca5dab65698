"""Family 3 (lists), 绩效目标表: the funding lines of the 部门整体绩效目标表 restate the budget."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from checker.arith import fmt, half_step, verdict
from checker.findings import Evidence
from checker.rules.base import CheckContext, Outcome, Rule, register
from corpus.numbers import parse_amount

FUNDING = re.compile(r"(上级安排|本级安排|其他)\s+(-?[\d,]+(?:\.\d+)?)")


@register
class PerformanceFunding(Rule):
    """The 部门整体绩效目标表 gives the year's funds as 上级安排 + 本级安排 + 其他; together they restate the
    budget: the 收支总表's 收入总计 (or its 本年收入, where carried-over funds are left out).

    Why: The 绩效目标表 restates the budget by source; a split that does not give the budget means the performance targets were set for other money.

    Example: seed 000:1104 — 本级安排 601.12 万元 for a budget of 610.12 万元.
    """

    code = "GJ304"
    name = "performance-funding"
    family = "lists"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        document = context.document
        table = document.table("整体绩效目标表")
        summary = document.table("收支总表")
        if table is None or not context.trusted(summary):
            yield "skipped"
            return
        lines = []
        for row in table.rows:
            for match in FUNDING.finditer(row.label):
                lines.append((row, match.group(1), match.group(2)))
        if not lines:
            yield "skipped"
            return
        values = [parse_amount(printed) or Decimal(0) for _, _, printed in lines]
        funding = sum(values, Decimal(0))
        targets = [row for row in summary.rows if row.side == "收入" and row.concept in ("收入总计", "本年收入")
                   and row.cells]
        if not targets:
            yield "skipped"
            return
        envelope = sum((half_step(printed) for _, _, printed in lines), Decimal(0))
        outcomes = [(verdict(row.cells[0].value, funding, envelope, half_step(row.cells[0].printed)), row)
                    for row in targets]
        best = min(outcomes, key=lambda pair: ["passed", "rounding", "error"].index(pair[0]))
        if best[0] == "passed":
            yield "passed"
            return
        row = best[1] if best[0] == "rounding" else targets[-1]
        evidence = [Evidence("table", r.span.line, r.span.end_line, r.span.page, r.label.strip(), table.title)
                    for r, _, _ in lines]
        cell = row.cells[0]
        evidence.append(Evidence("table", cell.span.line, cell.span.line, cell.span.page, f"{row.label}: {cell.printed}",
                                 summary.title, row.label, cell.column))
        yield self.finding(
            "绩效目标表资金 " + " + ".join(f"{name} {printed}" for _, name, printed in lines)
            + f" = {fmt(funding)} 万元，与{summary.title}{row.label} {cell.printed} 不符",
            evidence, stated=fmt(funding), expected=cell.printed,
            severity="rounding" if best[0] == "rounding" else None)
