"""Family 7: nothing missing, nothing left over from the template."""

from __future__ import annotations

import re
from collections.abc import Iterator

from checker.allowances import allowances
from checker.findings import Evidence
from checker.rules.base import CheckContext, Outcome, PatternRule, Rule, claim_evidence, register
from corpus.vocab import normalize, vocabulary

EMPTY_REASON = re.compile(r"(?:主要)?原因(?:是|为|如下)?[：:]?\s*[。；;]")
NONE_WORDS = re.compile(r"无|没有|为空|未安排")
RESIDUE = re.compile(r"增加（减少）|增加\(减少\)|增长（下降）|增长\(下降\)|[XＸ]{2,}|×{2,}|＊{2,}|\[\s*\]|【\s*】")


@register
class RequiredTables(Rule):
    """Every table the template requires is published (收支总表, 收入总表, 支出总表, 财政拨款收支总表,
    一般公共预算支出表, 基本支出表, 三公经费表). A document with no tables at all (a narrative published
    alone) is reported once.

    Why: A disclosure without the tables the template requires is incomplete, whatever its narrative says.

    Example: cq-transport-commission-2018-dept-budget-NARRATIVE-ONLY:1 — a narrative published without any of its tables.
    """

    code = "GJ701"
    name = "required-tables"
    family = "completeness"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        document = context.document
        present = {table.kind for table in document.tables}
        for kind, spec in vocabulary().tables.items():
            if not spec.required:
                continue
            if kind in present:
                yield "passed"
                continue
            yield self.finding(f"缺少{kind}（模板要求的公开表）", [Evidence("text", 1, 1, 1, document.path)],
                               stated=None, expected=kind)


@register
class EmptyReason(PatternRule):
    """A change is explained with an empty reason: "主要原因是。".

    Why: The reason for a change is what the public reads the narrative for; “主要原因是。” leaves the template's blank unfilled.

    Example: sh-putuo-sifaju-2026-unit-budget:296 — “（二）公务用车购置及运行费9.98万元，与2025年预算数持平，主要原因是。”
    """

    code = "GJ702"
    name = "empty-reason"
    family = "completeness"
    severity = "warning"
    pattern = EMPTY_REASON

    def message(self, text: str) -> str:
        return f"原因为空：“{text}”"


@register
class TemplateResidue(PatternRule):
    """Template wording left in the published text: "增加（减少）", "XX", "××", in the narrative and in
    every heading and table title ("第二部分 上海市普陀区XX局 2024 年度部门决算表").

    Why: Placeholders left in a published document (XX, 增加（减少）) show it was not proofread, and the figure or name they hold is missing.

    Example: sh-putuo-finance-2024-dept-final-SEEDED-ERRORS:98 — “第二部分 上海市普陀区XX局 2024 年度部门决算表”.
    """

    code = "GJ703"
    name = "template-residue"
    family = "completeness"
    severity = "warning"
    pattern = RESIDUE

    def message(self, text: str) -> str:
        return f"模板残留：“{text}”"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        in_headings = [
            self.finding(f"标题模板残留：“{title}”", [Evidence("text", span.line, span.end_line, span.page, title)],
                         stated=RESIDUE.search(title).group(0))
            for title, span in context.document.headings() if RESIDUE.search(title)]
        outcomes = list(super().check(context))
        if in_headings:
            outcomes = [outcome for outcome in outcomes if outcome != "passed"] + in_headings
        yield from outcomes


@register
class UnexplainedEmptyTable(Rule):
    """A table with no rows says why ("…为空表"); a silent empty table looks like an omission. Where the
    template explains it in the narrative instead (Jiangsu: "本部门无政府性基金预算"; data in
    `checker/data/allowances.toml`), that sentence is the explanation.

    Why: An empty table without its note cannot be told from one that was left out by mistake.

    Example: sh-putuo-finance-2024-dept-final-SEEDED-ERRORS:277 — the 财政拨款“三公”经费支出决算表 has no rows and no note.
    """

    code = "GJ704"
    name = "empty-table-unexplained"
    family = "completeness"
    severity = "warning"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for table in context.document.tables:
            if table.kind in ("整体绩效目标表", "项目绩效目标表"):
                continue
            if table.rows or table.empty_statement or table.notes or _explained(context.document, table):
                yield "passed"
                continue
            span = table.span
            yield self.finding(f"{table.title}没有数据，也没有说明为空表的原因",
                               [Evidence("table", span.line, span.end_line, span.page, table.title, table.title)])


def _empty_tables(document):
    """The tables with no rows whose fund the vocabulary names, with those words."""
    kinds = vocabulary().tables
    return [(table, kinds[table.kind].fund) for table in document.tables
            if not table.rows and table.kind in kinds and kinds[table.kind].fund]


def _names(text: str, fund: tuple[str, ...]) -> bool:
    text = normalize(text)
    return all(normalize(word) in text for word in fund)


@register
class FigureForEmptyTable(Rule):
    """The narrative gives a figure for what an empty table is about ("政府性基金预算支出 50 万元" while the
    政府性基金 table has no rows): one of the two is wrong. What a table is about is its kind's `fund`
    words in the vocabulary, all of which the figure's subject must name.

    Why: A figure for something its table says does not exist: the text and the table cannot both be right.

    Example: sh-putuo-sifaju-2026-dept-budget:91 with one edit — “政府性基金拨款支出预算12.00万元” while the 政府性基金 table is empty.
    """

    code = "GJ707"
    name = "figure-for-empty-table"
    family = "completeness"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for table, fund in _empty_tables(context.document):
            stated = [(statement, claim) for statement in context.statements if _names(statement.subject, fund)
                      for claim in statement.claims if claim.kind == "amount" and claim.value]
            if not stated:
                yield "passed"
                continue
            statement, claim = stated[0]
            span = table.span
            yield self.finding(f"{table.title}为空表，文中却写{statement.subject} {claim.printed} {claim.unit or ''}",
                               [claim_evidence(statement, claim),
                                Evidence("table", span.line, span.end_line, span.page, table.title, table.title)],
                               stated=claim.printed, expected="0")


@register
class EmptyNoteNamesAnotherFund(Rule):
    """An empty table's note names another fund than the table's ("本部门无政府性基金预算财政拨款安排的预算，
    故本表为空表" under the 国有资本经营预算 table): the note was copied from the table before it.

    Why: A note copied from the neighbouring table explains the wrong table; the reader is told nothing about this one.

    Example: sh-putuo-finance-2025-dept-budget:264 — under the 国有资本经营预算支出功能分类预算表: “注:本部门2025年无政府性基金预算财政拨款安排的预算，故本表为空表。”
    """

    code = "GJ708"
    name = "empty-note-fund"
    family = "completeness"
    severity = "warning"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        funds = {kind: spec.fund for kind, spec in vocabulary().tables.items() if spec.fund}
        for table, fund in _empty_tables(context.document):
            note = table.empty_statement or next((n for n in table.notes if NONE_WORDS.search(n)), "")
            if not note or _names(note, fund):
                yield "passed" if note else "skipped"
                continue
            others = [words for kind, words in funds.items() if kind != table.kind and _names(note, words)]
            if not others:
                yield "passed"  # "本部门无相关收支项目" names no fund
                continue
            span = table.span
            yield self.finding(f"{table.title}的空表说明写的是{'、'.join(''.join(w) for w in others)}：“{note}”",
                               [Evidence("table", span.line, span.end_line, span.page, note, table.title)],
                               stated="".join(others[0]), expected="".join(fund))


@register
class BlankPage(Rule):
    """A page with nothing on it between content pages (an extra blank page left in the PDF).

    Why: A blank page in the middle of a PDF is usually a table or text box that failed to render.

    Example: sh-putuo-sifaju-2026-dept-budget:21 — page 3 is empty between the 目录 and the 主要职能.
    """

    code = "GJ705"
    name = "blank-page"
    family = "completeness"
    severity = "warning"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        document = context.document
        if not document.page_count or "\f" not in document.text:
            yield "skipped"
            return
        pages = document.text.split("\f")
        line = 1
        found = False
        for number, page in enumerate(pages, start=1):
            if 1 < number < len(pages) and not page.strip():
                found = True
                yield self.finding(f"第 {number} 页是空白页", [Evidence("text", line, line, number, "")])
            line += page.count("\n")
        if not found:
            yield "passed"


@register
class TextCutByItsBox(Rule):
    """A line of the PDF is printed only in part: the edge of its text box cuts through its characters
    ("部分文字未正常显示"), as when a text box overflows its page and the next page repeats the box. Text
    the box hides entirely is not part of the document at all; a line cut in half is what a reader sees.

    Why: Text cut by its box is text the public cannot read: the published PDF does not show it.

    Example: sh-putuo-sifaju-2026-dept-budget.pdf:39 — “（八）负责本系统警车管理工作…” cut in half at the foot of page 4.
    """

    code = "GJ706"
    name = "text-cut-by-its-box"
    family = "completeness"
    severity = "warning"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        document = context.document
        if document.style != "pdf":
            yield "skipped"
            return
        # narrative lines only: a figure or word cut by a table cell's ruling is the table's layout
        prose = {line for paragraph in document.paragraphs() if len(paragraph.text) > 30
                 for _, line, _ in paragraph.line_map}
        cut = [(span, text) for span, text in document.cut_lines if span.line in prose]
        for span, text in cut:
            yield self.finding(f"第 {span.page} 页文字被文本框截断，未正常显示：“{text[:30]}”",
                               [Evidence("text", span.line, span.end_line, span.page, text)], stated=text[:30])
        if not cut:
            yield "passed"


def _explained(document, table) -> bool:
    """A sentence of the narrative names the empty table's fund as nothing, where the template allows it."""
    title = normalize(table.title)
    for entry in allowances()["explained_in_narrative"]:
        if document.metadata.template not in entry["templates"]:
            continue
        items = [item for item in entry["items"] if item in title]
        # a sentence, read with the heading it stands under ("七、政府性基金…情况说明" / "无")
        for _, _, section, paragraph in document.headed_paragraphs():
            for sentence in paragraph.sentences:
                text = normalize(sentence.text)
                named = any(item in text or item in normalize(section.title) for item in items)
                if named and any(word in text for word in entry["absent"]):
                    return True
    return False
