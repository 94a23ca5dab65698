"""One line per finding, like a linter: path:line: GJnnn severity message (stated … expected …)."""

from __future__ import annotations

from checker.report import terminal_safe
from checker.runner import Report


def render(reports: list[Report]) -> str:
    lines = []
    for report in reports:
        for finding in report.findings:
            detail = ""
            if finding.stated is not None or finding.expected is not None:
                detail = f" (stated {finding.stated or '-'} expected {finding.expected or '-'})"
            lines.append(f"{report.document.path}:{finding.line}: {finding.rule} {finding.severity} "
                         f"{finding.message}{detail}")
        tally = report.tally
        counts = {s: sum(1 for f in report.findings if f.severity == s) for s in ("error", "warning", "rounding", "note")}
        lines.append(f"{report.document.path}: {counts['error']} errors, {counts['warning']} warnings, "
                     f"{counts['rounding']} rounding, {counts['note']} notes; checks run {tally.run}, "
                     f"passed {tally.passed}, skipped {tally.skipped}; amounts linked to a table cell "
                     f"{report.coverage.linked} of {report.coverage.amounts} ({report.coverage.without_table} about items no "
                     f"table of the document prints)")
        lines += [f"{report.document.path}: not checked: {reason}" for reason in report.not_checked]
    return "\n".join(terminal_safe(line) for line in lines)
