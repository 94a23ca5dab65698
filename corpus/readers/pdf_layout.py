"""Text lines and table rows of one page, both built from the same PDFium chars.

Lines: chars grouped by vertical position, sorted by x, a space where the gap is wider than pdfplumber's
word tolerance, so a line reads like pdfplumber's `extract_text` ("201 29 01 行政运行 177.15 177.15").
Tables: pdfplumber's TableFinder (lines strategy, default settings) on the stand-in page; each grid row
is joined to the text lines whose vertical centre falls inside it.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from pdfplumber import utils

from corpus.numbers import is_amount_token
from corpus.readers.pdf_cells import find_tables
from corpus.readers.pdf_geometry import Box, PageGeometry

# pdfplumber's default x_tolerance: a gap wider than this between two chars starts a new word.
WORD_GAP = 3.0


@dataclass
class TextLine:
    chars: list[dict]
    top: float
    bottom: float
    text: str = ""
    cells: list[str] | None = None
    continued: bool = False

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class GridRow:
    bbox: Box  # pdfplumber's row bbox: it also covers cells merged downwards over later rows
    boxes: list[Box]  # the row's own cells
    cells: list[str]
    lines: list[TextLine] = field(default_factory=list)
    bands: list[tuple[float, float]] = field(default_factory=list)  # the table's columns, left to right

    def holds(self, char: dict) -> bool:
        """The char is in one of the row's cells, by the test Table.extract uses."""
        x, y = (char["x0"] + char["x1"]) / 2, _middle(char)
        return any(x0 <= x < x1 and top <= y < bottom for x0, top, x1, bottom in self.boxes)


def _middle(char: dict) -> float:
    return (char["top"] + char["bottom"]) / 2


def group_lines(chars: list[dict]) -> list[TextLine]:
    """Chars (spaces included) to text lines, top to bottom; a space only separates words; hidden chars
    (flagged by read_chars) take their place in the grouping and are then dropped.

    A char joins the current line when each one's vertical centre lies inside the other's extent. Both
    directions are checked so that a line cannot creep downwards char by char; a baseline-shifted run of
    digits beside CJK text (they overlap by more than half) stays on its line.
    """
    lines: list[TextLine] = []
    line: TextLine | None = None
    anchor = 0.0  # vertical centre of the current line's first char
    for char in sorted(chars, key=_middle):
        top, bottom = char["top"], char["bottom"]
        middle = (top + bottom) / 2
        blank = char["text"].isspace()
        if line is not None and line.top <= middle <= line.bottom and top <= anchor <= bottom:
            line.chars.append(char)
            if not blank:
                line.top, line.bottom = min(line.top, top), max(line.bottom, bottom)
        elif not blank:
            line = TextLine([char], top, bottom)
            lines.append(line)
            anchor = middle
    lines = _rejoin_marks(lines)
    for line in lines:
        # hidden text is dropped only now: a line of it stays an empty line, so lines keep the numbering
        # of the whole text layer (a reviewer's line numbers hold when what the reader shows changes)
        line.chars = sorted((char for char in line.chars if not char.get("hidden")), key=lambda char: char["x0"])
        line.text = _line_text(line.chars)
    return lines


# Full-width punctuation (and the flat stroke 一, drawn like a dash) that some producers (ONLYOFFICE) set
# with glyph boxes below their line, so the marks come out as a line of their own: "， ： ，".
MARKS = set("，。：；、！？（）“”《》…—一")


def _rejoin_marks(lines: list[TextLine]) -> list[TextLine]:
    """A line of nothing but marks, just below a line of text, each mark in a gap of that line, is put back
    into it by x; it stays an empty line, so that lines keep the text layer's numbering. (A paragraph's last
    "。" wrapped to the next line sits at the margin, under text: kept.)"""
    previous: TextLine | None = None  # the last line that kept its text
    for line in lines:
        marks = [char for char in line.chars if not char["text"].isspace()]
        if (previous is not None and marks and {char["text"] for char in marks} <= MARKS
                and line.top - previous.bottom < previous.bottom - previous.top
                and all(_in_gap(previous, char) for char in marks)):
            previous.chars.extend(line.chars)
            line.chars = []
            continue
        previous = line
    return lines


def _in_gap(line: TextLine, mark: dict) -> bool:
    centre, width = (mark["x0"] + mark["x1"]) / 2, mark["x1"] - mark["x0"]
    chars = [char for char in line.chars if not char["text"].isspace()]
    left = min(char["x0"] for char in chars) - width if mark["text"] == "一" else min(char["x1"] for char in chars)
    return (left < centre < max(char["x1"] for char in chars) + width
            and not any(char["x0"] <= centre <= char["x1"] for char in chars))


def _line_text(chars: list[dict]) -> str:
    parts: list[str] = []
    gap = False
    right = None
    for char in chars:
        if char["text"].isspace():
            gap = True
            continue
        if parts and (gap or (right is not None and char["x0"] > right + WORD_GAP)):
            parts.append(" ")
        parts.append(char["text"])
        right = char["x1"]
        gap = False
    return "".join(parts)


def _cell_text(cell: str | None) -> str:
    return "" if cell is None else cell.replace("\n", "")


def grid_rows(page: PageGeometry) -> list[GridRow]:
    """Every row of every ruled table on the page with its cells ('' for empty and merged cells)."""
    rows = []
    by_middle = sorted(range(len(page.chars)), key=lambda index: _middle(page.chars[index]))
    middles = [_middle(page.chars[index]) for index in by_middle]
    for table in find_tables(page):
        texts = _extract(table, page.chars, by_middle, middles)
        if max(len(row) for row in texts) < 2:
            continue  # a framed paragraph, not a table
        bands = [(column.bbox[0], column.bbox[2]) for column in table.columns]
        for row, cells in zip(table.rows, texts):
            boxes = [box for box in row.cells if box is not None]
            if len(boxes) == 1:
                continue  # one cell across the table: a title or note band inside the frame, not a row
            texts_of_row = [_cell_text(_with_marks_rejoined(cell, box, page.chars, by_middle, middles))
                            for box, cell in zip(row.cells, cells)]
            rows.append(GridRow(row.bbox, boxes, texts_of_row, bands=bands))
    return rows


def _with_marks_rejoined(text: str | None, box: Box | None, chars: list[dict], by_middle: list[int],
                         middles: list[float]) -> str | None:
    """A cell of several lines read again as text lines are, so that marks set below their line
    (ONLYOFFICE: "般公共服务支出" over "一") go back into it by x. Only the chars of the cell's band are
    looked at (by_middle/middles: the page's chars by vertical centre)."""
    if not text or "\n" not in text or box is None:
        return text
    x0, top, x1, bottom = box
    band = (chars[index] for index in sorted(by_middle[bisect_left(middles, top):bisect_left(middles, bottom)]))
    inside = [char for char in band if x0 <= _centre(char) < x1]
    return "\n".join(line.text for line in group_lines(inside) if line.text)


def _extract(table, chars: list[dict], by_middle: list[int], middles: list[float]) -> list[list[str | None]]:
    """pdfplumber's `Table.extract`, cell for cell, but each row looks only at the chars whose vertical
    centre falls in its band (found by bisection) instead of testing every char of the page."""
    texts = []
    for row in table.rows:
        left, top, right, bottom = row.bbox
        inside = sorted(by_middle[bisect_left(middles, top):bisect_left(middles, bottom)])  # stream order
        # each char's centre once per row, not once per cell
        placed = [(x, _middle(char), char) for char in (chars[index] for index in inside)
                  if left <= (x := _centre(char)) < right]
        cells: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            x0, top, x1, bottom = cell
            cell_chars = [char for x, y, char in placed if x0 <= x < x1 and top <= y < bottom]
            cells.append(_text_of_cell(cell_chars) if cell_chars else "")
        texts.append(cells)
    return texts


LINE_TOLERANCE = 3.0  # pdfplumber's default y_tolerance: tops further apart are another line


def _text_of_cell(chars: list[dict]) -> str:
    """pdfplumber's `utils.extract_text` of a cell's chars. A one-line cell (every top within the line
    tolerance, no ligature to expand) is read here by the same word rules, without pdfplumber's text map,
    which is most of a table's reading time; anything else goes to pdfplumber."""
    tops = [char["top"] for char in chars]
    if max(tops) - min(tops) > LINE_TOLERANCE or any(char["text"] in utils.text.LIGATURES for char in chars):
        return utils.extract_text(chars)
    words: list[str] = []
    word: list[dict] = []
    for char in sorted(chars, key=lambda char: char["x0"]):
        if char["text"].isspace():
            if word:
                words.append("".join(c["text"] for c in word))
            word = []
        elif word and (char["x0"] < word[-1]["x0"] or char["x0"] > word[-1]["x1"] + WORD_GAP
                       or abs(char["top"] - word[-1]["top"]) > LINE_TOLERANCE):
            words.append("".join(c["text"] for c in word))
            word = [char]
        else:
            word.append(char)
    if word:
        words.append("".join(c["text"] for c in word))
    return " ".join(words)


def _centre(char: dict) -> float:
    return (char["x0"] + char["x1"]) / 2


def _fill_merged(row: GridRow, line: TextLine) -> list[str]:
    """The row's cells, with a figure printed on its line in a column whose cell the grid merged away
    (Jiangsu: a 类 row's amount in a cell merged over several rows reads empty) put back in that column."""
    cells = list(row.cells)
    if len(row.bands) != len(cells):
        return cells
    words = set(line.text.split())
    for index, (x0, x1) in enumerate(row.bands):
        if cells[index]:
            continue
        text = "".join(char["text"] for char in line.chars
                       if not char["text"].isspace() and x0 <= (char["x0"] + char["x1"]) / 2 < x1)
        if text in words and is_amount_token(text) and text not in cells:  # a whole printed figure
            cells[index] = text
    return cells


def attach_rows(lines: list[TextLine], rows: list[GridRow]) -> None:
    """Put each row's cells on its first text line; its other lines (a wrapped cell) are continued.

    A line belongs to the row whose cells hold most of its chars; only rows spanning the line's
    middle are tried, since merged cells make row boxes overlap.
    """
    for line in lines:
        candidates = [row for row in rows if row.bbox[1] <= line.middle < row.bbox[3]]
        if len(candidates) > 1:
            candidates.sort(key=lambda row: -sum(row.holds(char) for char in line.chars))
        if candidates and any(candidates[0].holds(char) for char in line.chars):
            candidates[0].lines.append(line)
    for row in rows:
        if row.lines:
            row.lines[0].cells = _fill_merged(row, row.lines[0])
            for line in row.lines[1:]:
                line.continued = True
