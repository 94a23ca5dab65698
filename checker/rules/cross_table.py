"""Family 6: tables agree with each other (identities declared in checker/data/cross_table.toml)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path

from checker.findings import Evidence
from checker.rules.base import CheckContext, Outcome, Rule, cell_evidence, register
from corpus.model import Document, Table

IDENTITIES = Path(__file__).resolve().parent.parent / "data" / "cross_table.toml"


@cache
def identities() -> list[dict]:
    with IDENTITIES.open("rb") as handle:
        return tomllib.load(handle)["identity"]


def locate(document: Document, ref: dict) -> tuple[Table, Decimal, Evidence, str] | str:
    """The referenced cell as (table, value, evidence, printed), or why it cannot be had."""
    table = document.table(ref["table"])
    if table is None:
        return "missing table"
    if not table.rows and table.empty_statement:
        line = table.span
        return table, Decimal(0), Evidence("table", line.line, line.end_line, line.page, table.empty_statement,
                                           table.title, None, ref["column"]), "0（空表）"
    side = ref.get("side")
    if ref["row"] == "total":
        rows = [r for r in table.rows if r.is_total and (side is None or r.side == side)]
    elif ref["row"].isdigit():
        rows = [r for r in table.rows if r.code == ref["row"]]
    else:
        rows = [r for r in table.rows if (r.concept == ref["row"] or r.label == ref["row"])
                and (side is None or r.side == side)]
    if not rows:
        return "missing row"
    row = rows[-1] if ref["row"] == "total" else rows[0]
    if row.ambiguous:
        return "ambiguous row"
    if not row.cells:
        return "total row without figures"  # an extraction gap, not a zero
    cell = row.cell(ref["column"])
    if cell is None and row.is_total:
        return "total row without that figure"  # an extraction gap: totals are never left blank
    value = cell.value if cell else Decimal(0)
    return table, value, cell_evidence(table, row, cell, ref["column"]), cell.printed if cell else "(空)"


@register
class CrossTableIdentity(Rule):
    """Figures that two tables both state agree: 表1 totals = 表2 总计 = 表3 总计; 表4 一般公共预算 = 表5;
    表5 基本支出 = 表6 总计, 表5 项目支出 = 表7 总计; 表6 公务接待费 and 公务用车运行维护费 = the 三公 table;
    表11 总计 = 表1 上年结转结余. A table the document lacks makes the check skipped, not passed."""

    code = "GJ601"
    fixtures = (("seed:000", None, "passes"),)
    name = "cross-table-identity"
    family = "cross-table"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        document = context.document
        for identity in identities():
            templates = identity.get("templates")
            if templates and document.metadata.template not in templates:
                continue
            left, right = locate(document, identity["left"]), locate(document, identity["right"])
            if isinstance(left, str) or isinstance(right, str) or not all(
                    context.trusted(side[0]) for side in (left, right)):
                yield "skipped"
                continue
            (_, a, evidence_a, printed_a), (_, b, evidence_b, printed_b) = left, right
            relation = identity.get("relation", "=")
            tolerance = Decimal("0.005")  # 万元: both sides print the same figure, only unit conversion differs
            ok = a <= b + tolerance if relation == "<=" else abs(a - b) <= tolerance
            if ok:
                yield "passed"
                continue
            yield self.finding(f"{identity['name']}: {printed_a} ≠ {printed_b}", [evidence_a, evidence_b],
                               stated=printed_a, expected=printed_b)
