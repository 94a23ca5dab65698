"""Which table cell a narrative amount restates.

A subject is resolved, in this order, by
  1. its 科目 path, in every form the templates write one: "X（类）Y（款）Z（项）" (codes optional, from the 类
     or from the 款 down, the 类 then taken from the heading), "X-Y-Z", "“X”科目", or the heading's path when
     the sentence only says "支出决算为…";
  2. the item it names (基本支出, 人员经费, 公务接待费, 收入总计 …), in the table the section restates and
     then in the item's home tables (checker/data/text_table.toml);
  3. a row of the section's table with the subject's name.
A 决算 is compared with its 决算数, never the 预算数 beside it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from checker.claims import PATH_LEVEL, Claim, Statement, resolve_path
from corpus.datafile import load_toml
from corpus.model import Cell, Document, Row, Section, Table
from corpus.vocab import normalize, strip_ordinal, vocabulary

MAPPING = Path(__file__).resolve().parent / "data" / "text_table.toml"
AMOUNT = re.compile(r"\d[\d,.]*\s*(?:万元|亿元|元)")
TITLE_END = re.compile(r"[：:。，,；;]")
HYPHENS = re.compile(r"\s*[-－—–]+\s*")
QUOTED_SUBJECT = re.compile(r"^[“\"]([^”\"]+)[”\"](?:科目|（类）|\(类\))?")


def mapping() -> dict:
    return load_toml(MAPPING)


@dataclass
class Located:
    table: Table
    row: Row
    cell: Cell | None
    column: str


def located(table: Table, row: Row, cell: Cell | None, column: str) -> Located | None:
    """A cell found, or None where the row has figures but none in a column that holds its total."""
    return Located(table, row, cell, column) if column else None


@dataclass(frozen=True)
class Stated:
    """A narrative amount as a figure in 万元, with the half step of its printed precision."""

    claim: Claim
    value: Decimal
    half_step: Decimal


def stated_amount(statement: Statement) -> Stated | None:
    """The statement's current amount (its last one) in 万元, whether printed in 万元, 元 or 亿元."""
    from checker.arith import half_step

    vocab = vocabulary()
    for claim in reversed(statement.claims):
        if claim.kind != "amount" or claim.value is None or claim.unit not in vocab.units:
            continue
        factor = vocab.unit_factor(claim.unit)
        return Stated(claim, claim.value * factor, half_step(claim.printed) * factor)
    return None


# ------------------------------------------------------------------ names


def same_name(label: str, name: str) -> bool:
    """A row label and a name in the text, allowing the 支出 the text moves behind its （类）."""
    a, b = _name_key(label), _name_key(name)
    return bool(a) and (a == b or a == b + "支出" or a + "支出" == b)


@lru_cache(maxsize=1 << 16)  # the same labels and names are compared for every figure of a document
def _name_key(text: str) -> str:
    return strip_ordinal(normalize(text)).strip("“”\"'")


def subject_key(document: Document, subject: str) -> str:
    text = normalize(subject)
    if document.metadata.department:
        text = text.replace(normalize(document.metadata.department), "")
    return strip_ordinal(re.sub(r"^20\d{2}年度?", "", text))


def _trimmed(key: str) -> list[str]:
    """The subject, then without its opening words, then one closing word less at a time
    ("本部门…预算支出" → "…预算支出" → "…预算" → "…")."""
    data = mapping()["subject"]
    heads = re.compile("^(?:" + "|".join(map(re.escape, data["heads"])) + ")+")
    forms = [key, heads.sub("", key)]  # always two: the subject, and the subject without its opening words
    while form := forms[-1]:
        ends = [word for word in data["tails"] if form.endswith(word) and word != form]
        if not ends:
            break
        forms.append(form[: -len(min(ends, key=len))])
    return forms


def subject_concept(document: Document, statement: Statement) -> str | None:
    """The item a subject names: all of it (without its opening words), the one item it names beside a
    fund ("一般公共预算财政拨款基本支出" is 基本支出: the section's table says the fund), what is left
    without its closing words ("公务接待费预算支出"), or the fund it names alone ("一般公共预算收入")."""
    if statement.concept:
        return statement.concept
    vocab = vocabulary()
    words = mapping()["subject"]
    forms = _trimmed(subject_key(document, statement.subject))
    if total := next((words["totals"][form] for form in forms if form in words["totals"]), None):
        return total
    whole = forms[:2]
    for form in whole:
        if (concept := vocab.concept_of(form)) is not None:
            return concept
    named = {concept for _, concept in vocab.find_concepts(whole[-1])}
    items = named - set(words["funds"])
    if len(items) == 1:
        return items.pop()
    for form in forms[2:]:
        if (concept := vocab.concept_of(form)) is not None:
            return concept
    return named.pop() if len(named) == 1 else None


def is_generic(document: Document, statement: Statement) -> bool:
    """A subject that only restates its heading's item: "支出决算为 1511.89 万元"."""
    key = subject_key(document, statement.subject)
    return not key or any(form in mapping()["subject"]["generic"] for form in _trimmed(key))


# ------------------------------------------------------------------ 科目 paths


def subject_path(document: Document, statement: Statement) -> list[tuple[str, str | None, str]]:
    """The 科目 path a subject names, in any of the templates' forms, completed from its heading."""
    path = statement.path or _hyphen_path(statement.subject) or _quoted_path(statement.subject)
    heading = _heading_path(statement)
    if not path and heading and is_generic(document, statement):
        return heading
    if path and heading and path[0][2] != "类" and heading[-1][2] == "类":
        return heading[-1:] + path  # "（二）城乡社区支出（类）" above "城乡社区管理事务（款）行政运行（项）"
    return path


def _hyphen_path(subject: str) -> list[tuple[str, str | None, str]]:
    parts = [part for part in HYPHENS.split(normalize(subject)) if part]
    if len(parts) < 2 or len(parts) > 3 or not all(re.search(r"[\u4e00-\u9fff]", part) for part in parts):
        return []
    return [(strip_ordinal(part), None, level) for part, level in zip(parts, ("类", "款", "项"))]


def _quoted_path(subject: str) -> list[tuple[str, str | None, str]]:
    """"“卫生健康支出”科目" (the quotes may be lost in extraction: "卫生健康支出科目")."""
    text = normalize(subject)
    match = QUOTED_SUBJECT.match(text)
    if match:
        return [(match.group(1), None, "类")]
    if text.endswith("科目") and len(text) > 4:
        return [(strip_ordinal(text[:-2]), None, "类")]
    return []


def _heading_path(statement: Statement) -> list[tuple[str, str | None, str]]:
    for section in reversed(ancestors(statement)):
        heading = _heading_text(section)
        if PATH_LEVEL.search(heading) and not AMOUNT.search(heading):
            return resolve_path(heading)
    return []


def _heading_text(section: Section) -> str:
    """A heading as printed, also where it wraps into its paragraph ("1、…（类）…（款）" / "…（项）。主要用于")."""
    first = section.paragraphs[0] if section.paragraphs else None
    if first is not None and first.span.line == section.span.line and first.text:
        return TITLE_END.split(first.text, maxsplit=1)[0]
    return section.title


def ancestors(statement: Statement) -> list[Section]:
    """The statement's sections from its level-1 section down to its own."""
    if statement.top is None:
        return [statement.section] if statement.section is not None else []

    def down(section: Section, trail: list[Section]) -> list[Section] | None:
        trail = [*trail, section]
        if section is statement.section:
            return trail
        return next((found for child in section.children if (found := down(child, trail))), None)

    return down(statement.top, []) or [statement.top]


def by_path(table: Table, path: list[tuple[str, str | None, str]]) -> Row | None:
    """The row a path names: by its full code where the text gives codes, else name by name down the tree
    from whichever level the path starts at. A level whose name the table does not use (a renamed 科目,
    a wrong 款 name: "住房保障支出（款）住房公积金（项）" under 221 住房改革支出) is passed over when the
    levels below it name one row; a last level is also found by a name close to the table's ("其他国土资源
    事务支出" for 其他自然资源事务支出, one such child only). None when no row, or several rows, match."""
    codes = [code for _, code, _ in path]
    if path and all(codes) and path[0][2] == "类":
        code = "".join(code.zfill(2) if i else code for i, code in enumerate(codes))
        return next((row for row in table.rows if row.code == code), None)
    coded = [row for row in table.rows if row.code]
    chains: list[Row] = []
    skipped = 0  # levels passed over since the last match
    for depth, (name, code, _) in enumerate(path):
        below = [row for row in coded if depth == 0 or any(_under(row, parent, skipped + 1) for parent in chains)]
        matches = [row for row in below if same_name(row.label, name)
                   and (not code or (row.code or "").endswith(code.zfill(2) if len(code) < 3 else code))]
        if not matches and depth and depth == len(path) - 1:
            matches = _close_names(below, name)
        if not matches:
            if depth == 0 or depth == len(path) - 1:
                return None
            skipped += 1
            continue
        chains, skipped = matches, 0
    codes_found = {row.code for row in chains}
    return chains[0] if len(codes_found) == 1 else None


CLOSE_NAME = 0.75  # SequenceMatcher ratio of two 科目 names that differ by a renamed word or two


def _under(row: Row, parent: Row, levels: int) -> bool:
    """`row` is `levels` levels below `parent` (each level adds two digits to the code)."""
    code, parent_code = row.code or "", parent.code or ""
    return len(code) == len(parent_code) + 2 * levels and code.startswith(parent_code)


def _close_names(rows: list[Row], name: str) -> list[Row]:
    """The one row whose name is close to `name`, or none."""
    from difflib import SequenceMatcher

    key = _name_key(name)
    scored = [(SequenceMatcher(None, _name_key(row.label), key).ratio(), row) for row in rows]
    close = [row for ratio, row in scored if ratio >= CLOSE_NAME]
    return close if len(close) == 1 else []


# ------------------------------------------------------------------ tables and cells


def section_table(document: Document, statement: Statement) -> tuple[Table, str | None] | None:
    """The table the statement's section restates: its own heading first, then the headings above it;
    in one heading the first entry of the mapping that matches (the most specific item comes first)."""
    for section in reversed(ancestors(statement)):
        for entry in mapping()["section"]:
            if any(word in section.title for word in entry["match"]):
                table = document.table(entry["table"])
                if table is not None:
                    return table, entry.get("side")
    return None


def section_kinds(statement: Statement) -> list[str]:
    """The table kinds the statement's headings restate, its own heading first, whether or not the
    document prints them."""
    return [entry["table"] for section in reversed(ancestors(statement)) for entry in mapping()["section"]
            if any(word in section.title for word in entry["match"])]


def _prints(table: Table | None, concept: str | None) -> bool:
    """The table exists and, for an item, has a column or a row for it (a 决算's 三公 table has no
    机关运行经费 column; the 预算's has)."""
    if table is None:
        return False
    totals = mapping()["totals"]
    if concept is None or table.kind in totals.get(concept, []) or concept in mapping()["subject"]["totals"].values():
        return True  # a grand total is printed wherever its table is
    return any(concept in column.key.split(":") for column in table.columns) or \
        any(row.concept == concept for row in table.rows) or concept in mapping()["parts"]


def figure_column(document: Document, table: Table, row: Row, concept: str | None = None) -> tuple[Cell | None, str]:
    """A row's figure: the concept's own column, else its total column; in a 决算 the 决算数, not 预算数."""
    final = document.metadata.kind == "决算"

    def usable(cell: Cell) -> bool:
        return not (final and cell.column.endswith("预算数"))

    keys = [concept] if concept else list(mapping()["total_columns"])
    for key in keys:
        for cell in row.cells:
            if usable(cell) and (cell.column == key or cell.column.split(":")[0] == key):
                return cell, cell.column
    cells = [cell for cell in row.cells if usable(cell)]
    first = next((column.key for column in table.columns if not (final and column.key.endswith("预算数"))), None)
    if concept is None and cells and cells[0].column == first:  # a table's first column is its total
        return cells[0], cells[0].column
    if concept is None and cells:
        return None, ""  # figures, but none in a column known to hold the row's total: no link
    return None, keys[0]


def _rows_of(table: Table, side: str | None) -> list[Row]:
    return [row for row in table.rows if side is None or row.side in (None, side)]


def total_row(table: Table, side: str | None) -> Row | None:
    rows = _rows_of(table, side)
    totals = [row for row in rows if row.is_total]
    if totals:
        return max(totals, key=lambda row: max((cell.value for cell in row.cells), default=Decimal(0)))
    with_figures = [row for row in rows if row.cells]
    return with_figures[0] if len(with_figures) == 1 else None  # a 三公 table's single data row is its total


def concept_cell(document: Document, table: Table, concept: str, side: str | None) -> Located | None:
    """Where a table prints an item: its column on the total row, its own row, or the table's total."""
    total = total_row(table, side)
    if total is not None and any(c.key.split(":")[0] == concept and c.side in (None, side) for c in table.columns):
        cell, column = figure_column(document, table, total, concept)
        return located(table, total, cell, column)
    if total is not None and table.kind in mapping()["totals"].get(concept, []):
        cell, column = figure_column(document, table, total)
        return located(table, total, cell, column)
    names = {concept + suffix for suffix in ("", "合计", "小计", "总计")}
    for row in _rows_of(table, side):
        if row.concept == concept or vocabulary().concept_of(row.label) == concept or _name_key(row.label) in names:
            cell, column = figure_column(document, table, row)
            return located(table, row, cell, column)
    return None


def parts_cell(document: Document, table: Table, concept: str) -> Located | None:
    """An item a table prints only as its 经济分类 parts (人员经费 = 301 + 303 where the 基本支出表 has no
    人员经费 row): their rows' figures added."""
    codes = mapping()["parts"].get(concept)
    rows = [row for code in codes or [] for row in table.rows if row.code == code]
    cells = [(row, *figure_column(document, table, row)) for row in rows]
    cells = [(row, cell, column) for row, cell, column in cells if cell is not None]
    if not cells or any(row.ambiguous for row, _, _ in cells):
        return None
    first_row, first, column = cells[0]
    total = Cell(column, " + ".join(cell.printed for _, cell, _ in cells), sum((c.value for _, c, _ in cells), Decimal(0)),
                 first.span)
    return Located(table, first_row, total, column)


def homes(concept: str) -> list[dict]:
    return [home if isinstance(home, dict) else {"table": home} for home in mapping()["homes"].get(concept, [])]


def concept_home(document: Document, concept: str) -> Located | None:
    """Where the document's tables print an item the narrative names without a figure ("占“三公”经费的 26.86%")."""
    for place in homes(concept):
        table = document.table(place["table"])
        if table is not None and (found := concept_cell(document, table, concept, place.get("side"))):
            return found
    return None


def link(document: Document, statement: Statement) -> Located | None:
    """The cell a statement's amount restates, or None where gouji cannot tell which."""
    found = section_table(document, statement)
    path = subject_path(document, statement)
    if path:
        # the section's table, or where no section names one the 科目 tables; never another fund's table
        kinds = [found[0].kind] if found else list(mapping()["fallback"]["tables"])
        for table in (document.table(kind) for kind in kinds if kind):
            if table is not None and (row := by_path(table, path)) is not None:
                cell, column = figure_column(document, table, row)
                return located(table, row, cell, column)
        return None
    # "支出决算为 0.39 万元" under the 三公 heading: the heading's table's total
    generic = found is not None and is_generic(document, statement)
    concept = "合计" if generic else subject_concept(document, statement)
    if concept is not None:
        places = ([{"table": found[0].kind, "side": found[1]}] if found else []) + homes(concept)
        for place in places:
            table = document.table(place["table"])
            if table is not None and (cell_found := concept_cell(document, table, concept, place.get("side"))
                                      or parts_cell(document, table, concept)):
                return cell_found
    if found is None:
        return None
    table, side = found
    key = subject_key(document, statement.subject)
    for row in _rows_of(table, side):
        if key and same_name(row.label, key):
            cell, column = figure_column(document, table, row)
            return located(table, row, cell, column)
    return None


@dataclass(frozen=True)
class Unlinked:
    line: int
    subject: str
    printed: str
    unit: str | None
    why: str  # "no table": the item is one no table of this document prints (政府采购 in a 决算); "not found"


@dataclass
class Coverage:
    """How many of a document's narrative amounts were linked to a table cell: a reviewer sees what was
    compared, not only what failed."""

    linked: int = 0
    unlinked: list[Unlinked] = field(default_factory=list)

    @property
    def amounts(self) -> int:
        return self.linked + len(self.unlinked)

    @property
    def without_table(self) -> int:
        return sum(1 for item in self.unlinked if item.why == "no table")

    def to_dict(self) -> dict:
        return {"amounts": self.amounts, "linked": self.linked, "unlinked": len(self.unlinked),
                "without_table": self.without_table, "unlinked_amounts": [asdict(item) for item in self.unlinked]}


def coverage(document: Document, statements: list[Statement], links: dict[int, Located]) -> Coverage:
    """Every amount a statement states for a subject: linked (a cell found), about an item no table of the
    document prints, or not found."""
    result = Coverage()
    for statement in statements:
        stated = stated_amount(statement)
        if stated is None or not statement.subject:
            continue
        if id(statement) in links:
            result.linked += 1
            continue
        concept = subject_concept(document, statement)
        kinds = [place["table"] for place in homes(concept)] if concept else section_kinds(statement)[:1]
        printed = any(_prints(document.table(kind), concept) for kind in kinds)
        why = "no table" if kinds and not printed else "not found"
        claim = stated.claim
        result.unlinked.append(Unlinked(claim.span.line, statement.subject, claim.printed, claim.unit, why))
    return result
