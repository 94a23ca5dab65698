"""The reviewer's 检查表 as an Excel workbook, in the layout of the district finance bureau's sheets:
one row per checked item, 符合要求 是/否, the problems written out with their lines."""

from __future__ import annotations

import io

from checker.report import sheet_name
from checker.report.placement import checklist
from checker.runner import Report

PROBLEM_SEVERITIES = ("error", "warning")


def render(reports: list[Report]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, report in enumerate(reports, start=1):
        meta = report.document.metadata
        scope, kind = meta.scope or "部门", meta.kind or "预算"
        sheet = workbook.create_sheet(title=sheet_name(f"{index}-{(meta.department or '文档')[:20]}"))
        title = f"{meta.year or ''}年度{scope}{kind}公开情况检查表"
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([])
        sheet.append([f"{scope}名称: {meta.department or ''}"])
        sheet.append([f"文件：{report.document.path}"])
        sheet.append([f"{meta.year or ''}年度{scope}{kind}公开检查内容", "", "符合要求", "问题说明", "规则与行号"])
        for cell in sheet[5]:
            cell.font = Font(bold=True)
        previous_group = None
        for row in checklist(report.document, report.findings):
            problems = [f for f in row.findings if f.severity in PROBLEM_SEVERITIES]
            text = "\n".join(f"{n}.{f.message}" for n, f in enumerate(problems, start=1))
            where = "\n".join(f"{f.rule} 第{f.line}行" for f in problems)
            sheet.append([row.group if row.group != previous_group else "", row.item, "否" if problems else "是",
                          text, where])
            previous_group = row.group
        for column, width in zip("ABCDE", (12, 46, 10, 90, 18)):
            sheet.column_dimensions[column].width = width
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # document text is text: "=HYPERLINK(…)" in a heading is no formula
                if cell.row >= 5:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
