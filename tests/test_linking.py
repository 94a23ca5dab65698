"""Narrative amounts linked to their cells in every template, tables trusted only as far as read, and the
judged findings of tests/reviewed/ still reported."""

import tomllib
from pathlib import Path

import pytest

from checker.runner import check_document
from tests.conftest import EXTRA, extra, parsed

pytestmark = pytest.mark.skipif(not EXTRA.exists(), reason="../shared/corpus-extra not available")
REVIEWED = Path(__file__).parent / "reviewed" / "corpus-extra.toml"


def report(*names: str):
    return check_document(parsed(*(str(extra(name)) for name in names)))


def share_linked(name: str) -> float:
    coverage = report(name).coverage
    return coverage.linked / coverage.amounts


@pytest.mark.parametrize(("name", "at_least"), [
    ("js-prov-high-court-2018-dept-budget.pdf", 0.8),  # Jiangsu: 0 linked before the linker
    ("js-prov-high-court-2018-dept-budget.txt", 0.8),
    ("js-prov-npc-office-2018-dept-budget.pdf", 0.6),
    ("sh-putuo-planning-2024-dept-final.pdf", 0.6),  # Shanghai 决算: 7 of 58 before
    ("sh-putuo-sifaju-2026-dept-budget.pdf", 0.6),
])
def test_narrative_amounts_are_linked_to_cells(name, at_least):
    assert share_linked(name) >= at_least


def test_report_lists_every_unlinked_amount_with_its_line():
    coverage = report("sh-putuo-planning-2024-dept-final.pdf").coverage
    data = coverage.to_dict()
    assert data["amounts"] == data["linked"] + data["unlinked"] == 58
    # 机关事业单位退休人员活动费支出（项）is a 科目 the table does not have: said, not guessed
    assert any(item["line"] == 465 for item in data["unlinked_amounts"])


def test_jiangsu_amount_changed_in_the_text_is_found_against_the_three_public_table(tmp_path):
    source = extra("js-prov-high-court-2018-dept-budget.txt").read_text(encoding="utf-8")
    assert "3．公务接待费预算支出 183.95 万元" in source
    edited = tmp_path / "js-prov-high-court-2018-dept-budget.txt"
    edited.write_text(source.replace("3．公务接待费预算支出 183.95 万元", "3．公务接待费预算支出 193.95 万元"), encoding="utf-8")
    findings = [f for f in check_document(parsed(str(edited))).findings if f.rule == "GJ101"]
    assert [(f.line, f.stated, f.expected) for f in findings] == [(636, "193.95", "183.95")]
    assert "三公" in (findings[0].evidence[1].table or "")


def test_wrapped_heading_path_links_the_final_account_figure_to_its_row():
    document = parsed(str(extra("sh-putuo-planning-2024-dept-final.pdf")))
    from checker.rules import CheckContext
    from checker.runner import _extractor

    context = CheckContext(document, _extractor().statements(document))
    # "1、社会保障和就业支出（类）行政事业单位养老支出（款）" / "行政单位离退休（项）。… 支出决算为 54.53 万元"
    located = next(context.links[id(s)] for s in context.statements if id(s) in context.links
                   and s.claims and s.claims[-1].printed == "54.53")
    assert (located.row.code, located.row.label) == ("2080501", "行政单位离退休")
    assert located.table.kind == "一般公共预算支出表"


def test_misread_tables_get_one_note_instead_of_an_error_per_identity():
    findings = report("sh-putuo-finance-2024-dept-final.txt").findings
    notes = [f for f in findings if f.rule == "GJ500"]
    assert {f.message.split(" ")[0] for f in notes} == {"收入决算表", "支出决算表", "一般公共预算财政拨款支出决算表",
                                                       "一般公共预算财政拨款基本支出决算表"}
    assert all(f.severity == "note" and "科目编码" in f.message for f in notes)
    assert not [f for f in findings if f.rule in ("GJ501", "GJ502")]


def test_isolated_failing_identity_in_a_read_table_stays_a_finding():
    findings = report("sh-putuo-sifaju-2026-unit-budget.txt").findings
    assert [f.line for f in findings if f.rule == "GJ501" and f.severity == "error"] == [158, 198]
    assert not [f for f in findings if f.rule == "GJ500"]


def test_marks_set_below_their_line_are_put_back_into_it():
    document = parsed(str(extra("sh-putuo-finance-2024-dept-final.pdf")))
    assert "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；" in document.text
    assert "201 一般公共服务支出 2,112.86" in document.text
    findings = report("sh-putuo-finance-2024-dept-final.pdf").findings
    assert not [f for f in findings if f.rule == "GJ401"]  # two figures of one list in one clause, before


def test_a_wrapped_full_stop_stays_on_its_own_line():
    text = parsed(str(extra("sh-putuo-sifaju-2026-dept-budget.pdf"))).text
    assert "\n。2026年本部门面向中小企业" not in text and "预算为1486.42万元\n。" in text


def reviewed_true() -> list[dict]:
    with REVIEWED.open("rb") as handle:
        return [entry for entry in tomllib.load(handle)["finding"] if entry["verdict"] == "true"]


@pytest.mark.parametrize("entry", reviewed_true(), ids=lambda e: f"{e['input']}:{e['line']}:{e['rule']}")
def test_judged_true_findings_are_still_reported(entry):
    findings = report(*entry["input"].split("+")).findings
    assert any(f.rule == entry["rule"] and abs(f.line - entry["line"]) <= 1 and entry["contains"] in f.message
               for f in findings), entry["why"]


@pytest.mark.parametrize(("name", "runs"), [
    ("js-prov-high-court-2018-dept-budget.pdf", 3),  # 收支总表 = 收入总表 = 支出总表: every one skipped before
    ("sh-putuo-planning-2024-dept-final.pdf", 4),  # 决算: 本年收入/本年支出合计, 人员经费合计 + 公用经费合计
])
def test_cross_table_identities_run_on_every_template(name, runs):
    from checker.rules import CheckContext
    from checker.rules.cross_table import CrossTableIdentity

    document = parsed(str(extra(name)))
    outcomes = list(CrossTableIdentity().check(CheckContext(document, [])))
    assert sum(1 for outcome in outcomes if outcome == "passed") >= runs
    assert not [outcome for outcome in outcomes if not isinstance(outcome, str)]  # these documents agree
    reasons = [outcome for outcome in outcomes if isinstance(outcome, str) and outcome.startswith("skipped")]
    assert all(": " in reason for reason in reasons)  # every identity that cannot run says why


def test_skipped_identities_are_counted_with_their_reason_in_the_json_report():
    from checker.report.json import data

    checks = data([report("js-prov-high-court-2018-dept-budget.pdf")])["documents"][0]["checks"]
    assert any("no 基本支出 column" in reason for reason in checks["skipped_because"])


def test_text_set_in_table_cells_is_not_prose_missing_its_full_stop():
    # 项目绩效目标表 of wanli 2023 read as lines ("绩效 建成后作为万里街道社区事务受理、社区管"): a table's cells
    findings = report("sh-putuo-wanli-street-2023-dept-budget.pdf").findings
    assert not [f for f in findings if f.rule == "GJ807" and 560 <= f.line <= 760]


def test_table_of_contents_entries_are_not_empty_tables():
    document = parsed(str(extra("js-prov-party-office-2018-dept-budget.txt")))
    assert not [t for t in document.tables if not t.rows and t.span.line < 300]  # 目录 lines 283-294
    assert {"机关运行经费表", "三公经费表", "政府采购表"} <= {t.kind for t in document.tables if t.rows}
    assert not [f for f in report("js-prov-party-office-2018-dept-budget.txt").findings if f.rule == "GJ704"]


@pytest.mark.parametrize("name", ["js-prov-high-court-2019-dept-budget.pdf", "js-prov-high-court-2019-dept-budget.txt",
                                  "js-prov-procuratorate-2017-dept-budget.txt"])
def test_three_public_table_is_found_under_a_broken_unit_line_or_a_title_split_by_its_quotes(name):
    # "单位：万" / "部门名称：江苏省高级人民法院 元"; "…一般公共预算 三公 经费…支出预" / "“ ”" / "算表"
    document = parsed(str(extra(name)))
    table = document.table("三公经费表")
    assert table is not None and table.rows and table.rows[0].cells[0].printed in ("2,382.02", "1,452.35")
    assert not [f for f in report(name).findings if f.rule == "GJ701"]


@pytest.mark.parametrize(("name", "kind", "code", "printed"), [
    ("js-prov-procuratorate-2018-dept-budget.pdf", "机关运行经费表", "302", "2,722.57"),
    ("js-prov-procuratorate-2018-dept-budget.pdf", "一般公共预算支出表", "204", "16,444.36"),
    ("js-prov-high-court-2019-dept-budget.pdf", "一般公共预算支出表", "221", "7,344.46"),
])
def test_jiangsu_class_rows_keep_the_figure_of_their_merged_cell(name, kind, code, printed):
    table = parsed(str(extra(name))).table(kind)
    row = next(row for row in table.rows if row.code == code)
    assert [cell.printed for cell in row.cells] == [printed]
    assert not [f for f in report(name).findings if f.rule == "GJ502" and f.severity == "error"]


def test_one_table_cell_changed_in_a_real_text_document_is_found(tmp_path):
    source = extra("sh-putuo-sifaju-2026-dept-budget.txt").read_text(encoding="utf-8")
    row = "204 06 01 行政运行 16726725.44 16726725.44 0.00\n"
    assert source.count(row) == 2  # the 支出总表's and the 一般公共预算支出表's 行政运行 rows
    last = source.rindex(row)
    edited = tmp_path / "sifaju.txt"
    edited.write_text(source[:last] + row.replace("16726725.44 16726725.44", "16826725.44 16726725.44", 1)
                      + source[last + len(row):], encoding="utf-8")
    before = {(f.rule, f.line) for f in report("sh-putuo-sifaju-2026-dept-budget.txt").findings}
    after = check_document(parsed(str(edited))).findings
    found = {(f.rule, f.line) for f in after} - before
    # one cell, one finding: the row's own identity, with its 款's sum and the narrative's 1672.67 against
    # the changed cell named in it and their evidence kept
    assert found == {("GJ501", 216)}
    merged = next(f for f in after if (f.rule, f.line) == ("GJ501", 216))
    assert "GJ502 第 215 行" in merged.message and "GJ101 第 96 行" in merged.message
    assert any(e.kind == "text" and e.line == 96 for e in merged.evidence)


def test_every_data_file_loads():
    # a broken data file stops a rule ("not checked") and would pass unseen: it must fail here
    root = Path(__file__).parent.parent
    files = sorted(root.glob("*/data/*.toml"))
    assert len(files) >= 6
    for path in files:
        with path.open("rb") as handle:
            assert tomllib.load(handle), path


def test_text_table_layout_is_the_one_its_identities_hold_under():
    # wanli 2024's 三公 table in text: the header words wrapped apart ("2024年机关运行经" / "费预算数"), so the
    # header alone chose the Jiangsu layout; 47.91 = 0 + 1.35 + 46.56 and 46.56 = 25 + 21.56 hold under Shanghai's
    table = parsed(str(extra("sh-putuo-wanli-street-2024-dept-budget.txt"))).table("三公经费表")
    assert table.layout == "shanghai"
    assert {c.column: c.printed for c in table.rows[0].cells} == {
        "合计": "47.91", "因公出国（境）费": "0", "公务接待费": "1.35", "公务用车购置及运行费": "46.56",
        "公务用车购置费": "25", "公务用车运行费": "21.56", "机关运行经费": "443.18"}
    assert share_linked("sh-putuo-wanli-street-2024-dept-budget.txt") >= 0.65


def test_a_disclosure_in_traditional_characters_is_checked_as_its_simplified_text(tmp_path):
    import opencc

    source = extra("sh-putuo-sifaju-2026-dept-budget.txt").read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(source)
    assert "預算" in traditional and traditional.count("\n") == source.count("\n")
    path = tmp_path / "sifaju-traditional.txt"
    path.write_text(traditional, encoding="utf-8")
    document = parsed(str(path))
    assert document.metadata.department == "上海市普陀区司法局" and document.metadata.year == 2026
    expected = {(f.rule, f.line, f.stated, f.expected) for f in report("sh-putuo-sifaju-2026-dept-budget.txt").findings}
    assert {(f.rule, f.line, f.stated, f.expected) for f in check_document(document).findings} == expected


@pytest.mark.parametrize("name", ["sh-putuo-commerce-2025-dept-budget.pdf", "sh-putuo-finance-2025-dept-budget.pdf"])
def test_text_its_box_hides_is_not_part_of_the_document(name):
    # a text box overflowing its page is repeated on the next page and clipped: only what is printed is read
    document = parsed(str(extra(name)))
    opening = "上海市普陀区商务委员会是主管全区产业经济" if "commerce" in name else "11.“住房保障支出（类）住房改革支出（款）购房补贴"
    assert document.text.count(opening) == 1
    assert not [f for f in report(name).findings if f.rule in ("GJ806", "GJ706")]


@pytest.mark.parametrize("name", ["sh-putuo-sifaju-2026-dept-budget.pdf", "sh-putuo-finance-2024-dept-final.pdf"])
def test_what_the_reader_leaves_out_keeps_its_line_number(name, monkeypatch):
    # hidden text (sifaju's clipped 主要职能 repeat) and marks put back into their line (the ONLYOFFICE 决算)
    # leave empty lines: lines are numbered as in the whole text layer, so a reviewer's line numbers
    # survive changes in what the reader shows
    import pypdfium2 as pdfium

    from corpus.readers import pdf_layout, read_sources
    from corpus.readers.pdf_geometry import read_chars

    lines = read_sources([str(extra(name))]).lines
    monkeypatch.setattr(pdf_layout, "_rejoin_marks", lambda grouped: grouped)
    layer = [pdf_layout.group_lines([dict(char, hidden=False) for char in read_chars(page)]) or [None]
             for page in pdfium.PdfDocument(str(extra(name)))]
    assert len(lines) == sum(len(page) for page in layer) + len(layer) - 1  # a form-feed line between pages
    emptied = sum(not line.text for line in lines) - sum(line is None or not line.text for page in layer for line in page)
    assert emptied >= 15


def test_a_line_its_box_cuts_in_half_is_reported_where_it_is_printed():
    findings = [f for f in report("sh-putuo-sifaju-2026-dept-budget.pdf").findings if f.rule == "GJ706"]
    assert [(f.line, f.evidence[0].page) for f in findings] == [(39, 4)]  # （八） at the foot of page 4


def test_an_unnumbered_part_title_opens_a_section():
    # "2026年部门预算编制说明" on a line of its own: the budget figures after it are not part of the
    # 名词解释 entry "（八）机关运行经费" before it, and its headline totals link to the 收支总表
    document = parsed(str(extra("sh-putuo-sifaju-2026-dept-budget.txt")))
    titles = [section.title for part in document.parts for section in part.sections]
    assert "2026年部门预算编制说明" in titles
    from checker.rules import CheckContext
    from checker.runner import _extractor

    context = CheckContext(document, _extractor().statements(document))
    opening = next(s for s in context.statements if s.subject.endswith("收入预算"))
    assert opening.top is not None and opening.top.title == "2026年部门预算编制说明"
    located = context.links[id(opening)]
    assert (located.table.kind, located.row.label) == ("收支总表", "收入总计")


@pytest.mark.parametrize(("name", "owner", "outsider"), [
    # the 一般公共预算 paragraph's 其中 list ends where the next paragraph opens with a year
    ("cq-transport-commission-2018-dept-budget-NARRATIVE-ONLY.txt", "一般公共预算财政拨款支出", "政府性基金预算收入"),
    # "（三）公务接待费" is the sibling of "（二）公务用车购置及运行费…其中：", not one of its parts
    ("sh-putuo-wanli-street-2025-dept-budget.pdfparse.txt", "公务用车购置及运行费", "公务接待费"),
])
def test_a_list_ends_where_a_new_topic_starts(name, owner, outsider):
    from checker.runner import _extractor

    statements = _extractor().statements(parsed(str(extra(name))))
    parts = {s.subject for s in statements if s.in_list_of is not None and s.in_list_of.subject == owner}
    assert len(parts) >= 2 and outsider not in parts
    assert not [f for f in report(name).findings if f.rule == "GJ301"]


def test_a_row_whose_name_wraps_around_its_code_and_figures_is_one_row():
    # "机关事业单位基本养老保险缴费" / "2080505 6.18 6.18" / "支出": the code leads the figures' line
    table = parsed(str(extra("sh-putuo-socialwork-2024-dept-final.txt"))).table("收入总表")
    row = next(row for row in table.rows if row.code == "2080505")
    assert row.label == "机关事业单位基本养老保险缴费支出" and [c.printed for c in row.cells] == ["6.18", "6.18"]
    assert not [f for f in report("sh-putuo-socialwork-2024-dept-final.txt").findings
                if f.rule == "GJ502" and f.severity == "error"]


def test_code_parts_that_make_no_code_are_not_figures():
    # "7 11 02 事业单位医疗 503,724 503,724": the 类 code printed as "7"; the PDF's grid reads the same row
    for form in ("txt", "pdf"):
        table = parsed(str(extra(f"sh-putuo-welfarehome-2024-unit-budget.{form}"))).table("一般公共预算支出表")
        row = next(row for row in table.rows if "事业单位医疗" in row.label and "行政" not in row.label)
        assert [(c.column, c.printed) for c in row.cells] == [("合计", "503,724"), ("基本支出", "503,724")], form
    assert not [f for f in report("sh-putuo-welfarehome-2024-unit-budget.txt").findings if f.rule == "GJ501"]


def share_of_printed_items_linked(name: str) -> float:
    coverage = report(name).coverage
    return coverage.linked / (coverage.amounts - coverage.without_table)


@pytest.mark.parametrize("name", [
    "js-prov-procuratorate-2018-dept-budget.pdf", "js-prov-high-court-2019-dept-budget.txt",
    "sh-putuo-planning-2024-dept-final.pdf", "sh-putuo-socialwork-2024-dept-final.pdf",
    "sh-putuo-planning-2024-dept-final.txt",
])
def test_jiangsu_and_final_accounts_link_most_amounts_about_printed_items(name):
    # the rest are 政府采购, 绩效 and 资产 figures no table of a 决算 prints (JSON says which: "no table")
    assert share_of_printed_items_linked(name) >= 0.75


def test_a_table_whose_names_wrap_around_their_figures_reads_every_row():
    # "社会保障和就" / "208 754.75 754.75 0.00" / "业支出": a name above and below its code-and-figures line,
    # the first one just under the header
    table = parsed(str(extra("sh-putuo-planning-2024-dept-final.txt"))).table("一般公共预算支出表")
    rows = {row.code: row.label for row in table.rows}
    assert rows["208"] == "社会保障和就业支出" and rows["2080505"] == "机关事业单位基本养老保险缴费支出"
    assert rows["2120101"] == "行政运行" and rows["2200199"] == "其他自然资源事务支出"
    assert all(row.code or row.is_total for row in table.rows) and not any(row.ambiguous for row in table.rows)
    # the 支出决算表 of the same text starts names on their code lines: a line below is a tail
    other = parsed(str(extra("sh-putuo-planning-2024-dept-final.txt"))).table("支出总表")
    assert {row.code: row.label for row in other.rows}["2080506"] == "机关事业单位职业年金缴费支出"


def test_onlyoffice_table_cells_get_their_marks_back():
    table = parsed(str(extra("sh-putuo-finance-2024-dept-final.pdf"))).table("一般公共预算支出表")
    assert {row.code: row.label for row in table.rows}["201"] == "一般公共服务支出"


def test_a_final_accounts_budget_figure_is_not_compared_with_the_final_figure():
    # "全年预算为 52.00 万元，支出决算为 51.32 万元": 52.00 is the budget, the table prints the 决算
    assert not [f for f in report("sh-putuo-socialwork-2024-dept-final.pdf").findings
                if f.rule == "GJ101" and "全年预算" in f.message]


def test_a_renamed_level_of_a_path_is_passed_over():
    # "住房保障支出（类）住房保障支出（款）住房公积金（项）… 289.59": the table's 款 is 住房改革支出
    from checker.linking import by_path

    table = parsed(str(extra("sh-putuo-planning-2024-dept-final.pdf"))).table("一般公共预算支出表")
    row = by_path(table, [("住房保障支出", None, "类"), ("住房保障支出", None, "款"), ("住房公积金", None, "项")])
    assert row is not None and row.code == "2210201"
    renamed = by_path(table, [("自然资源海洋气象等支出", None, "类"), ("自然资源事务", None, "款"),
                              ("其他国土资源事务支出", None, "项")])
    assert renamed is not None and renamed.code == "2200199"
    assert by_path(table, [("住房保障支出", None, "类"), ("住房改革支出", None, "款"), ("租金补贴", None, "项")]) is None


def test_counts_of_units_do_not_become_the_subject_of_their_amount():
    # "…司法局下属1家机关和1家参公事业单位财政拨款的机关运行经费预算为217.83万元": the 三公 table's column
    findings = report("sh-putuo-sifaju-2026-dept-budget.pdf")
    linked = [item for item in findings.coverage.unlinked if item.printed == "217.83"]
    assert not linked


def test_a_cross_table_sum_off_by_its_parts_rounding_is_rounding():
    findings = [f for f in report("sh-putuo-socialwork-2024-dept-final.pdf").findings if f.rule == "GJ601"]
    assert [f.severity for f in findings] == ["rounding"]  # 105.58 vs 95.36 + 10.23


def test_one_wrong_figure_is_one_finding_with_all_its_evidence():
    findings = report("sh-putuo-sifaju-2026-unit-budget.txt").findings
    # 57.8 (the table's 56.12): GJ401 leads, the GJ101 on the same figure is named in it, its cell kept
    about = [f for f in findings if f.severity == "error" and "57.8" in f.message and f.rule in ("GJ401", "GJ101")]
    assert [f.rule for f in about] == ["GJ401"] and "GJ101 第 85 行" in about[0].message
    assert any(e.kind == "table" and e.row == "2080501 行政单位离退休" for e in about[0].evidence)
    # the 项目支出 cell of 行政运行 blamed by its row (GJ501) and by its 款's sum (GJ502): one finding
    cell = [f for f in findings if f.rule in ("GJ501", "GJ502") and "64,840,547" in f.message
            and f.evidence[0].table == "2026年预算单位支出预算总表" and "合计:" not in f.message]
    assert [f.rule for f in cell] == ["GJ501"] and "GJ502" in cell[0].message
    # a rate stated wrong beside a wrong amount stays its own finding (wrong with the table's figure too)
    assert any(f.rule == "GJ202" and "170.03" in f.message for f in findings)


def test_a_narrative_without_tables_gets_one_missing_tables_finding():
    findings = report("cq-transport-commission-2018-dept-budget-NARRATIVE-ONLY.txt").findings
    missing = [f for f in findings if f.rule == "GJ701"]
    assert len(missing) == 1 and "另有" in missing[0].message and "三公经费表" in missing[0].message


def test_a_decrease_rate_shows_the_formula_it_was_computed_with():
    # "减少 392.92 万元，下降 5.95%": the base is 6049.97 + 392.92, and the message says so
    findings = [f for f in report("js-prov-high-court-2018-dept-budget.layout.txt").findings if f.rule == "GJ201"]
    assert any("降幅 5.95% 与 392.92 ÷ (6049.97 + 392.92) = 6.10%" in f.message for f in findings)
