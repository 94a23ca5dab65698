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
# 类 款 项 printed apart: "201 29 01"; some templates drop the 款's leading zero ("301 2" for 30102)
CODE_SPLIT = re.compile(r"^([235]\d{2})(?:\s+(\d{1,2}))?(?:\s+(\d{1,2}))?(?=\s|[\u4e00-\u9fff]|$)")
CODE_JOINED = re.compile(r"^([235]\d{2}(?:\d{2}){0,2})(?=\s|[\u4e00-\u9fff]|$)")
NUMBER_ROW_MARK = {"※", "*", "栏次", "行次"}
# An item's own numbering ("二、外交支出", "2.政府性基金预算"): a second one on a line starts a new item.
ORDINAL_TOKEN = re.compile(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[.．、](?!\d))")


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
    uncertain: set[int] = field(default_factory=set)  # figures whose column differs between readings

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
        code = join_code(match.groups())
        rest = text[match.end():].lstrip()
        if (rest[:1] and not _is_figure(rest.split()[0])) or (not rest and match.group(2)):
            return code, rest  # a code alone on its line ("208 05 05") keeps its wrapped name below
    match = CODE_JOINED.match(text)
    if match:
        rest = text[match.end():].lstrip()
        if rest[:1] and not _is_figure(rest.split()[0]):
            return match.group(1), rest
    return None, text


def join_code(groups: tuple[str | None, ...]) -> str:
    """('301', '2', None) -> '30102'."""
    head, *rest = [group for group in groups if group]
    return head + "".join(part.zfill(2) for part in rest)


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


CODE_FRAGMENT = re.compile(r"\d{1,3}")  # a 类/款/项 part: "7 11 02 事业单位医疗" (a 类 code printed wrong)


def parse_token_line(line: SourceLine) -> RawRow:
    code, rest = split_code(line.text.strip())
    tokens = rest.split()
    if code is None and tokens and _bare_code(tokens, 0):
        code, tokens = tokens[0], tokens[1:]  # "2080505 6.18 6.18": its name wrapped above and below
    # code parts before the name that make no code are part of the label, as in the PDF's grid
    lead = next((i for i, token in enumerate(tokens) if not CODE_FRAGMENT.fullmatch(token)), len(tokens))
    fragments = lead if code is None and 0 < lead < len(tokens) and not _is_figure(tokens[lead]) else 0
    row = RawRow([line], code, tokens[:fragments])
    for token in tokens[fragments:]:
        if is_amount_token(token):
            row.figures.append(Figure(token, line))
        elif token in PLACEHOLDERS:
            row.figures.append(None)
        else:
            row.label_parts.append(token)
    return row


# a 类/款/项 code cell ("204", "06", "2040601"; a cut-off "7" for a 类 printed too narrow)
CODE_CELL = re.compile(r"^\d{1,3}$|^\d{5}$|^\d{7}$")


def grid_cells(line: SourceLine) -> list[str]:
    """The row's cells, with a figure a ruling cut in two ("267.8" | "0") joined again: the line's text
    prints it as one token."""
    cells = list(line.cells or [])
    tokens = set(line.text.split())
    for i in range(len(cells) - 1):
        joined = cells[i] + cells[i + 1]
        if cells[i] and cells[i + 1][:1].isdigit() and joined in tokens and cells[i] not in tokens:
            cells[i], cells[i + 1] = joined, ""
    return cells


def figure_positions(cells: list[str]) -> list[int]:
    """Grid positions of a row's figures; codes leading the row ("204" | "公共安全支出") are not figures."""
    positions = []
    leading = True
    for i, cell in enumerate(cells):
        if not cell:
            continue
        if leading and CODE_CELL.match(cell) and any(c and not _is_figure(c) for c in cells[i + 1:]):
            continue
        leading = False
        if is_amount_token(cell):
            positions.append(i)
    return positions


def parse_grid_line(line: SourceLine, column_of: dict[int, int]) -> RawRow:
    """A grid row; each figure's `position` is its value column (column_of maps grid positions)."""
    cells = grid_cells(line)
    positions = figure_positions(cells)
    first_value = positions[0] if positions else len(cells)
    lead = [cell for cell in cells[:first_value] if cell]
    code, rest = split_code(" ".join(lead))
    row = RawRow([line], code, [rest] if rest else [])
    for position in range(first_value, len(cells)):
        cell = cells[position]
        if position in positions and position in column_of:
            row.figures.append(Figure(cell, line, column_of[position]))
        elif cell and cell not in PLACEHOLDERS and not is_amount_token(cell):
            row.label_parts.append(cell)  # text in a value column (a project name, a wrapped label)
    return row


def assemble_token_rows(lines: list[SourceLine]) -> list[RawRow]:
    """Join a row's pieces that PDF extraction put on several lines (code, wrapped name, figures)."""
    rows: list[RawRow] = []
    pieces = [parse_token_line(line) for line in lines]
    for index, piece in enumerate(pieces[:-1]):
        if _code_alone(piece) and pieces[index + 1].label_parts and pieces[index + 1].code is None:
            piece.code, piece.figures = piece.figures[0].printed, []  # "22102" above "住房改革支出 461.08 …"
    around: set[int] = set()  # rows whose name wrapped around their code-and-figures line
    # a table whose names wrap around their code-and-figures lines has such lines without a name; in the
    # others a name starts on its code line and only its tail wraps below
    wraps_around_figures = any(_headless(piece) for piece in pieces)
    for index, piece in enumerate(pieces):
        line = piece.lines[0]
        last = rows[-1] if rows else None
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        figures_only = piece.code is None and piece.figures and not piece.label_parts
        if last is not None and not last.figures and last.code is None and last.label_parts \
                and piece.code is not None and piece.figures and (wraps_around_figures or _headless(piece)):
            # the code and figures of a row whose name wrapped around them ("社会保障和就" / "208 754.75 …" /
            # "业支出", or "机关事业单位" / "2080505 基本养老保险 446.11 …" / "缴费支出")
            last.code = piece.code
            last.lines.append(line)
            last.label_parts[-1] += "".join(piece.label_parts)  # one name, wrapped
            last.figures.extend(piece.figures)
            around.add(id(last))
            continue
        if last is not None and not last.figures and piece.code is None and (last.code is not None or figures_only):
            # the name or the figures of a row, wrapped onto this line ("合计" / "13,649.07")
            last.lines.append(line)
            last.label_parts.extend(piece.label_parts)
            last.figures.extend(piece.figures)
            continue
        # the tail of a wrapped name: short, or after a name that wrapped around its figures; but in a table
        # whose names wrap around their figures, a name line right above a coded row is that row's head
        short = len("".join(piece.label_parts)) <= 4
        wraps_around = last is not None and id(last) in around
        after = pieces[index + 2] if index + 2 < len(pieces) else None
        heads_next = following is not None and following.code is not None and bool(following.figures) \
            and (_headless(following) or _name_only(after)) and (wraps_around or not short)
        # a name line between two coded rows of a table whose names start on their code lines is a tail
        between_coded = not wraps_around_figures and last is not None and last.code is not None and \
            following is not None and following.code is not None and bool(following.label_parts)
        if piece.code is None and not piece.figures and last is not None and last.figures \
                and (short or wraps_around or between_coded) and not heads_next:
            if last.label_parts:
                last.label_parts[-1] += "".join(piece.label_parts)
            else:
                last.label_parts.extend(piece.label_parts)  # a name printed only below its figures
            last.lines.append(line)
            continue
        rows.append(piece)
    return rows


def _name_only(piece: RawRow | None) -> bool:
    return piece is not None and piece.code is None and not piece.figures and bool(piece.label_parts)


def _code_alone(piece: RawRow) -> bool:
    """A joined 款/项 code alone on its line, read as a figure ("22102")."""
    return piece.code is None and not piece.label_parts and len(piece.figures) == 1 and \
        piece.figures[0] is not None and len(piece.figures[0].printed) in (5, 7) and \
        CODE_JOINED.fullmatch(piece.figures[0].printed) is not None


def _headless(piece: RawRow) -> bool:
    """A code and its figures without a name ("2080505 6.18 6.18"): the name wrapped around the line."""
    return piece.code is not None and bool(piece.figures) and not piece.label_parts


def _bare_code(tokens: list[str], i: int) -> bool:
    """A joined 类/款/项 code directly followed by a decimal figure: "30108 6.18", "208 754.75" (name on
    other lines; no amount among decimals is printed as a bare 3-digit integer)."""
    token = tokens[i]
    following = tokens[i + 1] if i + 1 < len(tokens) else ""
    return len(token) in (3, 5, 7) and CODE_JOINED.fullmatch(token) is not None and "." in following \
        and is_amount_token(following)


def split_items(line: SourceLine) -> list[RawRow]:
    """Cut a line holding several items side by side (收入 | 支出, or panels of one table) into items:
    a new item starts where a label follows figures, or where a classification code starts."""
    tokens = line.text.split()
    items: list[RawRow] = []
    current = RawRow([line])
    i = 0
    while i < len(tokens):
        token = tokens[i]
        figure = is_amount_token(token) or token in PLACEHOLDERS
        code, rest = split_code(" ".join(tokens[i:]))
        if code is None and _bare_code(tokens, i):
            code, rest = token, " ".join(tokens[i + 1:])  # its name wrapped onto the lines around it
        ordinal = ORDINAL_TOKEN.match(token) is not None and bool(current.label_parts)
        if (not figure and current.figures) or (code and (current.label_parts or current.figures)) or ordinal:
            items.append(current)
            current = RawRow([line])
        if code and not current.label_parts:
            current.code = code
            tokens = tokens[:i] + rest.split()  # the code may be glued to its label ("301工资福利支出")
            continue
        if figure:
            current.figures.append(Figure(token, line) if token not in PLACEHOLDERS else None)
        else:
            current.label_parts.append(token)
        i += 1
    if current.label_parts or current.figures or current.code:
        items.append(current)
    return items
