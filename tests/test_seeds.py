"""The five bundled seeds: every table found with its kind, and cells in their exact columns."""

from decimal import Decimal

import pytest

from tests.conftest import parsed, seed

XINJIANG_KINDS = ["收支总表", "收入总表", "支出总表", "财政拨款收支总表", "一般公共预算支出表", "基本支出表", "项目支出表",
                  "政府性基金表", "国有资本经营表", "三公经费表", "结转结余表"]


def doc(prefix: str):
    return parsed(str(seed(prefix)))


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_table_found_with_its_kind(prefix):
    tables = [t for t in doc(prefix).tables if t.number]
    assert [t.number for t in tables] == [str(n) for n in range(1, 12)]
    assert [t.kind for t in tables] == XINJIANG_KINDS
    assert all(t.unit == "万元" for t in tables)
    kinds = {t.kind for t in doc(prefix).tables}
    assert {"整体绩效目标表", "项目绩效目标表"} <= kinds


@pytest.mark.parametrize("prefix, department, year, region", [
    ("000", "昌吉回族自治州总工会", 2024, "昌吉回族自治州"),
    ("001", "克孜勒苏柯尔克孜自治州总工会", 2025, "克孜勒苏柯尔克孜自治州"),
    ("002", "昌吉回族自治州工商业联合会", 2024, "昌吉回族自治州"),
    ("003", "尉犁县总工会", 2025, "尉犁县"),
    ("004", "昌吉回族自治州人民政府办公室", 2024, "昌吉回族自治州"),
])
def test_metadata(prefix, department, year, region):
    meta = doc(prefix).metadata
    assert (meta.department, meta.year, meta.kind, meta.scope, meta.region) == (department, year, "预算", "部门", region)


def test_seed000_table3_project_only_row():
    row = doc("000").table("支出总表").find_row(code="201 29 06")
    assert row.label == "工会事务"
    assert row.value("合计") == Decimal("180.00")
    assert row.cell("基本支出") is None
    assert row.value("项目支出") == Decimal("180.00")
    assert not row.ambiguous


def test_seed000_table2_carryover_column_inferred_from_table1():
    """工会事务 180.00 has only 总计 and one other figure: 表1 says the money is 财政拨款结转."""
    table = doc("000").table("收入总表")
    row = table.find_row(code="2012906")
    assert {c.column: c.printed for c in row.cells} == {"合计": "180.00", "财政拨款结转": "180.00"}
    total = table.total_row
    assert total.value("一般公共预算") == Decimal("430.12") and total.value("财政拨款结转") == Decimal("180.00")
    assert not any(r.ambiguous for r in table.rows)


def test_seed000_wrapped_row_name_and_figures_joined():
    row = doc("000").table("收入总表").find_row(code="2080505")
    assert row.label.replace(" ", "") == "机关事业单位基本养老保险缴费支出"
    assert row.value("一般公共预算") == Decimal("33.66")
    assert row.span.line == 197 and row.span.end_line == 201


def test_seed002_table1_income_items():
    table = doc("002").table("收支总表")
    carry = table.find_row(label="上年结转结余", side="收入")
    assert carry.value("金额") == Decimal("17.86") and carry.span.line == 198
    # 单位资金 twice: the year's own (5.单位资金, empty) and the carried-over one under 非财政拨款结转结余
    unit_funds = [row for row in table.rows if row.side == "收入" and row.concept == "单位资金"]
    assert [(row.span.line, row.value("金额")) for row in unit_funds] == [(186, None), (212, Decimal("12.00"))]
    assert table.find_row(label="非财政拨款结转结余", side="收入").value("金额") == Decimal("12.00")
    assert table.find_row(code="229", side="支出").value("金额") == Decimal("5.86")
    assert table.find_row(label="支出总计", side="支出").value("金额") == Decimal("298.61")


def test_seed004_grid_table6_vehicle_costs_in_public_funds():
    row = doc("004").table("基本支出表").find_row(code="30231")
    assert row.label == "公务用车运行维护费"
    assert row.value("公用经费") == Decimal("68.00")
    assert row.cell("人员经费") is None


def test_seed000_sangong_table_columns_from_fund_evidence():
    table = doc("000").table("三公经费表")
    total = table.total_row
    assert total.value("合计") == Decimal("3.20") and total.value("一般公共预算") == Decimal("3.20")
    assert table.find_row(label="公务接待费").value("合计") == Decimal("0.20")
    assert not any(r.ambiguous for r in table.rows)


def test_empty_tables_keep_their_statement():
    table = doc("003").table("项目支出表")
    assert not table.rows
    assert table.empty_statement.startswith("尉犁县总工会 2025 年没有使用一般公共预算安排项目支出")
    assert table.empty_statement.endswith("为空表。")


def test_sentence_rejoined_across_wrap_keeps_lines():
    document = doc("000")
    hits = [s for p in document.paragraphs() for s in p.sentences if "增长 5.71%" in s.text]
    assert len(hits) == 1  # "增\n\n长 5.71%" in the file
    sentence = hits[0]
    assert "一般公共预算 430.12 万元，占 70.50%，比上年预算增加 23.24 万元，增长 5.71%，主要原因是" in sentence.text
    assert (sentence.span.line, sentence.span.end_line, sentence.span.page) == (770, 774, 12)


def test_section_tree():
    document = doc("003")
    part3 = next(p for p in document.parts if p.number == "第三部分")
    numbers = [s.number for s in part3.sections]
    assert numbers == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    five = part3.sections[4]
    assert [c.number for c in five.children] == ["一", "二", "三"]
    assert five.title.endswith("一般公共预算当年拨款情况说明")
