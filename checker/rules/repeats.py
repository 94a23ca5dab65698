"""Family 4: a figure stated twice agrees with itself."""

from __future__ import annotations

from collections.abc import Iterator

from checker.linking import section_kinds
from checker.rules.base import CheckContext, Outcome, Rule, claim_evidence, register
from corpus.vocab import normalize

REPEATABLE = {"三公经费", "因公出国（境）费", "公务接待费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费",
              "机关运行经费", "政府采购"}


@register
class TwoAmountsOneItem(Rule):
    """One statement gives two different amounts for the same item, e.g. "住房公积金（01项）208.8万元 … 2026年
    预算安排201.50万元": one of them is wrong.

    Why: Two amounts for one item in one sentence: at most one can be right, and the reader cannot tell which.

    Example: sh-putuo-sifaju-2026-dept-budget:121 — 住房公积金（01项）“208.8万元 … 2026年预算安排201.50万元”.
    """

    code = "GJ401"
    name = "two-amounts-one-item"
    family = "repeats"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for statement in context.statements:
            amounts = [c for c in statement.claims if c.kind == "amount" and c.unit == "万元"]
            if len(amounts) < 2 or not statement.subject:
                continue
            values = {a.value for a in amounts}
            if len(values) == 1:
                yield "passed"
                continue
            yield self.finding(f"{statement.subject}: 同一项目写了不同金额 " + " / ".join(a.printed for a in amounts),
                               [claim_evidence(statement, a) for a in amounts],
                               stated=amounts[-1].printed, expected=amounts[0].printed)


@register
class SameItemTwoSections(Rule):
    """The same item (a 类/款/项 path, or a 三公/机关运行经费/政府采购 figure) stated in two places of the
    narrative with different amounts.

    Why: The same figure told twice with two values undermines both; the public quotes whichever they read.

    Example: sh-putuo-finance-2025-dept-budget:110 with one edit — 行政运行 1,623.18 万元 in one section, 1,632.18 in the next.
    """

    code = "GJ402"
    name = "same-item-differs"
    family = "repeats"
    severity = "warning"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        seen: dict[str, tuple] = {}
        for statement in context.statements:
            amounts = [c for c in statement.claims if c.kind == "amount" and c.unit == "万元"]
            if not amounts:
                continue
            if statement.path:
                key = "/".join(name for name, _, _ in statement.path)
            elif statement.concept in REPEATABLE and statement.in_list_of is None:
                key = statement.concept
            else:
                continue
            # an item in sections that restate different tables is a different quantity there: the 办公费 of
            # the 基本支出表's 公用经费 and of the 机关运行经费表 (which counts project items too)
            key = normalize(key) + "@" + "".join(section_kinds(statement)[:1])
            amount = amounts[0]
            if key not in seen:
                seen[key] = (statement, amount)
                continue
            first, first_amount = seen[key]
            if first_amount.value == amount.value:
                yield "passed"
                continue
            yield self.finding(f"{statement.subject}: 第 {first_amount.span.line} 行为 {first_amount.printed} 万元，"
                               f"此处为 {amount.printed} 万元",
                               [claim_evidence(statement, amount), claim_evidence(first, first_amount)],
                               stated=amount.printed, expected=first_amount.printed)
