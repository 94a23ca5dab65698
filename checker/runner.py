"""Run the rule catalog over a document."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from checker.findings import SEVERITIES, Finding, Tally
from checker.linking import Coverage, coverage
from checker.merging import merge
from corpus.model import Document


@dataclass
class Report:
    document: Document
    findings: list[Finding] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    statements: list = field(default_factory=list, repr=False)  # the narrative's claims, for the fact store
    not_checked: list[str] = field(default_factory=list)  # rules that stopped on this input, and why
    coverage: Coverage = field(default_factory=Coverage)  # narrative amounts linked to a table cell

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == "error")


@cache
def _extractor():
    from checker.claims import ClaimExtractor

    return ClaimExtractor()


def selected_rules(select: list[str] | None = None, ignore: list[str] | None = None):
    """Rules by code prefix: --select GJ2 keeps family 2; --ignore GJ205 drops one rule."""
    from checker.rules import CATALOG

    def matches(code: str, prefixes: list[str]) -> bool:
        return any(code.startswith(prefix.strip().upper()) for prefix in prefixes if prefix.strip())

    return [rule for code, rule in sorted(CATALOG.items())
            if (not select or matches(code, select)) and not (ignore and matches(code, ignore))]


def check_document(document: Document, select: list[str] | None = None, ignore: list[str] | None = None) -> Report:
    from checker.rules import CheckContext

    context = CheckContext(document, _extractor().statements(document))
    report = Report(document, statements=context.statements)
    for rule in selected_rules(select, ignore):
        try:
            outcomes = list(rule().check(context))
        except Exception as error:  # noqa: BLE001 - one rule tripping on odd input must not lose the others
            report.not_checked.append(f"{rule.code}: {type(error).__name__}: {error}"[:200])
            report.tally.add("skipped")
            continue
        for outcome in outcomes:
            if isinstance(outcome, Finding):
                report.findings.append(outcome)
                report.tally.add("failed")
            else:
                report.tally.add(outcome)
    report.coverage = coverage(document, context.statements, context.links)
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    report.findings = merge(report.findings)  # one problem, one finding
    report.findings.sort(key=lambda f: (f.line, order[f.severity], f.rule))
    return report
