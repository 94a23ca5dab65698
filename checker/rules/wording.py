"""Family 8: wording a reviewer would correct."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from checker.allowances import allowances, restating_sections
from checker.claims import YEAR
from checker.findings import Evidence
from checker.linking import by_path, mapping
from checker.reading import printed_lines
from checker.rules.base import (
    CheckContext,
    Outcome,
    PatternRule,
    Rule,
    cell_evidence,
    claim_evidence,
    register,
    text_evidence,
)
from corpus.vocab import normalize, vocabulary

# two CJK characters with a gap between them: cells of a table row, which Chinese prose never has
CELL_GAP = re.compile(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]")
STATES = re.compile(r"(?:是|为)[^，。：]{2,}$")  # a clause that says something ("…的主要原因是工作量增加")
CLOSING = "，。；：、！？,.;:（(“\"'"
DOUBLED = re.compile(r"([。，、；：！？])\1+")
SCOPE_WORDS = re.compile(r"本部门|部门预算(?!单位)|部门决算|部门整体")


@register
class ComparisonYear(Rule):
    """A change is compared with the wrong year: a 2026 budget compares with 2025 (上年), not with 2026
    or 2024.

    Why: A budget compares with the year before; a comparison with its own year (or two years back) means the sentence was copied from another year's document.

    Example: sh-putuo-sifaju-2026-dept-budget:88 — in the 2026 budget, “比2026年预算增加793.14万元”.
    """

    code = "GJ801"
    name = "comparison-year"
    family = "wording"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        year = context.document.metadata.year
        if year is None:
            yield "skipped"
            return
        for statement in context.statements:
            for claim in statement.claims:
                if claim.kind not in ("change_amount", "change_rate", "flat") or not claim.base:
                    continue
                match = YEAR.search(claim.base)
                if not match:
                    continue
                if int(match.group(1)) == year - 1:
                    yield "passed"
                    continue
                yield self.finding(f"与{claim.base}比较：{year} 年的公开应与 {year - 1} 年比较",
                                   [claim_evidence(statement, claim)], stated=claim.base, expected=f"{year - 1}年")


@register
class SubjectNameMatchesTable(Rule):
    """The 科目 name the text gives for a code is the table's name for that code (医疗卫生与计划生育支出 in
    the text where the table says 卫生健康支出 for 210).

    Why: The 科目 name is how the public finds an item; an outdated name (the 2018 renaming of 210) sends them to a row that no longer exists.

    Example: sh-putuo-sifaju-2026-dept-budget:119 — “医疗卫生与计划生育支出（210类）” where the table says 卫生健康支出.
    """

    code = "GJ802"
    name = "subject-name"
    family = "wording"
    severity = "warning"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        document = context.document
        for statement in context.statements:
            if not statement.code:
                continue
            table = next((t for kind in mapping()["fallback"]["tables"] if (t := document.table(kind))
                          and by_path(t, statement.path)), None)
            if table is None:
                yield "skipped"
                continue
            prefix = ""
            for name, code, level in statement.path:
                prefix += code.zfill(2) if prefix else code
                row = next((r for r in table.rows if r.code == prefix), None)
                if row is None:
                    continue
                if normalize(row.label) == normalize(name):
                    yield "passed"
                    continue
                yield self.finding(f"{prefix} 文中为“{name}”，{table.title}中为“{row.label}”",
                                   [claim_evidence(statement), cell_evidence(table, row, None)],
                                   stated=name, expected=row.label)


@register
class NarrativeMarksRead(Rule):
    """The narrative's punctuation sits where it was printed. Some text extractions set a line's
    full-width marks and figures on a line of their own below it ("七、财政拨款 三公 经费…" over "“ ”");
    quotes, stops and commas then cannot be checked, and this one note says so instead of a finding for
    every displaced mark (GJ804, GJ805 and GJ807 count as skipped).

    Why: Punctuation checks on a text layer that moved the marks would report every line; one note says why they were not run.

    Example: sh-putuo-finance-2024-dept-final:61 — “七、财政拨款 三公 经费…” over a line holding only “ ”.
    """

    code = "GJ800"
    name = "narrative-marks-read"
    family = "wording"
    severity = "note"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        if context.punctuation_read:
            yield "passed"
            return
        text, line, page = context.displaced_marks[0]
        yield self.finding(f"正文有 {len(context.displaced_marks)} 行只有标点和数字（文字层把它们移出了所在的行，"
                           f"如第 {line} 行的 {text}），标点检查不计入结果", [Evidence("text", line, line, page, text)])


@register
class ScopeWording(PatternRule):
    """A 单位 (unit) disclosure speaks of itself as a 部门 ("部门预算安排购置车辆"): the wording of the
    department template was left in.

    Why: A 单位 document that calls itself a 部门 was copied from the department's, and may carry the department's figures too.

    Example: sh-putuo-sifaju-2026-unit-budget:310 — “2026年部门预算安排购置车辆0辆” in a unit budget.
    """

    code = "GJ803"
    name = "unit-says-department"
    family = "wording"
    severity = "warning"
    pattern = SCOPE_WORDS

    def applies(self, context: CheckContext) -> bool:
        return context.document.metadata.scope == "单位"

    def searched(self, context: CheckContext):
        """Outside official table names that contain 部门 ("…基本支出部门预算经济分类预算表") and outside the
        sections that speak of the body's work, not of the document (主要职能 …: "深化部门预算改革";
        `checker/data/allowances.toml`)."""
        document = context.document
        exempt = allowances()["scope_wording"]["not_in_sections"]
        titles = {id(paragraph): part.title + top.title for part, top, _, paragraph in document.headed_paragraphs()}
        names = [title for title in vocabulary().official_titles() if self.pattern.search(title)]
        paragraphs = [paragraph for paragraph in document.paragraphs()
                      if not any(word in titles.get(id(paragraph), "") for word in exempt)]
        return paragraphs, lambda text: _masked(text, names)

    def message(self, text: str) -> str:
        return f"单位预算中写作“{text}”，应为单位"

    def expected(self, text: str) -> str | None:
        return text.replace("部门", "单位")


@register
class DoubledPunctuation(PatternRule):
    """The same punctuation mark twice in a row ("支出。。").

    Why: A proofreading error the public sees; cheap to fix before publication.

    Example: sh-putuo-sifaju-2026-dept-budget:104 — “…等方面的支出。。”
    """

    code = "GJ804"
    name = "doubled-punctuation"
    family = "wording"
    severity = "warning"
    pattern = DOUBLED

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        return context.unless_marks_displaced(super().check(context))

    def message(self, text: str) -> str:
        return f"标点重复：“{text}”"

    def expected(self, text: str) -> str | None:
        return text[0]


@register
class UnbalancedQuotes(Rule):
    """Quotation marks that do not pair up within a paragraph (a stray ” or “).

    Why: An unpaired quote hides where a name (a project, a campaign) begins or ends.

    Example: sh-putuo-sifaju-2026-dept-budget:352 — “4.开展“人民调解协议书检查”、优秀调解案例”活动。”
    """

    code = "GJ805"
    name = "unbalanced-quotes"
    family = "wording"
    severity = "warning"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        return context.unless_marks_displaced(self._check(context))

    def _check(self, context: CheckContext) -> Iterator[Outcome]:
        for paragraph in context.document.paragraphs():
            opened, closed = paragraph.text.count("“"), paragraph.text.count("”")
            if opened == closed:
                if opened:
                    yield "passed"
                continue
            span = paragraph.span
            yield self.finding(f"引号不成对（“ {opened} 个，” {closed} 个）",
                               [Evidence("text", span.line, span.end_line, span.page, paragraph.text[:120])])


@register
class RepeatedParagraph(Rule):
    """The same paragraph printed twice (text that did not render in place, or a copy left in). Sections
    a template restates by design (Jiangsu's 财政拨款 and 一般公共预算 sections, `checker/data/allowances.toml`)
    may repeat each other's paragraphs.

    Why: A paragraph printed twice is text that did not render where it should, or an older copy left in.

    Example: sh-putuo-sifaju-2026-dept-budget:45 (text form) — the 主要职能 list printed again on page 5.
    """

    code = "GJ806"
    name = "repeated-paragraph"
    family = "wording"
    severity = "warning"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        document = context.document
        section_of = {id(paragraph): top.title for _, top, _, paragraph in document.headed_paragraphs()}
        pairs = restating_sections(document.metadata.template)
        seen: dict[str, tuple[int, str]] = {}
        previous_repeated = False
        for paragraph in document.paragraphs():
            key = normalize(paragraph.text)
            if len(key) < 40:
                continue
            here = section_of.get(id(paragraph), "")
            repeated = key in seen and not _restates(pairs, seen[key][1], here)
            if key in seen and not repeated:
                yield "passed"  # the template restates this section's paragraphs there
                continue
            if repeated and previous_repeated:
                continue  # one finding for a repeated run of paragraphs
            previous_repeated = repeated
            if repeated:
                span = paragraph.span
                yield self.finding(f"段落重复（第 {seen[key][0]} 行已有同样内容）",
                                   [Evidence("text", span.line, span.end_line, span.page, paragraph.text[:120])])
            else:
                seen[key] = (paragraph.span.line, here)


def _masked(text: str, names: list[str]) -> str:
    """The text with every official name in it blanked, character for character (offsets hold)."""
    for name in names:
        text = text.replace(name, "＿" * len(name))
    return text


def _restates(pairs: list[list[str]], first: str, second: str) -> bool:
    """The two sections' titles name the two sides of one restating pair. The longest word that fits a
    title decides it, so that "财政拨款基本支出" is not also read as "财政拨款支出"."""
    def side(title: str, pair: list[str]) -> int | None:
        fits = [(len(word), i) for i, word in enumerate(pair) if word in normalize(title)]
        return max(fits)[1] if fits else None

    return any({side(first, pair), side(second, pair)} == {0, 1} for pair in pairs)


@register
class MissingFullStop(Rule):
    """A sentence that ends without its full stop: a clause that states something ("…的主要原因是工作量
    增加") stops well short of the page's text width without closing punctuation, and the next line starts
    a new thought.

    Why: A sentence that runs into the next changes what the reason explains.

    Example: sh-putuo-sifaju-2026-dept-budget:93 — “财政拨款收入支出增加的主要原因是工作量增加” with no full stop, the next line a new paragraph.
    """

    code = "GJ807"
    name = "missing-full-stop"
    family = "wording"
    severity = "warning"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        return context.unless_marks_displaced(self._check(context))

    def _check(self, context: CheckContext) -> Iterator[Outcome]:
        pieces = [printed_lines(paragraph) for paragraph in context.document.paragraphs()]
        lengths = sorted(len(piece) for group in pieces for piece, _, _ in group)
        if len(lengths) < 20:
            yield "skipped"
            return
        full = lengths[int(len(lengths) * 0.8)]  # a full line of narrative at this page width
        found = False
        for paragraph, group in zip(context.document.paragraphs(), pieces):
            if any(CELL_GAP.search(piece) for piece, _, _ in group):
                continue  # text set in table cells (a 项目绩效目标表 read as lines): its lines are not prose
            for (piece, number, page), (following, _, _) in pairwise(group):
                if len(piece) < 8 or len(piece) >= 0.7 * full or piece[-1] in CLOSING:
                    continue
                if not STATES.search(piece) or "：" in piece or ":" in piece:
                    continue  # titles and "项目名称：…" labels end without punctuation by design
                if not following or following[0] in "，。；：、）)”":
                    continue
                found = True
                yield self.finding(f"句末缺少标点：“…{piece[-12:]}”后接下一句", [Evidence("text", number, number, page, piece)],
                                   stated=piece[-12:], expected=piece[-12:] + "。")
        if not found:
            yield "passed"


# A year the document prints for itself: "2024年度部门决算情况说明" in a heading or a table title, and the
# date its asset count is taken at ("截至2025年8月", "截至 2024 年 12 月"), which in a 预算 falls in the
# year before (the budget is drawn up then) and in a 决算 in its own year.
OWN_YEAR_TITLE = re.compile(r"(20\d{2})\s*年度?[\u4e00-\u9fff“”]{0,16}?(?:预算|决算)")
COUNTED_AT = re.compile(r"截[至止]\s*(20\d{2})\s*年\s*\d{1,2}\s*月")
COUNTED_AT_OFFSET = {"预算": -1, "决算": 0}
NOT_OWN_YEAR = ("执行", "上年", "结转", "比")  # "2025年预算执行数" in a 2026 heading is the year compared with


@register
class DocumentYear(Rule):
    """Every year the document writes for itself is its own year: part, section and table titles
    ("第三部分 上海市普陀区财政局 2023年度部门决算情况说明" in a 2024 决算), and the date its 国有资产占用情况
    counts at ("截至2023年12月" in a 2024 决算; a 预算 counts at the end of the year before).

    Why: A title with another year is the classic sign of last year's document reused; the public cannot tell which year's figures they are reading.

    Example: sh-putuo-finance-2024-dept-final-SEEDED-ERRORS:308 — “第三部分上海市普陀区财政局 2023年度部门决算情况说明” in the 2024 决算; :456 “截至 2023年 12 月”.
    """

    code = "GJ808"
    name = "document-year"
    family = "wording"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        document = context.document
        year, kind = document.metadata.year, document.metadata.kind
        if year is None:
            yield "skipped"
            return
        part_titles = {id(part.span) for part in document.parts}
        for title, span in document.headings():
            # a part of the document is of its year whatever it names ("第一部分 2025 年部门概况")
            pattern = YEAR if id(span) in part_titles else OWN_YEAR_TITLE
            for match in pattern.finditer(title):
                if any(word in match.group(0) for word in NOT_OWN_YEAR):
                    continue
                if int(match.group(1)) == year:
                    yield "passed"
                    continue
                yield self.finding(f"标题中的年份 {match.group(1)} 与文件年度 {year} 不符：“{title}”",
                                   [Evidence("text", span.line, span.end_line, span.page, title)],
                                   stated=f"{match.group(1)}年", expected=f"{year}年")
        if kind not in COUNTED_AT_OFFSET:
            return
        expected = year + COUNTED_AT_OFFSET[kind]
        for evidence, text in text_evidence(context, COUNTED_AT):
            printed = int(COUNTED_AT.match(text).group(1))
            if printed == expected:
                yield "passed"
                continue
            yield self.finding(f"“{text}”：{year} 年{kind}的资产情况应截至 {expected} 年", [evidence],
                               stated=f"{printed}年", expected=f"{expected}年")
