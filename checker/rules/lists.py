"""Family 3: lists introduced by "其中：" add up to their total; 实有人数 = 在职 + 退休 + 离休."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from checker.arith import fmt, sum_envelope, verdict
from checker.claims import Statement
from checker.rules.arithmetic import _amount, _signed
from checker.rules.base import CheckContext, Outcome, Rule, claim_evidence, register


@register
class ListSum(Rule):
    """"T 万元，其中：A 万元，B 万元 …": the listed parts add up to T (三公 parts, 政府采购 货物 + 工程 + 服务,
    资金分配情况 items against 预算安排规模, 上年结转 items, 收入/支出 by source). Needs two parts or more.

    Why: Parts that do not add up to their total mean one of them (or the total) is wrong, usually a figure copied from an older draft.

    Example: seed 002:894 — “部门收入预算 298.61 万元，其中：…”: the listed sources add up to 298.61 only within a cent (rounding).
    """

    code = "GJ301"
    name = "list-sum"
    family = "lists"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for owner, items in _lists(context.statements, with_amount=True):
            total = _amount(owner)
            if total is None or len(items) < 2 or "预算安排规模" in owner.subject:  # GJ303 checks those
                continue
            amounts = [_amount(item) for item in items]
            outcome, expected = _sum_outcome(total.value, total.printed, [(a.value, a.printed) for a in amounts if a])
            if outcome == "passed":
                yield "passed"
                continue
            terms = " + ".join(f"{item.subject} {a.printed}" for item, a in zip(items, amounts) if a)
            yield self.finding(f"{owner.subject} {total.printed} 万元 ≠ 其中各项之和 {fmt(expected)}（{terms}）",
                               [claim_evidence(owner, total)] + [claim_evidence(i, a) for i, a in zip(items, amounts) if a],
                               stated=total.printed, expected=fmt(expected),
                               severity="rounding" if outcome == "rounding" else None)


@register
class ListChangeSum(Rule):
    """"比上年增加 D 万元，其中：A 增加 a 万元，B 减少 b 万元 …": the parts' changes add up to the total's
    (三公: 因公出国 + 公务用车 + 公务接待; 基本支出 + 项目支出). Needs two parts or more, each with its change.

    Why: Parts' changes that do not give the total's change mean a change was miscopied, even when every amount is right.

    Example: seed 000:999 with one edit — “三公”经费“比上年预算增加 0.00 万元 … 其中：因公出国（境）费增加 1.00 万元”.
    """

    code = "GJ305"
    name = "list-change-sum"
    family = "lists"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for owner, items in _lists(context.statements, with_amount=False):
            total = owner.first("change_amount")
            changes = [item.first("change_amount") for item in items]
            if total is None or total.unit != "万元" or len(items) < 2 or not all(
                    change and change.unit == "万元" for change in changes):
                continue
            outcome, expected = _sum_outcome(_signed(total), total.printed,
                                             [(_signed(change), change.printed) for change in changes if change])
            if outcome == "passed":
                yield "passed"
                continue
            terms = " + ".join(f"{item.subject} {fmt(_signed(change))}" for item, change in zip(items, changes) if change)
            yield self.finding(f"{owner.subject}变动 {fmt(_signed(total))} 万元 ≠ 其中各项变动之和 {fmt(expected)}（{terms}）",
                               [claim_evidence(owner, total)] + [claim_evidence(i, c) for i, c in zip(items, changes) if c],
                               stated=fmt(_signed(total)), expected=fmt(expected),
                               severity="rounding" if outcome == "rounding" else None)


@register
class Headcount(Rule):
    """实有人数 equals 在职 + 退休 + 离休 (the counts of people the 部门概况 gives).

    Why: The headcount explains the 人员经费; a total that does not match its parts puts the staff costs in doubt.

    Example: seed 000:23 — “实有人数 40 人，其中：在职 14 人，减少 2 人；退休 26人，增加 2 人；离休 0人” (40 = 14 + 26 + 0 passes; 实有人数 41 would not).
    """

    code = "GJ302"
    name = "headcount"
    family = "lists"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        for owner in context.statements:
            if "实有人数" not in owner.subject:
                continue
            total = owner.first("count")
            members = [s for s in context.statements if s.in_list_of is owner and s.first("count")
                       and any(word in s.subject for word in ("在职", "退休", "离休"))]
            if total is None or not members:
                yield "skipped"
                continue
            counts = [m.first("count") for m in members]
            expected = sum((c.value for c in counts if c), Decimal(0))
            if expected == total.value:
                yield "passed"
                continue
            yield self.finding(f"实有人数 {total.printed} 人 ≠ " + " + ".join(
                f"{m.subject} {c.printed}" for m, c in zip(members, counts) if c) + f" = {expected}",
                [claim_evidence(owner, total)], stated=total.printed, expected=str(expected))



@register
class AllocationWithinProject(Rule):
    """A project's 资金分配情况 items add up to its 预算安排规模 (项目支出 sections).

    Why: A project's allocation that does not sum to its scale means money is unaccounted for in the project's own description.

    Example: seed 002:1111 — 预算安排规模 40.00 万元, 资金分配情况 items 39.50 万元.
    """

    code = "GJ303"
    name = "project-allocation"
    family = "lists"

    def check(self, context: CheckContext) -> Iterator[Outcome]:
        by_section: dict[int, list[Statement]] = {}
        for statement in context.statements:
            if statement.section is not None:
                by_section.setdefault(id(statement.section), []).append(statement)
        for statements in by_section.values():
            scale = next((s for s in statements if "预算安排规模" in s.subject and _amount(s)), None)
            items = [s for s in statements if "资金分配" in s.sentence.text and _amount(s) and s is not scale]
            if scale is None or len(items) < 2:
                continue
            total = _amount(scale)
            amounts = [_amount(item) for item in items]
            expected = sum((a.value for a in amounts if a), Decimal(0))
            outcome = verdict(total.value, expected, sum_envelope([a.printed for a in amounts if a], total.printed),
                              Decimal(0))
            if outcome == "passed":
                yield "passed"
                continue
            yield self.finding(f"预算安排规模 {total.printed} 万元 ≠ 资金分配情况各项之和 {fmt(expected)} 万元",
                               [claim_evidence(scale, total)] + [claim_evidence(i, a) for i, a in zip(items, amounts) if a],
                               stated=total.printed, expected=fmt(expected),
                               severity="rounding" if outcome == "rounding" else None)


def _lists(statements: list[Statement], with_amount: bool) -> list[tuple[Statement, list[Statement]]]:
    """(the statement a "其中：" list belongs to, its parts in order); parts without an amount are left out
    when `with_amount`."""
    parts: dict[int, tuple[Statement, list[Statement]]] = {}
    for statement in statements:
        owner = statement.in_list_of
        if owner is not None and (not with_amount or _amount(statement)):
            parts.setdefault(id(owner), (owner, []))[1].append(statement)
    return list(parts.values())


def _sum_outcome(stated: Decimal, printed: str, parts: list[tuple[Decimal, str]]) -> tuple[str, Decimal]:
    """The verdict on a stated total against its parts (value, as printed), and the parts' sum."""
    expected = sum((value for value, _ in parts), Decimal(0))
    return verdict(stated, expected, sum_envelope([p for _, p in parts], printed), Decimal(0)), expected
