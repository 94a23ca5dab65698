"""A table block (title, header, rows) to a Table with every figure in its canonical column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from corpus.header import choose_layout, resolve_header
from corpus.infer import RowProblem, TableProblem, solve
from corpus.model import Cell, Column, Row, Span, Table
from corpus.numbers import decimals, is_amount_token, parse_amount
from corpus.rows import (
    Figure,
    RawRow,
    assemble_token_rows,
    has_figures,
    is_number_row,
    parse_grid_line,
    parse_token_line,
    split_code,
    split_items,
    tokens_of,
)
from corpus.segment import EMPTY_TABLE, FOOTNOTE, ORG_LINE, UNIT_LINE, TableBlock
from corpus.source import SourceLine
from corpus.vocab import TableKind, normalize, strip_ordinal, vocabulary

CODE_CELL = re.compile(r"^\d{2,3}$|^\d{5}$|^\d{7}$")  # a 类/款/项 code column ("204", "06", "2040601")
TOTAL_LABELS = {"总计", "合计", "收入总计", "支出总计", "收入合计", "支出合计", "本年收入合计", "本年支出合计"}
EXPENSE_LABEL = re.compile(r"支出$|支出合计$|支出总计$|^支出|结转下年")


@dataclass
class DocumentContext:
    """What tables already read tell the next ones (filled from the 收支总表 income side)."""

    fund_totals: dict[str, Decimal] = field(default_factory=dict)  # concept -> 万元
    table_totals: dict[str, Decimal] = field(default_factory=dict)  # table kind -> its total, 万元

    def record_total(self, table: Table) -> None:
        if table.kind is None or table.kind in self.table_totals:
            return
        if not table.rows and table.empty_statement:
            self.table_totals[table.kind] = Decimal(0)
        elif (total := table.total_row) is not None and total.cells and not total.ambiguous:
            self.table_totals[table.kind] = total.cells[0].value


@dataclass
class _Body:
    header: list[SourceLine] = field(default_factory=list)
    data: list[SourceLine] = field(default_factory=list)
    number_row: list[str] | None = None
    number_row_cells: list[str] | None = None
    empty_statement: list[SourceLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unit: str | None = None


def _is_data_line(line: SourceLine, following: str = "") -> bool:
    if strip_ordinal(normalize(line.text)) in TOTAL_LABELS and following and all(
            is_amount_token(token) for token in following.split()):
        return True  # "合计" alone, its figures wrapped onto the next line
    if line.cells is not None:
        lead = " ".join(cell for cell in line.cells[:3] if cell)
        return has_figures(line) or split_code(lead + " x")[0] is not None
    return has_figures(line) or split_code(line.text)[0] is not None


def _split_body(block: TableBlock) -> _Body:
    body = _Body()
    for line in block.title_lines:
        if match := UNIT_LINE.search(line.text):
            body.unit = match.group(1).replace(" ", "")
    header_texts: set[str] = set()
    repeating = False
    in_statement = False
    for index, line in enumerate(block.lines):
        if line.continued:
            continue  # a wrapped cell: its text is already in the cells of the row above
        text = line.text.strip()
        following = block.lines[index + 1].text.strip() if index + 1 < len(block.lines) else ""
        if in_statement:
            body.empty_statement.append(line)
            in_statement = not text.endswith("。")
            continue
        if match := UNIT_LINE.search(text):
            body.unit = body.unit or match.group(1).replace(" ", "")
        if UNIT_LINE.search(text) or ORG_LINE.match(text):
            repeating = bool(body.data)
            continue
        tokens = line.cells if line.cells is not None else tokens_of(line)
        if is_number_row([token for token in tokens if token]):
            if body.number_row is None:
                body.number_row = [token for token in tokens if token]
                body.number_row_cells = line.cells
            repeating = False
            continue
        starts_statement = (not body.data and not has_figures(line) and len(text) >= 20 and not text.endswith("。")
                            and EMPTY_TABLE.search(text + following) is not None)
        if EMPTY_TABLE.search(text) or starts_statement:
            body.empty_statement.append(line)
            in_statement = not text.endswith("。")
            continue
        if FOOTNOTE.match(text):
            body.notes.append(text)
            continue
        if not body.data and not _is_data_line(line, following):
            body.header.append(line)
            header_texts.add(normalize(text))
            continue
        if body.data and (repeating or normalize(text) in header_texts) and not _is_data_line(line):
            continue  # a header repeated on the next page
        repeating = False
        body.data.append(line)
    return body


def _span(lines: list[SourceLine]) -> Span:
    return Span(lines[0].number, lines[-1].number, lines[0].page)


def _is_total(raw: RawRow) -> bool:
    return raw.code is None and strip_ordinal(normalize(raw.label)) in TOTAL_LABELS


def _cell(key: str, figure: Figure, factor: Decimal) -> Cell:
    value = parse_amount(figure.printed)
    assert value is not None
    line = figure.line
    return Cell(key, figure.printed, value * factor, Span(line.number, line.number, line.page))


def _make_row(raw: RawRow, side: str | None = None) -> Row:
    vocab = vocabulary()
    label = raw.label
    return Row(
        label=label,
        span=_span(raw.lines),
        code=raw.code,
        code_kind=("功能" if raw.code.startswith("2") else "经济") if raw.code else None,
        concept=vocab.concept_of(label) if label and not raw.code else None,
        side=side,
        is_total=_is_total(raw),
    )


def _parents(raws: list[RawRow], flat: bool = False) -> list[int | None]:
    """Which row each row sums into: 项 -> 款 -> 类 -> the total row. `flat`: rows without codes that
    are all 类 by name (一、一般公共服务支出 …) sum straight into the total row."""
    root = next((i for i, raw in enumerate(raws) if _is_total(raw)), None)
    if flat and not any(raw.code for raw in raws):
        return [None if i == root or _is_total(raw) else root for i, raw in enumerate(raws)]
    parents: list[int | None] = []
    latest: dict[str, int] = {}
    for i, raw in enumerate(raws):
        parent = None
        if raw.code:
            if len(raw.code) == 3:
                parent = root
            else:
                parent = latest.get(raw.code[:-2])
            latest.setdefault(raw.code, i)
        parents.append(parent)
    return parents


def _step(raw: RawRow, factor: Decimal) -> Decimal:
    places = max((decimals(f.printed) for f in raw.values), default=2)
    return Decimal(1).scaleb(-places) * factor


def known_totals(spec: TableKind | None, keys: list[str], context: DocumentContext) -> dict[str, Decimal]:
    """Totals of this table's columns that other tables state (表1's funds, 表6/表7 totals)."""
    known: dict[str, Decimal] = {}
    if spec is None:
        return known
    if spec.totals_from:
        known.update({key: context.fund_totals[key] for key in keys if key in context.fund_totals})
    for key in keys:
        other = spec.column_totals.get(key)
        if other in context.table_totals:
            known[key] = context.table_totals[other]
    return known


def _place(
    raws: list[RawRow],
    keys: list[str],
    identities: list,
    factor: Decimal,
    context: DocumentContext,
    known: dict[str, Decimal],
    flat: bool = False,
) -> list[tuple[list[int], bool, str | None]]:
    """Column index of every figure of every row, inferred where the text lost empty cells.

    known: totals of some columns (the total row's value), from other tables or the other side."""
    zero_funds = {concept for concept, total in context.fund_totals.items() if total == 0}
    empty = {i for i, key in enumerate(keys) if key.split(":")[-1] in zero_funds or known.get(key) == 0}
    totals = {i: known[key] for i, key in enumerate(keys) if key in known}
    parents = _parents(raws, flat)
    problem = TableProblem(
        columns=keys,
        rows=[
            RowProblem(
                figures=[parse_amount(f.printed) * factor if f else None for f in raw.figures],
                parent=parents[i],
                is_root=_is_total(raw),
                step=_step(raw, factor),
            )
            for i, raw in enumerate(raws)
        ],
        identities=identities,
        empty_columns=empty,
        root_totals=totals,
    )
    answers = solve(problem)
    placed = []
    for raw, answer in zip(raws, answers):
        note = None
        if answer.ambiguous:
            options = [answer.placement, *answer.alternatives]
            note = "columns not provable; could be " + " or ".join(
                "/".join(keys[c] for c in placement) for placement in options[:4])
        placed.append((list(answer.placement), answer.ambiguous, note))
    return placed


def _fill(row: Row, raw: RawRow, keys: list[str], placement: list[int], factor: Decimal) -> None:
    for figure, column in zip(raw.figures, placement):
        if figure is not None:
            row.cells.append(_cell(keys[column], figure, factor))


def build_table(block: TableBlock, context: DocumentContext) -> Table:
    vocab = vocabulary()
    spec = vocab.tables.get(block.kind or "")
    body = _split_body(block)
    unit = body.unit or "万元"
    factor = vocab.unit_factor(unit)
    span_lines = block.title_lines + block.lines
    table = Table(
        number=block.number,
        title=block.title,
        kind=block.kind,
        unit=unit,
        span=_span(span_lines),
        notes=body.notes,
    )
    if body.empty_statement:
        table.empty_statement = "".join(line.text.strip() for line in body.empty_statement)
    if spec is not None and spec.text_only:
        table.rows = [Row(label=line.text.strip(), span=_span([line])) for line in body.header + body.data]
        return table
    if spec is not None and spec.sides:
        from corpus.sided import build_sided

        build_sided(table, spec, body, factor, context)
    else:
        _build_plain(table, spec, body, factor, context)
    context.record_total(table)
    return table


def _value_positions(body: _Body) -> tuple[list[int], list[str]]:
    """Grid columns holding values, and the header text above each."""
    if body.number_row_cells:
        positions = [i for i, cell in enumerate(body.number_row_cells) if cell.isdigit()]
    else:
        width = max(len(line.cells or []) for line in body.data)
        first = width
        for i in range(width):
            column = [line.cells[i] for line in body.data if line.cells and i < len(line.cells) and line.cells[i]]
            figures = [cell for cell in column if is_amount_token(cell)]
            if figures and not all(CODE_CELL.match(cell) for cell in figures):
                first = i
                break
        positions = list(range(first, width))
    headers = []
    for position in positions:
        texts = [line.cells[position] for line in body.header
                 if line.cells and position < len(line.cells) and line.cells[position]]
        headers.append(texts[-1] if texts else "")
    return positions, headers


def _panel_rows(lines: list[SourceLine]) -> list[RawRow] | None:
    """Rows of a table printed as panels side by side (决算 基本支出表: 301 … | 302 … | 310 …), in code
    order so each class stays together; None when the table is not paneled."""
    split = [split_items(line) for line in lines]
    paneled = sum(1 for items in split if sum(1 for item in items if item.code) >= 2)
    if paneled < max(2, len(lines) // 3):
        return None
    items = [item for line_items in split for item in line_items if item.code or item.figures]
    coded = sorted((item for item in items if item.code), key=lambda item: item.code or "")
    return coded + [item for item in items if not item.code]


def _build_plain(table: Table, spec: TableKind | None, body: _Body, factor: Decimal, context: DocumentContext) -> None:
    if not body.data:
        return
    header_text = " ".join(line.text for line in body.header)
    grid = all(line.cells is not None for line in body.data if has_figures(line))
    count = len(body.number_row) - sum(1 for t in body.number_row if not t.isdigit()) if body.number_row else None
    if grid:
        positions, grid_headers = _value_positions(body)
        raws = [parse_grid_line(line, positions) for line in body.data if line.cells is not None]
        resolved = resolve_header(spec, header_text, len(positions), 0, grid_headers)
        keys = resolved.keys
        column_of = {position: i for i, position in enumerate(positions)}
        placements = [([column_of[f.position] for f in raw.values], False, None) for raw in raws]
        for raw in raws:
            raw.figures = raw.values
    else:
        raws = _panel_rows(body.data) or assemble_token_rows(body.data)
        at_least = max((len(raw.figures) for raw in raws), default=0)
        resolved = resolve_header(spec, header_text, count, at_least)
        keys = resolved.keys
        identities = vocabulary().identities_for(keys, resolved.layout)
        placements = _place(raws, keys, identities, factor, context, known_totals(spec, keys, context))
    table.layout = resolved.layout.name if resolved.layout else None
    table.columns = [Column(key, header) for key, header in zip(keys, resolved.headers)]
    for raw, (placement, ambiguous, note) in zip(raws, placements):
        row = _make_row(raw)
        _fill(row, raw, keys, placement, factor)
        row.ambiguous, row.note = ambiguous, note
        table.rows.append(row)


__all__ = ["DocumentContext", "build_table", "choose_layout", "parse_token_line"]
