"""Table lines to raw rows: classification code, label, and the figures in printed order.

Two kinds of input: token lines (plain text, where an empty cell simply vanished) and grid lines
(tab-separated or PDF geometry, where every cell keeps its position).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.numbers import is_amount_token
from corpus.source import SourceLine

# Explicit "no value" marks some templates print in a cell: they hold a position like a figure.
PLACEHOLDERS = {"-", "—", "--", "——", "/", "－"}
CODE_SPLIT = re.compile(r"^([235]\d{2})(?:\s+(\d{2}))?(?:\s+(\d{2}))?(?=\s|[\u4e00-\u9fff]|$)")
CODE_JOINED = re.compile(r"^([235]\d{2}(?:\d{2}){0,2})(?=\s|[\u4e00-\u9fff]|$)")
NUMBER_ROW_MARK = {"※", "*", "栏次", "行次"}


@dataclass
class Figure:
    printed: str
    line: SourceLine
    position: int | None = None  # grid column index, when known


@dataclass
class RawRow:
    lines: list[SourceLine]
    code: str | None = None
    label_parts: list[str] = field(default_factory=list)
    figures: list[Figure | None] = field(default_factory=list)  # None: a placeholder ("-") holding a place

    @property
    def label(self) -> str:
        parts = [part for part in self.label_parts if part]
        if parts and all(len(part) == 1 for part in parts):
            return "".join(parts)  # spaced-out letters: "收 入 总 计"
        return " ".join(parts)

    @property
    def values(self) -> list[Figure]:
        return [figure for figure in self.figures if figure is not None]


def split_code(text: str) -> tuple[str | None, str]:
    """'201 29 01 行政运行 …' -> ('2012901', '行政运行 …'); no code -> (None, text)."""
    match = CODE_SPLIT.match(text)
    if match and (match.group(2) or re.match(r"[235]\d{2}(\s|$)", text)):
        code = "".join(group for group in match.groups() if group)
        rest = text[match.end():].lstrip()
        if (rest[:1] and not _is_figure(rest.split()[0])) or (not rest and match.group(2)):
            return code, rest  # a code alone on its line ("208 05 05") keeps its wrapped name below
    match = CODE_JOINED.match(text)
    if match:
        rest = text[match.end():].lstrip()
        if rest[:1] and not _is_figure(rest.split()[0]):
            return match.group(1), rest
    return None, text


def _is_figure(token: str) -> bool:
    return is_amount_token(token) or token in PLACEHOLDERS


def is_number_row(tokens: list[str]) -> bool:
    """The column-number line under a header: "※ ※ ※ 1 2 3 …" or "栏次 1 2 3"."""
    numbers = [token for token in tokens if token not in NUMBER_ROW_MARK]
    if len(numbers) < 2 or not all(token.isdigit() for token in numbers):
        return False
    return [int(token) for token in numbers] == list(range(1, len(numbers) + 1))


def tokens_of(line: SourceLine) -> list[str]:
    tokens = line.text.split()
    # "2024 年预算数": a year is not a figure
    return [token + "年" if i + 1 < len(tokens) and tokens[i + 1].startswith("年") and token.isdigit() else token
            for i, token in enumerate(tokens)]


def has_figures(line: SourceLine) -> bool:
    if line.cells is not None:
        return any(is_amount_token(cell) for cell in line.cells)
    return any(is_amount_token(token) for token in tokens_of(line))


def parse_token_line(line: SourceLine) -> RawRow:
    code, rest = split_code(line.text.strip())
    row = RawRow([line], code)
    for token in rest.split():
        if is_amount_token(token):
            row.figures.append(Figure(token, line))
        elif token in PLACEHOLDERS:
            row.figures.append(None)
        else:
            row.label_parts.append(token)
    return row


def parse_grid_line(line: SourceLine, value_positions: list[int]) -> RawRow:
    cells = line.cells or []
    first_value = min(value_positions) if value_positions else len(cells)
    lead = [cell for cell in cells[:first_value] if cell]
    code, rest = split_code(" ".join(lead))
    row = RawRow([line], code, [rest] if rest else [])
    for position in value_positions:
        cell = cells[position] if position < len(cells) else ""
        if is_amount_token(cell):
            row.figures.append(Figure(cell, line, position))
        elif cell and cell not in PLACEHOLDERS:
            row.label_parts.append(cell)  # text in a value column (a project name, a wrapped label)
    return row


def assemble_token_rows(lines: list[SourceLine]) -> list[RawRow]:
    """Join a row's pieces that PDF extraction put on several lines (code, wrapped name, figures)."""
    rows: list[RawRow] = []
    for line in lines:
        piece = parse_token_line(line)
        last = rows[-1] if rows else None
        if piece.code is None and last is not None and last.code is not None and not last.figures:
            # the name or the figures of a coded row, wrapped onto this line
            last.lines.append(line)
            last.label_parts.extend(piece.label_parts)
            last.figures.extend(piece.figures)
            continue
        short_tail = len("".join(piece.label_parts)) <= 4
        if piece.code is None and not piece.figures and last is not None and last.figures and short_tail \
                and last.label_parts:
            last.label_parts[-1] += "".join(piece.label_parts)  # the tail of a wrapped name
            last.lines.append(line)
            continue
        rows.append(piece)
    return rows
