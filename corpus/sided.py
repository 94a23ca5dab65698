"""Two-sided tables (收入 | 支出 side by side on one line): 收支总表, 财政拨款收支总表.

A printed line holds an income item and an expenditure item; either may be missing. The line is cut into
items where a new label starts after figures, or where a classification code starts; an item alone on
its line is placed by what it names (a code or a "…支出" label is expenditure).
"""

from __future__ import annotations

from decimal import Decimal

from corpus.header import choose_layout
from corpus.model import Column, Table
from corpus.numbers import is_amount_token
from corpus.rows import CODE_SPLIT, Figure, RawRow, join_code, split_items
from corpus.source import SourceLine
from corpus.tables import DocumentContext, _Body, _fill, _make_row, _place
from corpus.vocab import TableKind, normalize, strip_ordinal, vocabulary

INCOME, EXPENSE = "收入", "支出"


def _items_of_cells(line: SourceLine, boundary: int) -> list[tuple[str, RawRow]]:
    out = []
    cells = line.cells or []
    for side, part in ((INCOME, cells[:boundary]), (EXPENSE, cells[boundary:])):
        if not any(part):
            continue
        item = RawRow([line])
        text_cells = [cell for cell in part if cell and not is_amount_token(cell)]
        label = " ".join(text_cells)
        match = CODE_SPLIT.match(label)
        if match:
            item.code = join_code(match.groups())
            label = label[match.end():].strip()
        item.label_parts = [label] if label else []
        value_cells = part[1:] if part else []
        item.figures = [Figure(cell, line, i) if is_amount_token(cell) else None for i, cell in enumerate(value_cells)]
        out.append((side, item))
    return out


def _side_of(item: RawRow) -> str:
    label = strip_ordinal(normalize(item.label))
    if item.code or label.endswith("支出") or "支出" in label[:2] or label in {"支出总计", "支出合计", "结转下年"}:
        return EXPENSE
    return INCOME


def _boundary(body: _Body) -> int:
    for line in body.header:
        if line.cells:
            for i, cell in enumerate(line.cells):
                if i > 0 and "支出" in cell:
                    return i
    return 2


def build_sided(table: Table, spec: TableKind, body: _Body, factor: Decimal, context: DocumentContext) -> None:
    grid = bool(body.data) and all(line.cells is not None for line in body.data)
    sides: dict[str, list[RawRow]] = {INCOME: [], EXPENSE: []}
    if grid:
        boundary = _boundary(body)
        for line in body.data:
            for side, item in _items_of_cells(line, boundary):
                sides[side].append(item)
    else:
        for line in body.data:
            items = split_items(line)
            if len(items) == 1:
                sides[_side_of(items[0])].append(items[0])
            elif items:
                sides[INCOME].append(items[0])
                sides[EXPENSE].extend(items[1:])

    header_text = " ".join(line.text for line in body.header)
    widest = max((len(item.figures) for item in sides[EXPENSE]), default=1)
    layout = choose_layout(spec, header_text, None, widest, EXPENSE)
    widest_income = max((len(item.figures) for item in sides[INCOME]), default=1)
    income_keys = list(layout.income) if layout else ["金额"]
    if widest_income > len(income_keys):
        income_keys = [f"列{i + 1}" for i in range(widest_income)]  # a template the vocabulary does not know yet
    if layout:
        expense_keys = list(layout.expense)
    else:
        expense_keys = ["金额"] if widest <= 1 else [f"列{i + 1}" for i in range(widest)]
    table.layout = layout.name if layout else None
    table.columns = [Column(key, "", INCOME) for key in income_keys] + [Column(key, "", EXPENSE) for key in expense_keys]

    for item in sides[INCOME]:
        row = _make_row(item, INCOME)
        _fill(row, item, income_keys, list(range(len(item.figures))), factor)
        table.rows.append(row)
    _record_funds(table, context)

    if grid:
        placements = [([f.position for f in item.values], False, None) for item in sides[EXPENSE]]
        for item in sides[EXPENSE]:
            item.figures = item.values
    else:
        identities = vocabulary().identities_for(expense_keys, layout)
        # an income item naming a fund (一般公共预算 …) is the total of that expenditure column
        known = {row.concept: (row.cells[0].value if row.cells else Decimal(0))
                 for row in table.rows if row.side == INCOME and row.concept in expense_keys and row.concept != "金额"}
        placements = _place(sides[EXPENSE], expense_keys, identities, factor, context, known, flat=True)
    for item, (placement, ambiguous, note) in zip(sides[EXPENSE], placements):
        row = _make_row(item, EXPENSE)
        _fill(row, item, expense_keys, placement, factor)
        row.ambiguous, row.note = ambiguous, note
        table.rows.append(row)


def _record_funds(table: Table, context: DocumentContext) -> None:
    """The first 收支总表's income items tell which funds the document has money in."""
    if table.kind != "收支总表" or context.fund_totals:
        return
    for row in table.rows:
        if row.side != INCOME or not row.concept or normalize(row.label).startswith("其中"):
            continue
        if row.concept not in context.fund_totals:
            value = row.cells[0].value if row.cells else Decimal(0)
            context.fund_totals[row.concept] = value
