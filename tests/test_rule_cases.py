"""Every rule fires and passes on real documents, or on a real document with one edit (tests/rule_cases.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.conftest import EXTRA, ROOT, parsed, seed

CASES = tomllib.loads((ROOT / "tests" / "rule_cases.toml").read_text(encoding="utf-8"))["case"]


def _document_path(name: str) -> Path:
    kind, _, file = name.partition(":")
    path = seed(file) if kind == "seed" else EXTRA / file
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


def _edited(path: Path, edit: dict, folder: Path) -> Path:
    """A copy of the document, under its own name, with one line edited; the edit must find its text."""
    lines = path.read_text(encoding="utf-8").split("\n")
    line = lines[edit["line"] - 1]
    assert line.count(edit["old"]) == 1, f"{path.name}:{edit['line']} does not hold {edit['old']!r} once: {line!r}"
    lines[edit["line"] - 1] = line.replace(edit["old"], edit["new"])
    copy = folder / path.name
    copy.write_text("\n".join(lines), encoding="utf-8")
    return copy


def _label(case: dict) -> str:
    outcome = "passes" if case.get("passes") else f"fires@{case['fires']}"
    return f"{case['rule']}-{case['document'].partition(':')[2][:40]}-{outcome}{'-edited' if 'edit' in case else ''}"


@pytest.mark.parametrize("case", CASES, ids=[_label(case) for case in CASES])
def test_rule_case(case, tmp_path):
    from checker.runner import check_document

    path = _document_path(case["document"])
    document = parsed(str(_edited(path, case["edit"], tmp_path))) if "edit" in case else parsed(str(path))
    report = check_document(document, select=[case["rule"]])
    seen = [(f.rule, f.line, f.severity, f.message[:80]) for f in report.findings]
    if case.get("passes"):
        assert report.findings == [] and report.tally.passed > 0, seen
        return
    lines = {finding.rule: set() for finding in report.findings}
    for finding in report.findings:
        if finding.severity == case["severity"]:
            lines[finding.rule] |= {finding.line} | {n for e in finding.evidence for n in range(e.line, (e.end_line or e.line) + 1)}
    assert case["fires"] in lines.get(case["rule"], set()), seen


def test_every_rule_fires_and_passes():
    from checker.rules import CATALOG

    shown = {(case["rule"], "passes" if case.get("passes") else "fires") for case in CASES}
    lacking = [f"{code} {outcome}" for code in sorted(CATALOG) for outcome in ("fires", "passes")
               if (code, outcome) not in shown]
    assert lacking == []
    assert {case["rule"] for case in CASES} <= set(CATALOG)
