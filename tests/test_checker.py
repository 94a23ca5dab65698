"""The checker on real documents: the reviewed errors of the seeds, the reviewers' sheets for sifaju."""

import json
import subprocess
import sys
from functools import cache

import pytest

from tests.conftest import EXTRA, ROOT, gouji, parsed, seed


@cache
def findings(path: str):
    from checker.runner import check_document

    return check_document(parsed(path))


def seed_report(prefix: str):
    return findings(str(seed(prefix)))


# Every error-severity finding on the five seeds, read and confirmed real (DOMAIN.md names both).
REVIEWED_SEED_ERRORS = {
    "000": [("GJ304", 1104)],  # 绩效目标表 本级安排 601.12 restates the 610.12 budget
    # 绩效目标表 puts the 100.00 of 1% 工会经费 under 其他资金, while the 收支总表 has all 411.81 as
    # 一般公共预算拨款 and no 单位资金 (the narrative: 财政在年初预算拨入 1%工会经费)
    "001": [("GJ304", 1064)],
    "002": [("GJ303", 1111)],  # 资金分配情况 items add up to 39.50, 预算安排规模 is 40.00
    "003": [],
    "004": [],
}


@pytest.mark.parametrize("prefix", sorted(REVIEWED_SEED_ERRORS))
def test_seed_errors_are_exactly_the_reviewed_ones(prefix):
    errors = [(f.rule, f.line) for f in seed_report(prefix).findings if f.severity == "error"]
    assert errors == REVIEWED_SEED_ERRORS[prefix]


def test_one_cent_differences_are_rounding_not_errors():
    report = seed_report("000")
    rounding = {(f.rule, f.line) for f in report.findings if f.severity == "rounding"}
    assert ("GJ502", 193) in rounding  # 208 05 行政事业单位养老支出 53.00 vs its 项 rows 52.99
    assert ("GJ203", 848) in rounding  # 住房保障支出 占 6.25% of 430.12 (26.86 / 430.12 = 6.245%)
    share = next(f for f in seed_report("004").findings if (f.rule, f.line) == ("GJ203", 468))
    assert share.severity == "rounding" and share.stated == "82.26%" and share.expected == "82.27%"


def test_evidence_points_at_text_and_table():
    finding = next(f for f in seed_report("002").findings if f.rule == "GJ303")
    assert finding.evidence[0].kind == "text" and finding.evidence[0].line == 1111
    assert "预算安排规模" in finding.evidence[0].quote
    performance = next(f for f in seed_report("000").findings if f.rule == "GJ304")
    table_cells = [e for e in performance.evidence if e.kind == "table"]
    assert any(e.quote.endswith("610.12") for e in table_cells)


def test_growth_from_zero_is_a_note():
    notes = [f for f in seed_report("001").findings if f.rule == "GJ205"]
    assert notes and all(f.severity == "note" and f.stated == "100.00%" for f in notes)


def sifaju(scope: str):
    path = EXTRA / f"sh-putuo-sifaju-2026-{scope}-budget.txt"
    if not path.exists():
        pytest.skip("corpus-extra not available")
    return findings(str(path)).findings


def has(found, rule: str, line: int, severity: str | None = None) -> bool:
    return any(f.rule == rule and f.line == line and (severity is None or f.severity == severity) for f in found)


class TestSifajuDepartmentReviewSheet:
    """sh-putuo-sifaju-2026-dept-budget.review.csv, item by item."""

    def test_blank_page_after_contents(self):
        assert any(f.rule == "GJ705" and "第 3 页" in f.message for f in sifaju("dept"))

    def test_functions_text_printed_twice(self):
        assert has(sifaju("dept"), "GJ806", 45)

    def test_five_comparisons_with_the_wrong_year(self):
        wrong_year = [f for f in sifaju("dept") if f.rule == "GJ801"]
        assert len(wrong_year) == 5 and all(f.stated == "2026年预算" for f in wrong_year)

    def test_missing_full_stop_after_the_reason(self):
        finding = next(f for f in sifaju("dept") if f.rule == "GJ807")
        assert finding.line == 93 and finding.stated.endswith("工作量增加")

    def test_doubled_full_stop(self):
        assert has(sifaju("dept"), "GJ804", 104)

    def test_impossible_growth_rate(self):
        finding = next(f for f in sifaju("dept") if f.rule == "GJ202" and f.line == 108)
        assert finding.severity == "error" and finding.stated == "17.62%" and finding.expected == "-91.11%"

    def test_subject_name_differs_from_table(self):
        finding = next(f for f in sifaju("dept") if f.rule == "GJ802")
        assert (finding.line, finding.stated, finding.expected) == (119, "医疗卫生与计划生育支出", "卫生健康支出")

    def test_two_amounts_for_housing_fund(self):
        finding = next(f for f in sifaju("dept") if f.rule == "GJ401")
        assert finding.line == 121 and {finding.stated, finding.expected} == {"208.8", "201.50"}

    def test_stray_quotation_mark(self):
        assert has(sifaju("dept"), "GJ805", 352)


class TestSifajuUnitReviewSheet:
    """sh-putuo-sifaju-2026-unit-budget.review.csv, item by item."""

    def test_template_residue(self):
        assert has(sifaju("unit"), "GJ703", 69)

    def test_wrong_percentage(self):
        finding = next(f for f in sifaju("unit") if f.rule == "GJ202" and f.line == 72)
        assert finding.expected == "-15.13%" and finding.stated == "1.10%"

    def test_two_amounts_in_item_7(self):
        finding = next(f for f in sifaju("unit") if f.rule == "GJ401" and f.line == 84)
        assert {finding.stated, finding.expected} == {"56.12", "57.8"}

    def test_two_amounts_in_item_13_and_its_rate(self):
        assert has(sifaju("unit"), "GJ401", 99)
        assert has(sifaju("unit"), "GJ202", 100, "error")

    def test_subject_name_differs_from_table(self):
        assert has(sifaju("unit"), "GJ802", 95)

    def test_row_total_differs_from_its_parts_in_both_tables(self):
        rows = [f for f in sifaju("unit") if f.rule == "GJ501" and f.severity == "error"]
        assert [f.line for f in rows] == [158, 198]
        assert all("14,348,853.34" in f.message and "64,840,547.00" in f.message for f in rows)

    def test_empty_reason(self):
        assert has(sifaju("unit"), "GJ702", 296)

    def test_department_wording_in_a_unit_document(self):
        assert has(sifaju("unit"), "GJ803", 310) and has(sifaju("unit"), "GJ803", 311)


def test_check_json_shape_and_exit_code():
    result = gouji("check", "--format", "json", str(seed("000")))
    assert result.returncode == 1  # an error finding
    document = json.loads(result.stdout)["documents"][0]
    assert (document["department"], document["year"], document["kind"]) == ("昌吉回族自治州总工会", 2024, "预算")
    assert set(document["checks"]) == {"run", "passed", "skipped", "skipped_because", "not_checked"}
    assert document["checks"]["run"] > 100 and set(document["coverage"]) >= {"amounts", "linked", "unlinked"}
    assert document["checks"]["not_checked"] == []
    finding = next(f for f in document["findings"] if f["rule"] == "GJ304")
    assert set(finding) >= {"rule", "family", "severity", "message", "stated", "expected", "evidence"}
    assert set(finding["evidence"][0]) >= {"kind", "line", "end_line", "page", "quote", "table", "row", "column"}


def test_check_text_lines_select_and_exit_codes(tmp_path):
    clean = gouji("check", "--select", "GJ1,GJ2", str(seed("003")))
    assert clean.returncode == 0
    result = gouji("check", "--select", "GJ303", str(seed("002")))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(f"{seed('002')}:1111: GJ303 error ")
    ignored = gouji("check", "--ignore", "GJ3", str(seed("002")))
    assert "GJ303" not in ignored.stdout
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert gouji("check", str(empty)).returncode == 2


def test_rules_catalog_documents_every_rule():
    from checker.rules import CATALOG
    from checker.rules.base import FAMILIES

    output = gouji("rules").stdout
    assert len(CATALOG) >= 25
    for code, rule in CATALOG.items():
        assert code in output and rule.family in FAMILIES and len(rule.summary()) > 30
        page = rule.description()
        assert "\n\nWhy: " in page and "\n\nExample: " in page, f"{code}'s page lacks its why or example"


def test_rules_page_of_one_rule():
    page = gouji("rules", "GJ204")
    assert page.returncode == 0
    assert page.stdout.startswith("GJ204 budget-execution [error]")
    assert "Why: " in page.stdout and "1511.89" in page.stdout and "GJ201" not in page.stdout
    unknown = gouji("rules", "GJ999")
    assert unknown.returncode == 2 and "no rule GJ999" in unknown.stderr and "Traceback" not in unknown.stderr


def test_no_crash_on_any_corpus_extra_document():
    if not EXTRA.exists():
        pytest.skip("corpus-extra not available")
    from checker.runner import check_document
    from corpus import parse_document

    for path in sorted(EXTRA.glob("*.txt")):
        report = check_document(parse_document(str(path)))
        assert report.tally.run > 0, path.name


def test_jobs_give_the_same_findings():
    one = json.loads(gouji("check", "--format", "json", str(seed("000")), str(seed("002"))).stdout)
    two = json.loads(gouji("check", "--format", "json", "--jobs", "2", str(seed("000")), str(seed("002"))).stdout)
    assert one == two


def test_html_report_highlights_and_escapes(tmp_path):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(seed("002").read_text(encoding="utf-8").replace(
        "项目承担单位：", "项目承担单位：<script>alert(1)</script>"), encoding="utf-8")
    output = tmp_path / "report.html"
    gouji("check", "--format", "html", "--output", str(output), str(hostile))
    page = output.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'id="d0-L1111" style="background:#f8c4c4"' in page  # the GJ303 error line, highlighted
    assert "预算安排规模 40.00 万元 ≠ 资金分配情况各项之和 39.50 万元" in page


def test_xlsx_checklist_in_the_review_sheet_layout(tmp_path):
    from openpyxl import load_workbook

    path = EXTRA / "sh-putuo-sifaju-2026-unit-budget.txt"
    if not path.exists():
        pytest.skip("corpus-extra not available")
    output = tmp_path / "检查表.xlsx"
    gouji("check", "--format", "xlsx", "--output", str(output), str(path))
    rows = list(load_workbook(output).active.iter_rows(values_only=True))
    assert rows[0][0] == "2026年度单位预算公开情况检查表"
    assert rows[2][0] == "单位名称: 上海市普陀区司法局"
    items = {row[1]: (row[2], row[3] or "") for row in rows[5:] if row[1]}
    assert items["《2026年预算单位支出预算总表》"][0] == "否"
    assert "14,348,853.34" in items["《2026年预算单位支出预算总表》"][1]
    assert items["《2026年预算单位收入预算总表》"] == ("是", "")
    assert items["四、单位预算编制说明"][0] == "否" and "1690.69 → 1434.89" in items["四、单位预算编制说明"][1]


def test_pdf_report_annotates_the_original(tmp_path):
    from pypdf import PdfReader

    path = EXTRA / "sh-putuo-sifaju-2026-unit-budget.pdf"
    if not path.exists():
        pytest.skip("corpus-extra not available")
    output = tmp_path / "annotated.pdf"
    result = gouji("check", "--format", "pdf", "--output", str(output), str(path))
    assert result.returncode == 1
    reader = PdfReader(str(output))
    assert len(reader.pages) == 21
    notes = [annotation.get_object() for page in reader.pages for annotation in page.get("/Annots") or []]
    assert any(note["/Subtype"] == "/Highlight" for note in notes)
    assert any("GJ202" in str(note.get("/Contents", "")) for note in notes)
    text_input = gouji("check", "--format", "pdf", "--output", str(tmp_path / "x.pdf"), str(seed("000")))
    assert text_input.returncode == 2 and "annotates the original PDF" in text_input.stderr


def test_pyproject_tool_gouji_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.gouji]\nselect = "GJ3"\nignore = ["GJ304"]\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "ui.cli", "check", str(seed("000")), str(seed("002"))],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False,
                            env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    rules = {line.split(": ")[1].split()[0] for line in result.stdout.splitlines() if ": GJ" in line}
    assert rules == {"GJ301", "GJ303"}  # GJ301 rounding in 002, GJ303 error in 002; GJ304 ignored
    assert "GJ304" not in result.stdout and "GJ5" not in result.stdout


def test_shares_all_taken_of_another_base_are_one_finding():
    path = EXTRA / "js-prov-npc-office-2017-dept-budget.txt"
    if not path.exists():
        pytest.skip("corpus-extra not available")
    shares = [f for f in findings(str(path)).findings if f.rule == "GJ203" and f.severity == "error"]
    assert len(shares) == 1  # 8.75% / 7.22% / 16.81% of 三公 833.60 are shares of the table's 合计 2,542.60
    assert "2,542.86" in shares[0].message and len({e.line for e in shares[0].evidence}) >= 3
