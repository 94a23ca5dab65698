"""A table block (title, header, rows) to a Table with every figure in its canonical column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from corpus.header import choose_layout, ranked_layouts, resolve_header
from corpus.infer import RowProblem, TableProblem, holds_somewhere, solve
from corpus.model import Cell, Column, Row, Span, Table
from corpus.numbers import decimals, is_amount_token, parse_amount
from corpus.rows import (
    CODE_CELL,
    Figure,
    RawRow,
    assemble_token_rows,
    figure_positions,
    grid_cells,
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
from corpus.vocab import Layout, TableKind, normalize, strip_ordinal, vocabulary

HEADER_RESIDUE = re.compile(r"^(?:(?:类|款|项|科目编码|科目名称|功能分类|经济分类)\s+)+(?=\S)")
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
        if not body.data and body.header and _names_a_row(body.header[-1], line):
            body.data.append(body.header.pop())  # "社会保障和就" above "208 754.75 …": the first row's head
        body.data.append(line)
    return body


# words of a header line, never of a row's name
HEADER_WORDS = re.compile(r"科目|编码|名称|项目|分类|合计|栏次|单位|金额|预算数|决算数")


def _names_a_row(above: SourceLine, line: SourceLine) -> bool:
    """The line above the first data line is that row's name, wrapped around it: the data line is a
    code and figures without a name, and the line above has no header word."""
    if line.cells is not None or above.cells is not None:
        return False
    row = parse_token_line(line)
    return row.code is not None and bool(row.figures) and not row.label_parts and \
        HEADER_WORDS.search(above.text) is None and not has_figures(above)


def _span(lines: list[SourceLine]) -> Span:
    return Span(lines[0].number, lines[-1].number, lines[0].page)


def _label(raw: RawRow) -> str:
    """The row's name without header words a PDF grid left in its cell ("类 款 项 合计" is 合计)."""
    return HEADER_RESIDUE.sub("", raw.label)


def _is_total(raw: RawRow) -> bool:
    return raw.code is None and strip_ordinal(normalize(_label(raw))) in TOTAL_LABELS


def _cell(key: str, figure: Figure, factor: Decimal) -> Cell:
    value = parse_amount(figure.printed)
    assert value is not None
    line = figure.line
    return Cell(key, figure.printed, value * factor, Span(line.number, line.number, line.page))


def _make_row(raw: RawRow, side: str | None = None) -> Row:
    vocab = vocabulary()
    label = _label(raw)
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
        raw.uncertain = {i for i, column in enumerate(answer.placement)
                         if any(other[i] != column for other in answer.alternatives)}
        placed.append((list(answer.placement), answer.ambiguous, note))
    return placed


def _fill(row: Row, raw: RawRow, keys: list[str], placement: list[int], factor: Decimal) -> None:
    for index, (figure, column) in enumerate(zip(raw.figures, placement)):
        if figure is not None:
            cell = _cell(keys[column], figure, factor)
            cell.certain = index not in raw.uncertain
            row.cells.append(cell)


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


@dataclass
class _Grid:
    """Value columns of a ruled table: grid position and header text of each, and per grid width (a
    table continued on another page has other rulings) the column of every figure position."""

    positions: list[int]
    headers: list[str]
    column_of: dict[int, dict[int, int]]

    def drop(self, unused: set[int]) -> None:
        keep = [i for i in range(len(self.positions)) if i not in unused]
        new_index = {old: new for new, old in enumerate(keep)}
        self.positions = [self.positions[i] for i in keep]
        self.headers = [self.headers[i] for i in keep]
        self.column_of = {width: {p: new_index[c] for p, c in mapping.items() if c in new_index}
                          for width, mapping in self.column_of.items()}

    def spare(self) -> set[int]:
        """Columns no figure falls in, right beside one that has figures: a spanning group header
        ("“三公”经费" above 小计) or a sliver between header and data rulings, when the layouts say so."""
        used = {c for mapping in self.column_of.values() for c in mapping.values()}
        return {i for i, p in enumerate(self.positions) if i not in used
                and any(j in used and abs(q - p) == 1 for j, q in enumerate(self.positions))}


def _nearest(position: float, targets: list[float]) -> int:
    """Index of the nearest target; a tie goes to the right one (header rulings sit right of data ones)."""
    return min(range(len(targets)), key=lambda i: (abs(targets[i] - position), -targets[i]))


def _grid_columns(body: _Body) -> _Grid:
    """Value columns from the header (the number row, else the header cells nearer a figure than a
    label), each figure in the header column nearest to it: header and data rulings need not agree."""
    rows: dict[int, list[list[str]]] = {}
    for line in body.data:
        if line.cells is not None:
            rows.setdefault(len(line.cells), []).append(grid_cells(line))
    headers: dict[int, list[list[str]]] = {}
    for line in body.header:
        if line.cells:
            headers.setdefault(len(line.cells), []).append(line.cells)
    figures = {width: sorted({p for cells in group for p in figure_positions(cells)}) for width, group in rows.items()}
    numbered = body.number_row_cells
    width = len(numbered) if numbered else max(rows, key=lambda w: (w in headers, len(rows[w])))
    if numbered:
        positions = [i for i, cell in enumerate(numbered) if cell.isdigit()]
    else:
        labels = sorted({i for cells in rows.get(width, []) for i in _lead_text(cells)})
        named = sorted({i for cells in headers.get(width, []) for i, cell in enumerate(cells) if cell})
        positions = [p for p in named if figures.get(width) and _distance(p, figures[width]) <= _distance(p, labels)]
        positions = positions or figures.get(width, [])
    texts = ["".join(cells[p] for cells in headers.get(width, []) if p < len(cells)) for p in positions]
    column_of: dict[int, dict[int, int]] = {}
    for w, found in figures.items():
        if w == width:
            column_of[w] = {f: _nearest(f, positions) for f in found} if positions else {}
        elif len(found) == len(positions):
            column_of[w] = {f: i for i, f in enumerate(found)}
        else:  # other rulings: by relative place across the table
            centres = [(p + 0.5) / width for p in positions]
            column_of[w] = {f: _nearest((f + 0.5) / w, centres) for f in found} if positions else {}
    return _Grid(positions, texts, column_of)


def _lead_text(cells: list[str]) -> list[int]:
    """Positions of a row's label text (left of its first figure)."""
    found = figure_positions(cells)
    end = found[0] if found else len(cells)
    return [i for i in range(end) if cells[i] and not CODE_CELL.match(cells[i])]


def _distance(position: int, others: list[int]) -> float:
    return min((abs(position - other) for other in others), default=float("inf"))


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


def _panel_width(body: _Body) -> int | None:
    """Cells per panel when the grid's header repeats side by side (决算 基本支出表: 编码 名称 决算数 | …)."""
    for line in body.header:
        cells = line.cells or []
        for period in range(2, len(cells) // 2 + 1):
            chunks = [cells[i:i + period] for i in range(0, len(cells), period)]
            if len(cells) % period == 0 and any(chunks[0]) and all(chunk == chunks[0] for chunk in chunks) \
                    and any(_labelled(data.cells, period) for data in body.data if data.cells):
                return period
    return None


def _labelled(cells: list[str], period: int) -> bool:
    """Every panel of the row has a label (else the repeat is a header's 预算数 | 决算数 pairs)."""
    return len(cells) % period == 0 and all(
        any(cell and not is_amount_token(cell) for cell in cells[i:i + period]) for i in range(0, len(cells), period))


def _unpaneled(body: _Body, period: int) -> _Body:
    """Each panel's cells on a line of its own, so the panels read as one table."""
    def split(lines: list[SourceLine], first_only: bool) -> list[SourceLine]:
        out = []
        for line in lines:
            cells = line.cells
            if cells is None or len(cells) % period:
                out.append(line)
                continue
            chunks = [cells[i:i + period] for i in range(0, len(cells), period)]
            out.extend(replace(line, cells=chunk) for chunk in chunks[:1 if first_only else None] if any(chunk))
        return out

    return replace(body, header=split(body.header, True), data=split(body.data, False), number_row_cells=None)


def _fitting_layout(raws: list[RawRow], spec: TableKind | None, header_text: str, count: int | None,
                    at_least: int, factor: Decimal) -> Layout | None:
    """Where the header does not settle it (a text whose header words wrapped apart), the layout under
    which most rows can be placed with their identities holding; the header's ranking breaks ties."""
    ranked = ranked_layouts(spec, header_text, count, at_least)
    if len(ranked) < 2:
        return None
    vocab = vocabulary()

    def fit(layout: Layout) -> int:
        identities = vocab.identities_for(list(layout.columns), layout)
        rows = [RowProblem([parse_amount(f.printed) * factor if f else None for f in raw.figures],
                           step=_step(raw, factor)) for raw in raws if len(raw.values) >= 2]
        problem = TableProblem(list(layout.columns), rows, identities)
        return sum(1 for row in rows if holds_somewhere(problem, row))

    return max(ranked, key=fit)  # max keeps the first of equals: the header's choice


def _build_plain(table: Table, spec: TableKind | None, body: _Body, factor: Decimal, context: DocumentContext) -> None:
    if not body.data:
        return
    header_text = " ".join(line.text for line in body.header)
    grid = all(line.cells is not None for line in body.data if has_figures(line))
    count = len(body.number_row) - sum(1 for t in body.number_row if not t.isdigit()) if body.number_row else None
    if grid:
        period = _panel_width(body)
        if period:
            body = _unpaneled(body, period)
        columns = _grid_columns(body)
        spare = columns.spare()
        if choose_layout(spec, header_text, len(columns.positions), 0) is None and spare and \
                choose_layout(spec, header_text, len(columns.positions) - len(spare), 0) is not None:
            columns.drop(spare)
        raws = [parse_grid_line(line, columns.column_of.get(len(line.cells), {}))
                for line in body.data if line.cells is not None]
        if period:  # in code order, so each class stays together (as `_panel_rows` does)
            raws = sorted((raw for raw in raws if raw.code), key=lambda raw: raw.code or "") + \
                [raw for raw in raws if not raw.code]
        resolved = resolve_header(spec, header_text, len(columns.positions), 0, columns.headers)
        keys = resolved.keys
        placements = [([f.position or 0 for f in raw.values], False, None) for raw in raws]
        for raw in raws:
            raw.figures = raw.values
    else:
        raws = _panel_rows(body.data) or assemble_token_rows(body.data)
        at_least = max((len(raw.figures) for raw in raws), default=0)
        resolved = resolve_header(spec, header_text, count, at_least,
                                  layout=_fitting_layout(raws, spec, header_text, count, at_least, factor))
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


