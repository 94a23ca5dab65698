"""One disclosure, one identity: the same 预算 or 决算 of one department for one year and scope, whatever
forms it came in (PDF, its text extractions, per-page JSON, a narrative PDF and a tables PDF). The index
keeps the form read best and says which; the halves of a disclosure published as two files are paired."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from retrieval.names import department_key, organisation_mention

# how much a form's reading counts: figures placed in their column for sure, less those whose column could
# not be proved, less table identities that failed (a misread table breaks them), plus the narrative's figures
UNCERTAIN_CELL = 2.0
TABLE_ERROR = 10.0
CLAIM = 0.5
TABLE_RULES = "GJ5"  # table-internal rules: their errors mostly mean a misread table
# at equal reading, the form least likely to have lost characters or cells
# a document with tables and less narrative than this (characters) is the tables half of a pair
TABLES_ONLY_PROSE = 500
STYLE_PREFERENCE = {"pdf": 4, "markdown": 3, "layout": 2, "pages-json": 2, "plain": 1, "pdfparse": 0}


def identity_of(department: str | None, year: int | None, kind: str | None, scope: str | None) -> str | None:
    """'department|year|kind|scope', or None when the reading does not tell all of them."""
    if not department or not year or not kind:
        return None
    return f"{department_key(department)}|{year}|{kind}|{scope or '部门'}"


def content_of(document) -> str:
    """full | narrative (no table) | tables (tables, hardly any narrative): a half may be the other's pair."""
    prose = sum(len(paragraph.text) for paragraph in document.paragraphs())
    if not document.tables:
        return "narrative" if prose else "full"
    return "tables" if prose < TABLES_ONLY_PROSE else "full"


def read_score(document, report, claims: int) -> float:
    certain = uncertain = 0
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.certain:
                    certain += 1
                else:
                    uncertain += 1
    errors = sum(1 for f in report.findings if f.severity == "error" and f.rule.startswith(TABLE_RULES))
    return certain - UNCERTAIN_CELL * uncertain - TABLE_ERROR * errors + CLAIM * claims


@dataclass(frozen=True)
class Half:
    form: str  # the file
    content: str  # narrative | tables
    year: int | None
    department_key: str | None


def _stem(path: str) -> str:
    return Path(path).name.rsplit(".", 1)[0] if "." in Path(path).name else Path(path).name


def pair_halves(halves: list[Half]) -> list[tuple[Half, Half]]:
    """Narrative-only and tables-only files of one folder that are one disclosure: the pairs whose names
    share the longest beginning (each the other's best), at least half the shorter name, with no year or
    department that contradicts (a half's name that is no organisation's, such as a
    heading read as the department, contradicts nothing)."""
    def compatible(a: Half, b: Half) -> bool:
        return (not a.year or not b.year or a.year == b.year) and \
            (a.department_key == b.department_key or not organisation_mention(a.department_key or "")
             or not organisation_mention(b.department_key or ""))

    def shared(a: Half, b: Half) -> int:
        if Path(a.form).parent != Path(b.form).parent or not compatible(a, b):
            return 0
        common = len(os.path.commonprefix([_stem(a.form), _stem(b.form)]))
        return common if common >= max(4, min(len(_stem(a.form)), len(_stem(b.form))) // 2) else 0

    narratives = [h for h in halves if h.content == "narrative"]
    tables = [h for h in halves if h.content == "tables"]
    pairs = []
    for narrative in narratives:
        best = max(tables, key=lambda t: (shared(narrative, t), t.form), default=None)
        if best is None or not shared(narrative, best):
            continue
        rival = max(narratives, key=lambda n: (shared(n, best), n.form == narrative.form))
        if rival.form == narrative.form:
            pairs.append((narrative, best))
    return pairs
