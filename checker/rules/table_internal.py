"""Family 5: a table agrees with itself."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from checker.arith import fmt, half_step, verdict
from checker.claims import ordinal_kind
from checker.findings import Evidence
from checker.rules.base import CheckContext, Outcome, Rule, cell_evidence, register
from corpus.model import Cell, Row, Table
from corpus.numbers import chinese_ordinal
from corpus.vocab import vocabulary


def unit_factor(table: Table) -> Decimal:
    return vocabulary().unit_factor(table.unit)


def envelope(table: Table, printed: list[str]) -> Decimal:
    return sum((half_step(p) for p in printed), Decimal(0)) * unit_factor(table)


def value_table(table: Table) -> bool:
    return bool(table.columns) and table.kind not in ("整体绩效目标表", "项目绩效目标表")


@register
class TableRead(Rule):
    """A table was read reliably: its identities mostly hold and its amount cells hold amounts. A table
    that fails broadly (labels and figures on separate lines of the extracted text, cells dropped by the
    text layer, codes read as amounts) gets this one note and its checks are counted as skipped, instead
    of a finding for every identity the misreading breaks.

    Why: Findings are only as good as the reading of the table; a table gouji could not read is said so once, instead of a flood of false identities.

    Example: sh-putuo-finance-2024-dept-final:192 — the 支出决算表's text layer prints codes where amounts should be.
    """

    code = "GJ500"
    name = "table-read"
    family = "table-internal"
    severity = "note"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for table in context.document.tables:
            reading = context.unread.get(id(table))
            if reading is None:
                yield "passed"
                continue
            yield self.finding(f"{_title(table)} 未能可靠读取（{reading.reason}），其检查不计入结果",
                               [Evidence("table", table.span.line, table.span.end_line, table.span.page,
                                         table.title, table.title)])


@register
class RowIdentity(Rule):
    """A row's total equals the sum of its parts: 合计 = 基本支出 + 项目支出, 合计 = 人员经费 + 公用经费,
    and every identity the table's layout declares. An empty cell counts as zero. Rows whose columns
    could not be proved (ambiguous) are skipped, not passed.

    Why: A row whose total is not the sum of its columns is an arithmetic error in the official table itself.

    Example: sh-putuo-sifaju-2026-unit-budget:158 — “204 06 01 行政运行 14,348,853.34 14,348,853.34 64,840,547.00”: 合计 ≠ 基本 + 项目.
    """

    code = "GJ501"
    name = "row-identity"
    family = "table-internal"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for table in context.document.tables:
            outcomes = context.readings[id(table)].outcomes[self.code]  # evaluated once, when read
            yield from context.unless_unread(table, iter(outcomes))

    def table_outcomes(self, table: Table) -> Iterator[Outcome]:
        if not value_table(table) or table.columns[0].side:
            return
        vocab = vocabulary()
        layout = next((l for spec in [vocab.tables.get(table.kind or "")] if spec
                       for l in spec.layouts if l.name == table.layout), None)
        identities = vocab.identities_for([c.key for c in table.columns], layout)
        for row in table.rows:
            for identity in identities:
                yield from self._row(table, row, identity)

    def _row(self, table: Table, row: Row, identity) -> Iterator[Outcome]:
        total = row.cell(identity.total)
        parts = [row.cell(part) for part in identity.parts]
        if total is None and not any(parts):
            return
        if row.ambiguous:
            yield "skipped"
            return
        present = [cell for cell in parts if cell]
        expected = sum((cell.value for cell in present), Decimal(0))
        stated = total.value if total else Decimal(0)
        stated_half = envelope(table, [total.printed]) if total else Decimal(0)
        outcome = verdict(stated, expected, envelope(table, [c.printed for c in present]), stated_half)
        if outcome == "passed":
            yield "passed"
            return
        label = f"{row.code or ''} {row.label}".strip()
        terms = " + ".join(f"{cell.column} {cell.printed}" for cell in present) or "0"
        yield self.finding(
            f"{table.title} {label}: {identity.total} {total.printed if total else '(空)'} ≠ {terms}",
            [cell_evidence(table, row, total, identity.total)] + [cell_evidence(table, row, c) for c in present],
            stated=total.printed if total else None, expected=fmt(expected / unit_factor(table)),
            severity="rounding" if outcome == "rounding" else None)


@register
class HierarchySum(Rule):
    """Classification rows add up, column by column: a 类 row equals the sum of its 款 rows, a 款 row
    the sum of its 项 rows, and the 总计/合计 row the sum of the 类 rows.

    Why: 类, 款 and 项 rows restate each other; a 类 that is not the sum of its 款 means a row is missing or mistyped.

    Example: seed 000:193 — a 款 row of 53.00 over 项 rows adding to 52.99 (rounding).
    """

    code = "GJ502"
    name = "hierarchy-sum"
    family = "table-internal"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for table in context.document.tables:
            outcomes = context.readings[id(table)].outcomes[self.code]  # evaluated once, when read
            yield from context.unless_unread(table, iter(outcomes))

    def table_outcomes(self, table: Table) -> Iterator[Outcome]:
        if not value_table(table):
            return
        for side in {row.side for row in table.rows}:
            rows = [row for row in table.rows if row.side == side]
            yield from self._table(table, rows)

    def _table(self, table: Table, rows: list[Row]) -> Iterator[Outcome]:
        coded = [row for row in rows if row.code]
        groups: list[tuple[Row, list[Row]]] = []
        for parent in coded:
            children = [row for row in coded if row.code and len(row.code) == len(parent.code) + 2
                        and row.code.startswith(parent.code)]
            if children:
                groups.append((parent, children))
        total = next((row for row in rows if row.is_total), None)
        classes = [row for row in coded if len(row.code or "") == 3]
        if total is not None and classes and table.kind not in ("收支总表", "财政拨款收支总表"):
            groups.append((total, classes))
        for parent, children in groups:
            if parent.ambiguous or any(child.ambiguous for child in children):
                yield "skipped"
                continue
            for column in table.columns:
                if column.side != parent.side:
                    continue
                yield from self._column(table, parent, children, column.key)

    def _column(self, table: Table, parent: Row, children: list[Row], key: str) -> Iterator[Outcome]:
        stated_cell = parent.cell(key)
        cells = [child.cell(key) for child in children]
        present = [cell for cell in cells if cell]
        if stated_cell is None and not present:
            return
        stated = stated_cell.value if stated_cell else Decimal(0)
        expected = sum((cell.value for cell in present), Decimal(0))
        stated_half = envelope(table, [stated_cell.printed]) if stated_cell else Decimal(0)
        outcome = verdict(stated, expected, envelope(table, [c.printed for c in present]), stated_half)
        if outcome == "passed":
            yield "passed"
            return
        label = f"{parent.code or ''} {parent.label}".strip()
        yield self.finding(
            f"{table.title} {label} {key}: {stated_cell.printed if stated_cell else '(空)'} ≠ 下级科目合计 "
            f"{fmt(expected / unit_factor(table))}",
            [cell_evidence(table, parent, stated_cell, key)] + [cell_evidence(table, c, c.cell(key), key)
                                                               for c in children if c.cell(key)][:8],
            stated=stated_cell.printed if stated_cell else None, expected=fmt(expected / unit_factor(table)),
            severity="rounding" if outcome == "rounding" else None)


@register
class Balance(Rule):
    """In a 收支总表 or 财政拨款收支总表, 收入总计 equals 支出总计.

    Why: A budget balances by definition; a 收支总表 whose totals differ was edited on one side only.

    Example: seed 000:98 with one edit — “收 入 总 计 610.12 支 出 总 计 611.12”.
    """

    code = "GJ503"
    name = "income-equals-expenditure"
    family = "table-internal"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for table in context.document.tables:
            if table.kind not in ("收支总表", "财政拨款收支总表") or not table.rows:
                continue
            if not context.trusted(table):
                yield "skipped"
                continue
            income = _side_total(table, "收入")
            spend = _side_total(table, "支出")
            if income is None or spend is None or not income.cells or not spend.cells:
                yield "skipped"
                continue
            a, b = income.cells[0], spend.cells[0]
            if a.value == b.value:
                yield "passed"
                continue
            yield self.finding(f"{table.title}: 收入总计 {a.printed} ≠ 支出总计 {b.printed}",
                               [cell_evidence(table, income, a), cell_evidence(table, spend, b)],
                               stated=b.printed, expected=a.printed)


@register
class SideSum(Rule):
    """In a two-sided 收支总表 or 财政拨款收支总表, each side's numbered rows (一、…, 二、…) add up to the
    side's first total after them, column by column: the 支出 side's 类 rows to 本年支出合计 (or 支出总计),
    the 收入 side's sources to 本年收入合计 (or 收入总计). Sub-rows (1. 一般公共预算, 其中：…) are parts of a
    numbered row and are not added again.

    Why: The 收支总表 is the first table a reader opens; a 类 row that does not add up to its total means a
    figure was changed in one table and not carried to the others.

    Example: sh-putuo-sifaju-2026-dept-budget:132 with one edit — “三、卫生健康支出 1,149,778.00” while the
    支出 rows otherwise add up to 支出总计 96,282,213.44.
    """

    code = "GJ504"
    name = "side-sum"
    family = "table-internal"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        text_read = context.document.style != "pdf"
        for table in context.document.tables:
            if table.kind not in vocabulary().tables or not vocabulary().tables[table.kind].sides:
                continue
            sums = {side: _numbered_sums(table, side) for side in ("收入", "支出")}
            for side, found in sums.items():
                other = sums["支出" if side == "收入" else "收入"]
                yield from context.unless_unread(table, self._side(table, side, found, other, text_read))

    def _side(self, table: Table, side: str, found, other, text_read: bool) -> Iterator[Outcome]:
        for total, run, cell, expected in found:
            outcome = verdict(cell.value, expected, envelope(table, [r.cell(cell.column).printed for r in run
                                                                     if r.cell(cell.column)]),
                              envelope(table, [cell.printed]))
            if outcome == "passed":
                yield "passed"
                continue
            blank = any(r.cell(cell.column) is None for r in run)
            # a blank in a text read proves nothing; a row the read set on the other side shows as the same
            # difference there with the opposite sign
            moved = any(o_cell.column == cell.column and o_expected - o_cell.value == cell.value - expected
                        for _, _, o_cell, o_expected in other)
            if (text_read and blank and expected < cell.value) or moved:
                yield "skipped"
                continue
            yield self.finding(
                f"{_title(table)} {side}方 {total.label} {cell.column}: {cell.printed} ≠ 各项之和 "
                f"{fmt(expected / unit_factor(table))}",
                [cell_evidence(table, total, cell, cell.column)] + [cell_evidence(table, r, r.cell(cell.column), cell.column)
                                                                    for r in run if r.cell(cell.column)][:8],
                stated=cell.printed, expected=fmt(expected / unit_factor(table)),
                severity="rounding" if outcome == "rounding" else None)


def _numbered_sums(table: Table, side: str) -> list[tuple[Row, list[Row], Cell, Decimal]]:
    """(total, numbered rows, total's cell, their sum) for each run of numbered rows (一、… again from 一、
    starts another list of the same total: Jiangsu lists 支出 by function and by 基本/项目) before the
    side's first total. None where a run's numbers do not count 1, 2, 3 …: the read mixed or lost rows."""
    runs: list[list[Row]] = []
    total = None
    for row in (row for row in table.rows if row.side == side):
        if row.is_total:
            total = row
            break
        if ordinal_kind(row.label) == "一、":
            if row.label.startswith("一、") or not runs:
                runs.append([])
            runs[-1].append(row)
    if total is None:
        return []
    for run in runs:
        numbers = [chinese_ordinal(row.label) for row in run]
        two_in_one = any(chinese_ordinal(row.label.split(maxsplit=1)[-1]) for row in run if " " in row.label.strip())
        if numbers != list(range(1, len(run) + 1)) or two_in_one:
            # a number repeated, or two in one label: two lists printed side by side and read as one
            # ("一、一般公共服务支出 一、基本支出"); a number missing: a row the read lost or set on the other side
            return []
    return [(total, run, cell, sum((r.cell(cell.column).value for r in run if r.cell(cell.column)), Decimal(0)))
            for run in runs if len(run) >= 2 for cell in total.cells]


def _title(table: Table) -> str:
    return f"表{table.number} {table.title}" if table.number and table.number.isdigit() else table.title


def _side_total(table: Table, side: str) -> Row | None:
    """The last total row of a side (收入总计 after 本年收入合计)."""
    totals = [row for row in table.rows if row.side == side and row.is_total]
    return totals[-1] if totals else None
