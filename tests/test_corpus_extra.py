"""Every corpus-extra document parses; table kinds and units per document; PDF and text agree."""

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import EXTRA, parsed

pytestmark = pytest.mark.skipif(not EXTRA.exists(), reason="../shared/corpus-extra not available")

SH_BUDGET = ["收支总表", "收入总表", "支出总表", "财政拨款收支总表", "一般公共预算支出表", "政府性基金表", "国有资本经营表",
             "基本支出表", "三公经费表"]
SH_FINAL = ["收支总表", "收入总表", "支出总表", "财政拨款收支总表", "一般公共预算支出表", "基本支出表", "三公经费表",
            "政府性基金表", "国有资本经营表"]
JS_BUDGET = {"收支总表", "收入总表", "支出总表", "财政拨款收支总表", "财政拨款支出表", "财政拨款基本支出表", "一般公共预算支出表",
             "基本支出表", "三公经费表", "政府性基金表", "机关运行经费表", "政府采购表"}

# stem -> (kinds of the budget tables in order (Shanghai) or as a set (Jiangsu), unit of tables 1–8)
SHANGHAI = {
    "sh-putuo-sifaju-2026-dept-budget": (SH_BUDGET, "元"),
    "sh-putuo-sifaju-2026-unit-budget": (SH_BUDGET, "元"),
    "sh-putuo-wanli-street-2023-dept-budget": (SH_BUDGET, "元"),
    "sh-putuo-wanli-street-2024-dept-budget": (SH_BUDGET, "元"),
    "sh-putuo-wanli-street-2025-dept-budget": (SH_BUDGET, "元"),
    "sh-putuo-govoffice-2025-dept-budget": (SH_BUDGET, "元"),
    "sh-putuo-govoffice-2025-unit-budget": (SH_BUDGET, "元"),
    "sh-putuo-commerce-2025-dept-budget": (SH_BUDGET, "元"),
    "sh-putuo-commerce-2025-unit-budget": (SH_BUDGET, "元"),
    "sh-putuo-finance-2025-dept-budget": (SH_BUDGET, "元"),
    "sh-putuo-welfarehome-2024-unit-budget": (SH_BUDGET, "元"),
    "sh-putuo-shiquan-street-2026-unit-budget": (SH_BUDGET, "元"),
    "sh-city-finance-bureau-2025-unit-budget": (SH_BUDGET, "元"),
    "sh-putuo-finance-2024-dept-final": (SH_FINAL, "万元"),
    # the upstream author's test copy has no 支出决算表 in its body (only in the table of contents)
    "sh-putuo-finance-2024-dept-final-SEEDED-ERRORS": ([k for k in SH_FINAL if k != "支出总表"], "万元"),
    "sh-putuo-planning-2024-dept-final": (SH_FINAL, "万元"),
    "sh-putuo-socialwork-2024-dept-final": (SH_FINAL, "万元"),
    "sh-TEMPLATE-2024-dept-final-template": (SH_FINAL, "万元"),
}
JIANGSU = sorted(path.name.removesuffix(".txt") for path in EXTRA.glob("js-prov-*-dept-budget.txt"))


def budget_kinds(document) -> list[str]:
    return [t.kind for t in document.tables if t.kind not in ("整体绩效目标表", "项目绩效目标表")]


@pytest.mark.parametrize("stem", sorted(SHANGHAI))
@pytest.mark.parametrize("suffix", [".txt", ".layout.txt"])
def test_shanghai_tables_kinds_and_units(stem, suffix):
    kinds, unit = SHANGHAI[stem]
    path = EXTRA / (stem + suffix)
    if not path.exists():
        path = EXTRA / (stem + ".txt")
    document = parsed(str(path))
    assert budget_kinds(document) == kinds
    sangong = document.table("三公经费表")
    assert sangong.unit == "万元"
    assert {t.unit for t in document.tables if t.kind in kinds and t.kind != "三公经费表"} == {unit}
    assert document.metadata.template == "shanghai"


@pytest.mark.parametrize("stem", JIANGSU)
def test_jiangsu_tables_kinds_and_units(stem):
    document = parsed(str(EXTRA / f"{stem}.txt"))
    kinds = set(budget_kinds(document))
    assert kinds - {"国有资本经营表"} <= JS_BUDGET
    assert len(JS_BUDGET - kinds) <= 1, f"missing {JS_BUDGET - kinds}"
    assert {t.unit for t in document.tables} == {"万元"}
    assert document.metadata.kind == "预算" and document.metadata.year == int(re.search(r"-(20\d\d)-", stem).group(1))


def test_shanghai_yuan_converted_to_wan_with_printed_value_kept():
    document = parsed(str(EXTRA / "sh-putuo-sifaju-2026-unit-budget.txt"))
    table = document.table("支出总表")
    cells = [c for row in table.rows for c in row.cells if c.printed.replace(",", "") == "14348853.34"]
    assert cells, "14,348,853.34 元 not found"
    assert cells[0].value == Decimal("1434.885334")
    assert cells[0].printed == "14,348,853.34"


def test_narrative_only_document_parses_without_tables():
    document = parsed(str(EXTRA / "cq-transport-commission-2018-dept-budget-NARRATIVE-ONLY.txt"))
    assert document.tables == []
    assert any("三公" in s.text for p in document.paragraphs() for s in p.sentences)


def test_other_extraction_styles_parse():
    pages = parsed(str(EXTRA / "sh-putuo-shiquan-street-2026-unit-budget.pages.json"))
    text = parsed(str(EXTRA / "sh-putuo-shiquan-street-2026-unit-budget.txt"))
    assert pages.style == "pages-json" and pages.page_count == 34
    assert budget_kinds(pages) == budget_kinds(text)
    pdfparse = parsed(str(EXTRA / "sh-putuo-wanli-street-2025-dept-budget.pdfparse.txt"))
    # the upstream pdf.js-style extractor wrote 59 page-break markers for the 31-page PDF
    assert pdfparse.style == "pdfparse" and pdfparse.page_count == 60
    # its reading order is scrambled (titles after their tables' first rows), yet every table is found
    assert budget_kinds(pdfparse) == SH_BUDGET


def cells_of(document) -> Counter:
    return Counter((t.kind, r.side, r.code, c.column, c.printed) for t in document.tables for r in t.rows for c in r.cells)


PDF_STEMS = sorted({p.name.split(".")[0] for p in EXTRA.glob("*.pdf")})
# Shanghai budgets: both the ruled PDF grid and the text extraction are clean, so they must agree.
# Jiangsu and the Shanghai 决算 are measured, not asserted, except the documents in AGREEING_OTHERS: the
# rest lose empty cells or wrapped labels in their text (the grid is right there) or scramble figures
# (finance-2024-final); see the closing note.
# Known gap (cells agreeing, measured): welfarehome-2024 0.78 — its text loses empty cells (三公 购置费,
# 一般公共预算支出表 codes read as figures); the grid is right. Listed here so it stays visible.
KNOWN_GAPS = {"sh-putuo-welfarehome-2024-unit-budget"}
AGREEING_OTHERS = ["js-prov-cppcc-office-2018-dept-budget", "js-prov-cppcc-office-2019-dept-budget",
                   "js-prov-high-court-2017-dept-budget"]
AGREEING = [stem for stem in PDF_STEMS if stem.startswith("sh-") and stem.endswith("budget") and stem not in KNOWN_GAPS]
AGREEING += AGREEING_OTHERS


def read_pdf_document(stem: str):
    pdfs = [EXTRA / f"{stem}{suffix}.pdf" for suffix in ("", ".narrative", ".tables")]
    return parsed(*[str(path) for path in pdfs if path.exists()])  # narrative first, then tables


@pytest.mark.parametrize("stem", AGREEING)
def test_pdf_geometry_gives_the_same_cells_as_its_text(stem):
    from_pdf, from_text = cells_of(read_pdf_document(stem)), cells_of(parsed(str(EXTRA / f"{stem}.txt")))
    agreeing = sum((from_pdf & from_text).values())
    assert sum(from_text.values()) > 150
    assert agreeing >= 0.96 * sum(from_text.values())
    assert agreeing >= 0.96 * sum(from_pdf.values())


@pytest.mark.parametrize("stem", PDF_STEMS)
def test_every_pdf_reads_with_tables(stem):
    document = read_pdf_document(stem)
    assert document.style == "pdf" and document.page_count >= 10
    kinds = {t.kind for t in document.tables}
    assert "收支总表" in kinds and len(kinds) >= 8
    assert sum(len(r.cells) for t in document.tables for r in t.rows) >= (0 if "TEMPLATE" in stem else 100)


def test_every_document_parses():
    files = [p for p in EXTRA.iterdir() if p.suffix in (".txt", ".json") and Path(p).stat().st_size]
    assert len(files) >= 60
    for path in files:
        document = parsed(str(path))
        assert document.metadata.year is not None or "final" in path.name, path.name


@pytest.mark.parametrize("name, department, year, kind, scope, region", [
    ("sh-putuo-sifaju-2026-dept-budget.txt", "上海市普陀区司法局", 2026, "预算", "部门", "上海市普陀区"),
    ("sh-putuo-sifaju-2026-unit-budget.txt", "上海市普陀区司法局", 2026, "预算", "单位", "上海市普陀区"),
    ("sh-putuo-finance-2024-dept-final.txt", "上海市普陀区财政局", 2024, "决算", "部门", "上海市普陀区"),
    ("sh-city-finance-bureau-2025-unit-budget.txt", "上海市财政局", 2025, "预算", "单位", "上海市"),
    ("js-prov-high-court-2018-dept-budget.txt", "江苏省高级人民法院", 2018, "预算", "部门", "江苏省"),
    ("cq-transport-commission-2018-dept-budget-NARRATIVE-ONLY.txt", "重庆市交通委员会", 2018, "预算", "部门", "重庆市"),
])
def test_metadata_of_other_templates(name, department, year, kind, scope, region):
    meta = parsed(str(EXTRA / name)).metadata
    assert (meta.department, meta.year, meta.kind, meta.scope, meta.region) == (department, year, kind, scope, region)


def test_findings_do_not_depend_on_the_hash_seed():
    """The same input gives the same findings in every process (a set's order once decided whether
    "本年收入合计" meant 合计 or 本年收入, and with it a finding on this PDF)."""
    import json

    from tests.conftest import SAMPLES, gouji

    pdf = EXTRA / "sh-putuo-finance-2024-dept-final.pdf"
    if not pdf.exists():
        pytest.skip(f"{pdf} not available")
    outputs = [gouji("check", "--format", "json", str(SAMPLES), str(pdf), env={"PYTHONHASHSEED": seed})
               for seed in ("1", "2", "3")]
    reports = [json.loads(output.stdout) for output in outputs]
    assert reports[0]["documents"] and reports[0] == reports[1] == reports[2]
