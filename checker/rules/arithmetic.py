"""Family 2: the narrative's own arithmetic (shares, changes, rates, directions)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from checker.allowances import allowances
from checker.arith import HUNDRED, OUTCOME_ORDER, fmt, half_step, ratio_envelope, verdict
from checker.claims import Claim, Statement
from checker.findings import Evidence
from checker.linking import concept_home
from checker.rules.base import (
    CheckContext,
    Outcome,
    Rule,
    cell_evidence,
    claim_evidence,
    register,
    text_evidence,
)
from checker.rules.completeness import RESIDUE
from corpus.vocab import normalize, vocabulary


def _signed(claim: Claim) -> Decimal:
    assert claim.value is not None
    return -claim.value if claim.direction == -1 else claim.value


def _amount(statement: Statement) -> Claim | None:
    """The statement's current amount (the last one: "…执行数为X万元，2026年预算安排Y万元" states Y)."""
    amounts = [c for c in statement.claims if c.kind == "amount" and c.unit == "万元"]
    return amounts[-1] if amounts else None


def _change(statement: Statement) -> tuple[Claim, Claim, Claim] | None:
    """(amount, change amount, change rate) when the statement states all three in 万元."""
    amount, change, rate = _amount(statement), statement.first("change_amount"), statement.first("change_rate")
    if amount and change and rate and change.unit == "万元":
        return amount, change, rate
    return None


@register
class ChangeRate(Rule):
    """"比上年增加 D 万元，增长 R%": R equals D ÷ (amount − D) (a decrease: D ÷ (amount + D)). Checked with the rounding envelope of the
    three printed figures; growth from a zero base is left to GJ205.

    Why: A growth rate that does not follow from the two amounts misstates how much a budget grew; reviewers recompute every one.

    Example: seed 000:905 — 公务员医疗补助“2024 年预算数为 1.05 万元，比上年预算增加 0.13 万元，增长 13.8%”: 0.13 ÷ 0.92 = 14.13%.
    """

    code = "GJ201"
    name = "change-rate"
    family = "arithmetic"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for statement in context.statements:
            if (found := _change(statement)) is None:
                continue
            amount, change, rate = found
            previous = amount.value - _signed(change)
            if previous == 0:
                continue
            expected = _signed(change) / previous * HUNDRED
            envelope = ratio_envelope(_signed(change), previous, half_step(change.printed),
                                      half_step(change.printed) + half_step(amount.printed))
            outcome = verdict(_signed(rate), expected, envelope, half_step(rate.printed))
            if outcome == "passed":
                yield "passed"
                continue
            # the formula as computed: a decrease D came from amount + D
            word, sign = ("降幅", "+") if _signed(change) < 0 else ("增幅", "−")
            yield self.finding(
                f"{statement.subject}: {word} {rate.printed}% 与 {change.printed} ÷ ({amount.printed} {sign} "
                f"{change.printed}) = {fmt(abs(expected))}% 不符", [claim_evidence(statement, rate)],
                stated=f"{rate.printed}%", expected=f"{fmt(expected)}%",
                severity="rounding" if outcome == "rounding" else None)


@register
class ExecutionComparison(Rule):
    """Shanghai style "2025年预算执行数为 X 万元，2026年预算安排 Y 万元，比2025年预算执行数增加 Z%": Z equals
    (Y − X) ÷ X and the direction word (增加/减少) matches the sign of Y − X.

    Why: Shanghai compares each item with last year's 执行数; a wrong rate or a wrong 增加/减少 tells the public the opposite of what happened.

    Example: sh-putuo-sifaju-2026-dept-budget:108 — “2025年当年预算执行数为3269.3万元，2026年预算安排3845.49万元，比2025年预算执行数增加17.62%”: the text layer printed 43269.3, which makes it −91.11%.
    """

    code = "GJ202"
    name = "execution-comparison"
    family = "arithmetic"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for statement in context.statements:
            rate = statement.first("change_rate")
            previous_figures = [c for c in statement.claims if c.kind == "previous" and c.value]
            amounts = [c for c in statement.claims if c.kind == "amount" and c.unit == "万元"]
            if not (previous_figures and amounts and rate) or statement.first("change_amount"):
                continue
            # the rate may follow any of two amounts (GJ401 reports those) and any earlier-year figure
            # ("2024年度预算 X … 2025年当年预算执行数为 Y"): a pair that holds, or holds up to rounding,
            # decides; else the last pair, the one the sentence compares
            pairs = [(previous, amount) for previous in previous_figures for amount in amounts]
            results = [self._compare(previous, amount, rate) for previous, amount in pairs]
            best = min(range(len(results)), key=lambda i: (OUTCOME_ORDER.index(results[i][0]), -i))
            if results[best][0] == "passed":
                yield "passed"
                continue
            outcome, amount, expected, direction_ok = results[best]
            previous = pairs[best][0]
            word = "增加" if expected > 0 else "减少"
            yield self.finding(
                f"{statement.subject}: {previous.printed} → {amount.printed} 应为{word} {fmt(abs(expected))}%，"
                f"文中为{'增加' if (rate.direction or 1) > 0 else '减少'} {rate.printed}%",
                [claim_evidence(statement, rate)], stated=f"{rate.printed}%", expected=f"{fmt(expected)}%",
                severity="rounding" if outcome == "rounding" and direction_ok else None)

    @staticmethod
    def _compare(previous: Claim, amount: Claim, rate: Claim) -> tuple[str, Claim, Decimal, bool]:
        difference = amount.value - previous.value
        expected = difference / previous.value * HUNDRED
        direction_ok = rate.direction is None or difference == 0 or (rate.direction > 0) == (difference > 0)
        envelope = ratio_envelope(difference, previous.value, half_step(amount.printed) + half_step(previous.printed),
                                  half_step(previous.printed))
        outcome = verdict(_signed(rate), expected, envelope, half_step(rate.printed))
        return ("passed" if outcome == "passed" and direction_ok else outcome), amount, expected, direction_ok


FIGURE = r"\d[\d,]*(?:\.\d+)?"
# "年初预算为 X 万元，支出决算为 Y 万元，完成年初预算的 R%。决算数小于预算数的主要原因…": a 决算 states the
# budget it executed against, its own figure, how much of the budget that is, and which is larger
EXECUTED = re.compile(rf"(?:年初|全年|调整)预算数?(?:为|是)\s*(?P<budget>{FIGURE})\s*万元[，,；;]?\s*(?:支出)?决算数?(?:为|是)"
                      rf"\s*(?P<final>{FIGURE})\s*万元(?:[，,]\s*完成(?:年初|全年|调整)?预算数?的\s*(?P<rate>{FIGURE})\s*[%％])?")
COMPARED = re.compile(r"决算数?\s*(?P<word>大于|高于|多于|超过|小于|低于|少于|等于|与|同|和)\s*(?:年初|全年|调整)?预算数?"
                      r"\s*(?P<tail>基本持平|持平|相等|一致|相同)?")
COMPARISON_SIGN = {"大于": 1, "高于": 1, "多于": 1, "超过": 1, "小于": -1, "低于": -1, "少于": -1, "等于": 0}
ROUGHLY = Decimal("0.01")  # "基本持平": within a hundredth of the budget


@register
class BudgetExecution(Rule):
    """A 决算's "年初预算为 X 万元，支出决算为 Y 万元，完成年初预算的 R%" with "决算数大于/小于/等于预算数"
    after it: R equals Y ÷ X and the comparison word matches Y − X ("决算数与预算数基本持平" allows a
    hundredth of the budget).

    Why: A 决算 explains how far each item's spending kept to its budget; saying 大于 where it is 小于 or 完成 98% where it is 95% misreports execution, the thing a 决算 exists to show.

    Example: sh-putuo-finance-2024-dept-final-SEEDED-ERRORS:346 — 行政运行“年初预算为 1560.05 万元，支出决算为 1511.89 万元。决算数大于预算数的主要原因…”: 1511.89 is less.
    """

    code = "GJ204"
    name = "budget-execution"
    family = "arithmetic"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        paragraphs = list(context.document.paragraphs())
        for paragraph, after in zip(paragraphs, [*paragraphs[1:], None]):
            found = list(EXECUTED.finditer(paragraph.text))
            for match, following in zip(found, [*found[1:], None]):
                budget, final = Decimal(match["budget"].replace(",", "")), Decimal(match["final"].replace(",", ""))
                if match["rate"]:
                    yield self._rate(paragraph, match, budget, final)
                end = following.start() if following else len(paragraph.text)
                compared, where = COMPARED.search(paragraph.text, match.end(), end), paragraph
                if compared is None and following is None and after is not None:
                    # the comparison opens the next paragraph ("…完成年初预算的 95.89%。" / "决算数小于预算数的…")
                    compared, where = COMPARED.match(after.text, len(after.text) - len(after.text.lstrip())), after
                if compared:
                    yield self._comparison(paragraph, match, where, compared, budget, final)

    def _evidence(self, paragraph, start: int, end: int) -> list:
        span = paragraph.span_of(start, end)
        return [Evidence("text", span.line, span.end_line, span.page, paragraph.text[start:end])]

    def _rate(self, paragraph, match, budget: Decimal, final: Decimal) -> Outcome:
        if budget == 0:
            return "skipped"
        rate = match["rate"]
        expected = final / budget * HUNDRED
        envelope = ratio_envelope(final, budget, half_step(match["final"]), half_step(match["budget"]))
        outcome = verdict(Decimal(rate), expected, envelope, half_step(rate))
        if outcome == "passed":
            return outcome
        return self.finding(f"完成预算 {rate}% 与 {match['final']} ÷ {match['budget']} = {fmt(expected)}% 不符",
                            self._evidence(paragraph, match.start(), match.end()), stated=f"{rate}%",
                            expected=f"{fmt(expected)}%", severity="rounding" if outcome == "rounding" else None)

    def _comparison(self, paragraph, match, where, compared, budget: Decimal, final: Decimal) -> Outcome:
        word, tail = compared["word"], compared["tail"] or ""
        if word in COMPARISON_SIGN:
            holds = (final > budget) - (final < budget) == COMPARISON_SIGN[word]
        elif tail:  # 与/同/和 预算数 (基本)持平/相等/一致
            holds = abs(final - budget) <= (ROUGHLY * budget if "基本" in tail else 0)
        else:
            return "skipped"  # "决算数与预算数的差异…": no comparison stated
        if holds:
            return "passed"
        actual = "大于" if final > budget else "小于" if final < budget else "等于"
        evidence = (self._evidence(paragraph, match.start(), compared.end()) if where is paragraph else
                    self._evidence(paragraph, match.start(), match.end())
                    + self._evidence(where, compared.start(), compared.end()))
        return self.finding(f"决算 {match['final']} {actual}预算 {match['budget']}，文中为“{compared.group(0).strip()}”",
                            evidence,
                            stated=compared.group(0).strip(), expected=f"决算数{actual}预算数")


@register
class ShareOfBase(Rule):
    """"X 万元，占 S%": S equals X ÷ the base it is a share of: the total the list was introduced by
    ("收入预算 610.12 万元，其中：…"), or the section's opening total.

    Why: Shares are how the narrative explains a structure; a share that does not follow from its figures makes the structure wrong.

    Example: seed 000:848 — “住房保障支出（类）26.86 万元，占 6.25%” of 430.12: 6.245%, a rounding note, not an error.
    """

    code = "GJ203"
    name = "share"
    family = "arithmetic"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        openers: dict[int, Statement] = {}
        for statement in context.statements:
            top = statement.top
            if top is not None and _amount(statement) and id(top) not in openers and not statement.first("share"):
                openers[id(top)] = statement
        wrong: dict = {}  # base evidence -> [(finding, the base the stated share implies)]
        printed_of: dict = {}
        for statement in context.statements:
            share, amount = statement.first("share"), _amount(statement)
            if not (share and amount and share.value):
                continue
            owner = statement.in_list_of or openers.get(id(statement.top))
            if share.base and owner is not None and not _names(share.base, owner.subject):
                # "占“三公”经费的 8.75%", "占部门预算的 X%": the base is named; find the statement naming it
                owner = next((s for s in reversed(context.statements[:context.statements.index(statement)])
                              if s.subject and _names(share.base, s.subject) and _amount(s)), None)
            base = _amount(owner) if owner else None
            if base is not None and base.value and owner is not statement:
                whole, printed, evidence = base.value, base.printed, claim_evidence(owner, base)
            elif (table_base := self._table_base(context, share)) is not None:
                # the base is named without a figure in the text: the table's ("“三公”经费预算支出中，…")
                whole, printed, evidence = table_base
            else:
                yield "skipped"
                continue
            printed_of[evidence] = printed
            expected = amount.value / whole * HUNDRED
            envelope = ratio_envelope(amount.value, whole, half_step(amount.printed), half_step(printed))
            outcome = verdict(share.value, expected, envelope, half_step(share.printed))
            if outcome == "passed":
                yield "passed"
                continue
            finding = self.finding(
                f"{statement.subject}: 占比 {share.printed}% 与 {amount.printed} ÷ {printed} = {fmt(expected)}% 不符",
                [claim_evidence(statement, share), evidence],
                stated=f"{share.printed}%", expected=f"{fmt(expected)}%",
                severity="rounding" if outcome == "rounding" else None)
            if outcome == "error":
                wrong.setdefault(evidence, []).append((finding, amount.value / share.value * HUNDRED))
            else:
                yield finding
        yield from self._one_wrong_base(wrong, printed_of)

    def _one_wrong_base(self, wrong: dict, printed_of: dict) -> Iterator[Outcome]:
        """Shares of one base that are all wrong by the same factor were all taken of another figure: one
        problem, reported once with the base they imply ("占“三公”经费的 8.75%" of 2,542.86, not 833.60)."""
        for base_evidence, items in wrong.items():
            implied = [base for _, base in items]
            if len(items) < 2 or max(implied) - min(implied) > max(implied) * Decimal("0.002"):
                yield from (finding for finding, _ in items)
                continue
            first = items[0][0]
            yield self.finding(
                f"{len(items)} 项占比都不是占 {printed_of[base_evidence]} 的比重，而是约占 {fmt(implied[0])}："
                + "；".join(finding.message for finding, _ in items),
                [e for finding, _ in items for e in finding.evidence if e != base_evidence] + [base_evidence],
                stated=first.stated, expected=first.expected)

    @staticmethod
    def _table_base(context: CheckContext, share: Claim):
        """(value in 万元, printed in 万元, evidence) of the item a share's base names, from its table."""
        concept = vocabulary().concept_of(_base_words(share.base)) if share.base else None
        found = concept_home(context.document, concept) if concept else None
        if found is None or found.cell is None or not found.cell.value or not context.trusted(found.table):
            return None
        printed = fmt(found.cell.value) if vocabulary().unit_factor(found.table.unit) != 1 else found.cell.printed
        return found.cell.value, printed, cell_evidence(found.table, found.row, found.cell, found.column)


def _base_words(base: str) -> str:
    """The item a share's base names: "“三公”经费的" -> "“三公”经费"."""
    return normalize(base).removesuffix("的").removesuffix("比重").removesuffix("比例")


def _names(base: str, subject: str) -> bool:
    """Whether the base a share names ("“三公”经费的") is the subject of a statement ("“三公”经费预算数")."""
    key = _base_words(base)
    subject = normalize(subject)
    return bool(key) and (key in subject or subject in key)


FLAT_WITH_DIRECTION = re.compile(r"(?:增加|增长|减少|下降|上升|降低)\s*持平")
WORD = {1: "增加", -1: "减少"}


@register
class DirectionWords(Rule):
    """The words of a change agree with each other: "比上年增加 D 万元，下降 R%" says two opposite things
    (error); "增加持平" says two things at once (warning); "增加 0.00 万元，增长 0.00%" states a change
    that is none, where the word is 持平 (note; the Xinjiang template writes it so by design,
    `checker/data/allowances.toml`).

    Why: Words are read before figures: 增加 next to 下降 contradicts itself whatever the numbers; 增加持平 is a template fill left half done.

    Example: sh-putuo-sifaju-2026-dept-budget:313 with one edit — “2026年“三公”经费预算数为10.81万元，比2025年预算增加持平”.
    """

    code = "GJ206"
    name = "direction-words"
    family = "arithmetic"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        # templates whose own sentence writes a zero change so (checker/data/allowances.toml)
        zero_change_written = context.document.metadata.template in allowances()["zero_change_wording"]["templates"]
        for statement in context.statements:
            change, rate = statement.first("change_amount"), statement.first("change_rate")
            if not (change and rate and change.direction and rate.direction):
                continue
            if RESIDUE.search(statement.paragraph.text[max(0, change.start - 12):rate.end]):
                yield "skipped"  # "增加（减少）" is the template's blank, GJ703 reports it
                continue
            if change.value == 0 and rate.value == 0:
                if zero_change_written:
                    yield "passed"
                    continue
                yield self.finding(f"{statement.subject}: 变动为零却写“{WORD[change.direction]}”，应为持平",
                                   [claim_evidence(statement, change)], stated=change.printed, expected="持平",
                                   severity="note")
            elif change.direction != rate.direction and change.value and rate.value:
                yield self.finding(f"{statement.subject}: 金额{WORD[change.direction]} {change.printed} 万元，"
                                   f"比率却写{WORD[rate.direction]} {rate.printed}%，方向相反",
                                   [claim_evidence(statement, change), claim_evidence(statement, rate)], stated=f"{WORD[rate.direction]}",
                                   expected=WORD[change.direction])
            else:
                yield "passed"
        for evidence, text in text_evidence(context, FLAT_WITH_DIRECTION):
            yield self.finding(f"“{text}”：持平不是{text[:2]}", [evidence], stated=text, expected="持平",
                               severity="warning")


@register
class GrowthFromZero(Rule):
    """Growth stated from a zero base (last year's figure = amount − change = 0): a rate cannot be
    computed; templates print 100.00%. Shown as a note so a reviewer knows the rate is conventional; any
    other rate from zero is a warning.

    Why: From a zero base no rate exists; templates print 100.00% by convention, and a reviewer should know the rate was not computed.

    Example: seed 001:762 — “项目支出 100.00 万元，占 24.28%，比上年预算增加 100.00 万元，增长 100.00%”: last year's figure was 0.
    """

    code = "GJ205"
    name = "growth-from-zero"
    family = "arithmetic"
    severity = "note"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for statement in context.statements:
            if (found := _change(statement)) is None:
                continue
            amount, change, rate = found
            if amount.value - _signed(change) != 0 or amount.value == 0:
                yield "passed"  # a change from a figure a rate can be taken of
                continue
            if rate.value == HUNDRED:
                yield self.finding(f"{statement.subject}: 上年为零，增幅 {rate.printed}% 为约定写法",
                                   [claim_evidence(statement, rate)], stated=f"{rate.printed}%", expected=None)
            else:  # from nothing, a rate is 100% by convention or none at all, never another figure
                yield self.finding(f"{statement.subject}: 上年为零，增幅不能为 {rate.printed}%（约定写法为 100%）",
                                   [claim_evidence(statement, change), claim_evidence(statement, rate)],
                                   stated=f"{rate.printed}%", expected="100%", severity="warning")
