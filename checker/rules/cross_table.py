"""Family 6: tables agree with each other (identities declared in checker/data/cross_table.toml)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from checker.arith import sum_envelope, verdict
from checker.findings import Evidence
from checker.linking import concept_cell, figure_column, mapping, total_row
from checker.rules.base import CheckContext, Outcome, Rule, cell_evidence, register
from corpus.datafile import load_toml
from corpus.model import Document, Table

IDENTITIES = Path(__file__).resolve().parent.parent / "data" / "cross_table.toml"


def identities() -> list[dict]:
    return load_toml(IDENTITIES)["identity"]


def locate(document: Document, ref: dict) -> tuple[Table, Decimal, Evidence, str] | str:
    """One cell, or with `rows` the sum of several rows' cells (人员经费合计 + 公用经费合计)."""
    if "rows" not in ref:
        return locate_cell(document, ref)
    parts = [locate_cell(document, {**ref, "row": row}) for row in ref["rows"]]
    if missing := [part for part in parts if isinstance(part, str)]:
        return "; ".join(missing)
    found = [part for part in parts if not isinstance(part, str)]
    first = found[0][2]
    evidence = Evidence("table", first.line, found[-1][2].end_line, first.page,
                        " + ".join(part[2].quote for part in found), first.table, " + ".join(ref["rows"]), first.column)
    return found[0][0], sum((part[1] for part in found), Decimal(0)), evidence, " + ".join(p[3] for p in found)


def locate_cell(document: Document, ref: dict) -> tuple[Table, Decimal, Evidence, str] | str:
    """The referenced cell as (table, value, evidence, printed), or why it cannot be had. Rows and total
    columns are found as the narrative's are (checker/linking.py): a total row named 收入合计 or 总计, a
    table that prints its figure under 金额 where the identity says 合计."""
    table = document.table(ref["table"])
    if table is None:
        return f"no {ref['table']}"
    if not table.rows and table.empty_statement:
        line = table.span
        return table, Decimal(0), Evidence("table", line.line, line.end_line, line.page, table.empty_statement,
                                           table.title, None, ref["column"]), "0（空表）"
    side = ref.get("side")
    if ref["row"] == "total":
        row = total_row(table, side)
    elif ref["row"].isdigit():
        row = next((r for r in table.rows if r.code == ref["row"]), None)
    else:
        located = concept_cell(document, table, ref["row"], side)
        row = located.row if located else None
    if row is None:
        return f"{table.title}: no {ref['row']} row"
    if row.ambiguous:
        return f"{table.title}: {row.label or ref['row']} row not proved"
    if not row.cells:
        return f"{table.title}: {row.label or ref['row']} row without figures"  # an extraction gap, not a zero
    column = ref["column"]
    if any(c.key.split(":")[0] == column and c.side in (None, row.side) for c in table.columns):
        cell, column = figure_column(document, table, row, column)
    elif column in mapping()["total_columns"]:
        cell, column = figure_column(document, table, row)  # 金额 where the identity says 合计
    else:
        return f"{table.title}: no {column} column"
    if cell is None and row.is_total:
        return f"{table.title}: total row without {column}"  # totals are never left blank
    value = cell.value if cell else Decimal(0)
    return table, value, cell_evidence(table, row, cell, column), cell.printed if cell else "(空)"


@register
class CrossTableIdentity(Rule):
    """Figures that two tables both state agree: 表1 totals = 表2 总计 = 表3 总计; 表4 一般公共预算 = 表5;
    表5 基本支出 = 表6 总计, 表5 项目支出 = 表7 总计; 表6 公务接待费 and 公务用车运行维护费 = the 三公 table;
    表11 总计 = 表1 上年结转结余. A table the document lacks makes the check skipped, not passed.

    Why: The tables restate each other (收支总表, 收入总表, 支出总表 …); a figure that two tables give differently is wrong in one of them.

    Example: seed 000:98 with one edit — 收支总表 收入总计 611.12 against 收入总表 合计 610.12.
    """

    code = "GJ601"
    name = "cross-table-identity"
    family = "cross-table"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        document = context.document
        for identity in identities():
            templates = identity.get("templates")
            if templates and document.metadata.template not in templates:
                continue
            if identity.get("kinds") and document.metadata.kind not in identity["kinds"]:
                continue
            left, right = locate(document, identity["left"]), locate(document, identity["right"])
            reasons = [side for side in (left, right) if isinstance(side, str)]
            reasons += [f"{side[0].title} not read reliably" for side in (left, right)
                        if not isinstance(side, str) and not context.trusted(side[0])]
            if reasons:
                yield f"skipped: {identity['name']}: {'; '.join(reasons)}"
                continue
            (_, a, evidence_a, printed_a), (_, b, evidence_b, printed_b) = left, right
            relation = identity.get("relation", "=")
            tolerance = Decimal("0.005")  # 万元: both sides print the same figure, only unit conversion differs
            ok = a <= b + tolerance if relation == "<=" else abs(a - b) <= tolerance
            if ok:
                yield "passed"
                continue
            # a side that adds printed rows (人员经费合计 + 公用经费合计) may miss its total by their rounding
            printed = [*printed_a.split(" + "), *printed_b.split(" + ")]
            within = len(printed) > 2 and relation == "=" and \
                verdict(a, b, sum_envelope(printed[:-1], printed[-1]), Decimal(0)) == "rounding"
            yield self.finding(f"{identity['name']}: {printed_a} ≠ {printed_b}", [evidence_a, evidence_b],
                               stated=printed_a, expected=printed_b, severity="rounding" if within else None)
