"""Where a finding belongs in a reviewer's checklist: a table, or a narrative section."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checker.findings import Finding
from corpus.model import Document, Section
from corpus.vocab import normalize


@dataclass
class ChecklistRow:
    group: str  # 内容规范性 | 表间勾稽
    item: str  # 封面与目录, a section title, 《table title》
    findings: list[Finding] = field(default_factory=list)


def checklist(document: Document, findings: list[Finding]) -> list[ChecklistRow]:
    """One row per narrative section (level 1) and per table, in document order, each with its findings."""
    rows = [ChecklistRow("内容规范性", "封面与目录")]
    starts: list[tuple[int, ChecklistRow]] = []
    lines = document.text.split("\n")
    for part in document.parts:
        for section in part.sections:
            start = _start_line(section, lines)
            if any(line == start for line, _ in starts):
                continue  # the body's heading of a 目录 entry ("2026年部门预算编制说明" under "四、…"): one row
            row = ChecklistRow("内容规范性", f"{section.number}、{section.title}" if section.number else section.title)
            rows.append(row)
            starts.append((start, row))
    by_table: dict[str, ChecklistRow] = {}
    for table in document.tables:
        row = ChecklistRow("内容规范性", f"《{table.title}》")
        rows.append(row)
        by_table[table.title] = row
        starts.append((table.span.line, row))
    starts.sort(key=lambda pair: pair[0])
    cross = ChecklistRow("表间勾稽", "表与表、表与文字的一致性")
    rows.append(cross)
    for finding in findings:
        tables = {e.table for e in finding.evidence if e.kind == "table" and e.table}
        if finding.family == "cross-table":
            cross.findings.append(finding)
            continue
        if finding.evidence and finding.evidence[0].kind == "table" and tables:
            title = next(iter(tables))
            target = next((row for key, row in by_table.items() if title.endswith(key) or key.endswith(title)), cross)
            target.findings.append(finding)
            continue
        line = finding.line
        target = rows[0]
        for start, row in starts:
            if start <= line:
                target = row
        target.findings.append(finding)
    return rows


def _start_line(section: Section, lines: list[str]) -> int:
    """Where a section's text starts. A table-of-contents entry (a title with no text under it) starts
    where the body repeats its title as a heading ("四、部门预算编制说明" -> "2026年部门预算编制说明")."""
    if section.paragraphs or section.children:
        return section.span.line
    key = re.sub(r"^20\d{2}年度?", "", normalize(section.title))
    for number in range(section.span.line + 1, len(lines) + 1):
        text = normalize(lines[number - 1])
        if key and text.endswith(key) and len(text) <= len(key) + 12 and "…" not in text:
            return number
    return section.span.line
