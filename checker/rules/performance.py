"""Family 3 (lists), 绩效目标表: the funding lines of the 部门整体绩效目标表 restate the budget."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from checker.arith import fmt, half_step, verdict
from checker.findings import Evidence
from checker.rules.base import CheckContext, Outcome, Rule, register
from corpus.numbers import parse_amount

# the 收支总表's income that is not 财政拨款 (vocabulary concepts): what 其他资金 is made of
NON_FISCAL = ("事业收入", "事业单位经营收入", "其他收入", "上级补助收入", "附属单位上缴收入", "财政专户", "单位资金")
FUNDING = re.compile(r"(上级安排|本级安排|其他)\s+(-?[\d,]+(?:\.\d+)?)")


@register
class PerformanceFunding(Rule):
    """The 部门整体绩效目标表 gives the year's funds as 上级安排 + 本级安排 + 其他; together they restate the
    budget: the 收支总表's 收入总计 (or its 本年收入, where carried-over funds are left out). 其他 (资金) is the
    money that is not 财政拨款: where the 收支总表 shows no such income, 其他 is 0.

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
        yield self._other_funds(table, summary, lines, values)
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

    def _other_funds(self, table, summary, lines, values) -> Outcome:
        """其他 > 0 needs income that is not 财政拨款 in the 收支总表."""
        other = [(row, printed, value) for (row, name, printed), value in zip(lines, values) if name == "其他"]
        if not other:
            return "skipped"
        row, printed, value = other[0]
        non_fiscal = [r for r in summary.rows if r.side == "收入" and r.concept in NON_FISCAL]
        if value == 0 or not non_fiscal or any(r.cells and r.cells[0].value for r in non_fiscal):
            return "passed"
        return self.finding(
            f"绩效目标表其他资金 {printed} 万元，但{summary.title}没有财政拨款以外的收入", [
                Evidence("table", row.span.line, row.span.end_line, row.span.page, row.label.strip(), table.title),
                *(Evidence("table", r.span.line, r.span.end_line, r.span.page, f"{r.label}: {r.cells[0].printed if r.cells else '(空)'}",
                           summary.title, r.label) for r in non_fiscal[:4])],
            stated=printed, expected="0")
