"""The JSON report, in the documented shape."""

from __future__ import annotations

import json
from dataclasses import asdict

from checker.runner import Report


def data(reports: list[Report]) -> dict:
    return {"documents": [
        {
            "path": report.document.path,
            "department": report.document.metadata.department,
            "year": report.document.metadata.year,
            "kind": report.document.metadata.kind,
            "scope": report.document.metadata.scope,
            "findings": [
                {"rule": f.rule, "family": f.family, "severity": f.severity, "message": f.message,
                 "stated": f.stated, "expected": f.expected, "evidence": [asdict(e) for e in f.evidence]}
                for f in report.findings
            ],
            "checks": {"run": report.tally.run, "passed": report.tally.passed, "skipped": report.tally.skipped,
                       "skipped_because": report.tally.reasons,
                       "not_checked": report.not_checked},
            "coverage": report.coverage.to_dict(),
        }
        for report in reports
    ]}


def render(reports: list[Report]) -> str:
    return json.dumps(data(reports), ensure_ascii=False, indent=1)
