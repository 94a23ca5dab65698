"""One problem, one finding: findings about the same narrative figure or the same table cell are merged.

A wrong 57.8 in the text breaks the item's two mentions (GJ401), its cell (GJ101) and its change rate
(GJ202); a reviewer writes that up once. The merged finding keeps the strongest severity, the leading
rule's message and line (`checker/data/merging.toml`), names the others, and carries every piece of
evidence.
"""

from __future__ import annotations

import re
from pathlib import Path

from checker.findings import SEVERITIES, Evidence, Finding
from corpus.datafile import load_toml

RULES = Path(__file__).resolve().parent / "data" / "merging.toml"
FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def merge(findings: list[Finding]) -> list[Finding]:
    data = load_toml(RULES)
    groups = _groups(findings, set(data["per_document"]), set(data["separate"]))
    leading = {rule: i for i, rule in enumerate(data["leading"])}
    merged = []
    for group in groups:
        if len(group) == 1:
            merged.append(group[0])
            continue
        group.sort(key=lambda f: (SEVERITIES.index(f.severity), leading.get(f.rule, len(leading)), f.line))
        merged.append(_one(group))
    return merged


def _groups(findings: list[Finding], per_document: set[str], separate: set[str]) -> list[list[Finding]]:
    """Findings joined when they share a figure on a text line, a table cell, or a per-document rule."""
    parent = list(range(len(findings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple, int] = {}
    for i, finding in enumerate(findings):
        for key in [] if finding.rule in separate else _keys(finding, per_document):
            if key in owner:
                parent[root(i)] = root(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[Finding]] = {}
    for i, finding in enumerate(findings):
        groups.setdefault(root(i), []).append(finding)
    return list(groups.values())


def _keys(finding: Finding, per_document: set[str]) -> list[tuple]:
    if finding.rule in per_document:
        return [("rule", finding.rule)]
    if finding.severity not in ("error", "warning"):
        return []  # roundings and notes are shown as they are
    # the amounts it is about: stated, expected and those its message quotes (decimals: not years, codes
    # or line numbers)
    figures = {_plain(text) for text in [finding.stated, finding.expected, *FIGURE.findall(finding.message)]
               if text and "." in text}
    keys: list[tuple] = [("cell", e.table, e.row, e.column) for e in finding.evidence
                         if e.kind == "table" and e.row and e.column]
    keys += [("figure", e.line, figure) for e in finding.evidence if e.kind == "text" for figure in figures]
    return keys


def _plain(text: str) -> str:
    return text.replace(",", "").rstrip("%")


def _one(group: list[Finding]) -> Finding:
    lead, others = group[0], group[1:]
    evidence: list[Evidence] = []
    for finding in group:
        evidence += [e for e in finding.evidence if e not in evidence]
    if all(f.rule == lead.rule for f in others):
        message = f"{lead.message}；另有 {len(others)} 条：" + "；".join(f.message for f in others)
    else:
        message = f"{lead.message}（同一问题另见 " + "、".join(f"{f.rule} 第 {f.line} 行" for f in others) + "）"
    return Finding(lead.rule, lead.family, lead.severity, message, lead.stated, lead.expected, evidence)
