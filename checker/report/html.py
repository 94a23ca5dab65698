"""The HTML report: the document's text with every finding highlighted on its lines (colour by severity),
and beside it the findings with their table cells and arithmetic. Every piece of document text is
escaped: a disclosure containing markup cannot run in a reviewer's browser."""

from __future__ import annotations

from html import escape

from checker.findings import SEVERITIES
from checker.runner import Report

COLOURS = {"error": "#f8c4c4", "warning": "#fbe3a6", "rounding": "#d6e6fb", "note": "#e3e3e3"}
LABELS = {"error": "错误", "warning": "警告", "rounding": "舍入", "note": "提示"}
STYLE = """
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:0}
header{padding:8px 16px;background:#243447;color:#fff}
header h2,header div{color:#fff !important}
.doc{display:flex;gap:12px;padding:12px}
.text{flex:3;font:13px/1.6 monospace;white-space:pre-wrap;border:1px solid #ddd;max-height:85vh;overflow:auto}
.findings{flex:2;max-height:85vh;overflow:auto}
.line{padding:0 6px}.line .n{color:#999;display:inline-block;width:4em;user-select:none}
.finding{border-left:6px solid #999;padding:4px 8px;margin:6px 0;background:#fafafa}
.finding .ev{font-size:12px;color:#444}
.filters label{margin-right:10px}
"""
SCRIPT = """
function applyFilters(root){
  const on = new Set([...root.querySelectorAll('.filters input:checked')].map(i => i.value));
  root.querySelectorAll('.finding').forEach(f => {
    f.style.display = on.has(f.dataset.severity) && on.has(f.dataset.family) ? '' : 'none';
  });
}
document.querySelectorAll('.report').forEach(root => {
  root.querySelectorAll('.filters input').forEach(i => i.addEventListener('change', () => applyFilters(root)));
});
"""


def _document(report: Report, index: int) -> str:
    document = report.document
    meta = document.metadata
    worst: dict[int, str] = {}
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    for finding in report.findings:
        for evidence in finding.evidence:
            for line in range(evidence.line, evidence.end_line + 1):
                if line not in worst or order[finding.severity] < order[worst[line]]:
                    worst[line] = finding.severity
    lines = []
    for number, text in enumerate(document.text.split("\n"), start=1):
        colour = COLOURS.get(worst.get(number, ""), "")
        style = f' style="background:{colour}"' if colour else ""
        lines.append(f'<div class="line" id="d{index}-L{number}"{style}><span class="n">{number}</span>'
                     f"{escape(text.replace(chr(12), ''))}</div>")
    cards = []
    for finding in report.findings:
        evidence = "".join(
            f'<div class="ev"><a href="#d{index}-L{e.line}">第{e.line}行</a>'
            f"{'，第' + str(e.page) + '页' if e.page else ''} "
            f"{escape(e.table or '')} {escape(e.row or '')} {escape(e.column or '')}：{escape(e.quote[:160])}</div>"
            for e in finding.evidence)
        arithmetic = ""
        if finding.stated is not None or finding.expected is not None:
            arithmetic = f"<div>文中/表中：{escape(finding.stated or '-')}　应为：{escape(finding.expected or '-')}</div>"
        cards.append(
            f'<div class="finding" data-severity="{finding.severity}" data-family="{finding.family}" '
            f'style="border-color:{COLOURS[finding.severity]}"><b>{finding.rule} {LABELS[finding.severity]}</b> '
            f"{escape(finding.message)}{arithmetic}{evidence}</div>")
    severities = "".join(f'<label><input type="checkbox" value="{s}" checked>{LABELS[s]}</label>' for s in SEVERITIES)
    families = sorted({f.family for f in report.findings})
    family_boxes = "".join(f'<label><input type="checkbox" value="{f}" checked>{f}</label>' for f in families)
    counts = "，".join(f"{LABELS[s]} {sum(1 for f in report.findings if f.severity == s)}" for s in SEVERITIES)
    title = f"{escape(meta.department or document.path)} {meta.year or ''} {escape(meta.kind or '')}"
    return (f'<section class="report"><header><h2>{title}</h2><div>{escape(document.path)} — {counts}；'
            f"检查 {report.tally.run} 项，通过 {report.tally.passed}，未能检查 {report.tally.skipped}；"
            f"文中金额 {report.coverage.amounts} 个，已对应到表格单元格 {report.coverage.linked} 个</div></header>"
            f'<div class="filters">{severities} | {family_boxes}</div>'
            f'<div class="doc"><div class="text">{"".join(lines)}</div>'
            f'<div class="findings">{"".join(cards) or "没有发现问题"}</div></div></section>')


def render(reports: list[Report]) -> str:
    body = "".join(_document(report, index) for index, report in enumerate(reports))
    return (f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>勾稽 检查报告</title>'
            f"<style>{STYLE}</style></head><body>{body}<script>{SCRIPT}</script></body></html>")
