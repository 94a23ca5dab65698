"""The PDFium geometry reader: text lines, pages, table cells in their grid columns."""

from decimal import Decimal

import pytest

from tests.conftest import EXTRA, extra, parsed

pytestmark = pytest.mark.skipif(not EXTRA.exists(), reason="../shared/corpus-extra not available")

SIFAJU = "sh-putuo-sifaju-2026-unit-budget.pdf"  # Shanghai 预算, amounts in 元
PLANNING = "sh-putuo-planning-2024-dept-final.pdf"  # Shanghai 决算, 万元
CPPCC = "js-prov-cppcc-office-2019-dept-budget"  # Jiangsu, narrative + tables, tables pages rotated 90°


def read(*names: str):
    from corpus.readers import read_sources

    return read_sources([str(extra(name)) for name in names])


def line_at(source, number: int):
    line = source.lines[number - 1]
    assert line.number == number
    return line


def test_line_numbers_and_pages_index_the_text():
    source = read(SIFAJU)
    rows = source.text.split("\n")
    assert len(rows) == len(source.lines) and source.page_count == 21
    for line in source.lines:
        assert rows[line.number - 1].strip() == line.text
        assert line.page == 1 + "\n".join(rows[:line.number]).count("\f")


def test_shanghai_row_cells_one_per_grid_column():
    source = read(SIFAJU)
    line = line_at(source, 156)
    assert line.page == 11
    assert line.text == "204 06 01 行政运行 14,348,853.34 14,348,853.34 64,840,547.00"
    assert line.cells == ["204", "06", "01", "行政运行", "14,348,853.34", "14,348,853.34", "64,840,547.00"]
    assert line_at(source, 149).text == "编制单位：上海市普陀区司法局 单位：元"  # one line, as printed


def test_shanghai_yuan_cell_in_its_column():
    table = parsed(str(extra(SIFAJU))).table("支出总表")
    row = next(row for row in table.rows if row.label == "行政运行")
    cells = {cell.column: cell for cell in row.cells}
    assert cells["合计"].printed == cells["基本支出"].printed == "14,348,853.34"
    assert cells["合计"].value == Decimal("1434.885334")
    assert cells["项目支出"].printed == "64,840,547.00"  # what the PDF prints in this row
    assert (cells["合计"].span.line, cells["合计"].span.page) == (156, 11)


def test_shanghai_code_cells_make_the_row_code():
    table = parsed(str(extra(SIFAJU))).table("支出总表")
    row = next(row for row in table.rows if row.label == "行政运行")
    assert row.code == "2040601" and {cell.column for cell in row.cells} == {"合计", "基本支出", "项目支出"}


def test_jiangsu_split_document_rotated_table_page():
    source = read(f"{CPPCC}.narrative.pdf", f"{CPPCC}.tables.pdf")
    assert source.page_count == 30
    line = line_at(source, 493)
    assert (line.page, line.cells) == (23, ["2010201", "行政运行", "5,223.22"])
    assert line_at(source, 470).text == "部门：江苏省政协办公厅 单位：万元"
    assert line_at(source, 470).cells is None  # the unit line is above the grid
    document = parsed(*(str(extra(f"{CPPCC}.{part}.pdf")) for part in ("narrative", "tables")))
    row = next(row for row in document.table("财政拨款支出表").rows if row.code == "2010201")
    assert [(cell.column, cell.printed, cell.span.line, cell.span.page) for cell in row.cells] == \
        [("金额", "5,223.22", 493, 23)]


def test_shanghai_final_wrapped_cell_continues_its_row():
    source = read(PLANNING)
    first, wrapped = line_at(source, 191), line_at(source, 192)
    assert first.page == 10 and first.cells[:5] == ["2080505", "机关事业单位基本养老保险缴费支出", "446.11", "446.11", "0.00"]
    assert wrapped.text == "险缴费支出" and wrapped.continued and wrapped.cells is None
    table = parsed(str(extra(PLANNING))).table("支出总表")
    row = next(row for row in table.rows if row.code == "2080501")
    assert [(cell.column, cell.printed) for cell in row.cells] == \
        [("合计", "54.53"), ("基本支出", "54.53"), ("项目支出", "0.00")]


@pytest.mark.parametrize("name, page", [(SIFAJU, 10), (f"{CPPCC}.tables.pdf", 5), (PLANNING, 6),
                                        ("js-prov-procuratorate-2018-dept-budget.pdf", 14)])
def test_stand_in_page_gives_pdfplumbers_own_grid(name, page):
    """TableFinder is pdfplumber-internal: the stand-in must keep giving what page.find_tables() gives."""
    import pdfplumber
    import pypdfium2 as pdfium
    from pdfplumber.table import TableFinder

    from corpus.readers.pdf_cells import find_tables
    from corpus.readers.pdf_geometry import page_objects, read_chars, read_geometry
    from corpus.readers.pdf_layout import _extract, _middle

    path = str(extra(name))
    document = pdfium.PdfDocument(path)
    pdfium_page = document[page]
    stand_in = read_geometry(pdfium_page, page_objects(pdfium_page).boxes, read_chars(pdfium_page))
    ours = [table.extract() for table in TableFinder(stand_in).tables]
    with pdfplumber.open(path) as pdf:
        theirs = [table.extract() for table in pdf.pages[page].find_tables()]
    assert ours and ours == theirs
    # the reader's own cell search and per-row extraction give pdfplumber's cells and texts
    fast = find_tables(stand_in)
    assert [table.cells for table in fast] == [table.cells for table in TableFinder(stand_in).tables]
    order = sorted(range(len(stand_in.chars)), key=lambda index: _middle(stand_in.chars[index]))
    middles = [_middle(stand_in.chars[index]) for index in order]
    assert [_extract(table, stand_in.chars, order, middles) for table in fast] == theirs
