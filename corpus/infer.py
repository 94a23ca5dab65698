"""Column inference for table rows whose empty cells vanished in text extraction.

A row printed with k figures in a table of N value columns could mean any of C(N, k) placements (the
figures keep their left-to-right order). The placements that survive are those under which the table's
own identities hold:
- row identities of the layout (合计 = 基本支出 + 项目支出, …);
- the classification tree: a 类 row is the sum of its 款 rows, a 款 row of its 项 rows, the 总计 row of
  the 类 rows, column by column;
- what other tables say: a fund the document has no money in (表1) has an empty column everywhere, and a
  收入总表's 总计 row equals 表1's income items;
- a column empty in the total row is empty in every row.
A row left with more than one placement is marked ambiguous, never silently guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations
from math import comb

from corpus.vocab import Identity

Vector = tuple[Decimal, ...]
Placement = tuple[int, ...]  # column index of each figure, increasing
_SEARCH_LIMIT = 20_000
_ZERO = Decimal(0)


@dataclass
class RowProblem:
    figures: list[Decimal | None]  # None: a placeholder holding a column but no value
    parent: int | None = None  # index of the row this one sums into
    is_root: bool = False
    step: Decimal = Decimal("0.01")  # rounding step of the printed figures


@dataclass
class TableProblem:
    columns: list[str]
    rows: list[RowProblem]
    identities: list[Identity] = field(default_factory=list)
    empty_columns: set[int] = field(default_factory=set)  # known to be empty in every row
    root_totals: dict[int, Decimal] = field(default_factory=dict)  # known totals for the root row


@dataclass
class RowAnswer:
    placement: Placement
    ambiguous: bool
    alternatives: list[Placement]


def vector(problem: TableProblem, row: RowProblem, placement: Placement) -> Vector:
    values = [_ZERO] * len(problem.columns)
    for figure, column in zip(row.figures, placement):
        if figure is not None:
            values[column] = figure
    return tuple(values)


def _identities_hold(problem: TableProblem, values: Vector, step: Decimal) -> bool:
    index = {column: i for i, column in enumerate(problem.columns)}
    for identity in problem.identities:
        if identity.total not in index:
            continue
        parts = [index[part] for part in identity.parts if part in index]
        total = values[index[identity.total]]
        tolerance = step * max(1, len(parts))
        if abs(total - sum((values[i] for i in parts), _ZERO)) > tolerance:
            return False
    return True


def _candidates(problem: TableProblem, row: RowProblem) -> list[Placement]:
    n, k = len(problem.columns), len(row.figures)
    if k > n:
        return []
    all_placements = list(combinations(range(n), k))
    allowed = [
        placement for placement in all_placements
        if not any(column in problem.empty_columns and figure not in (None, _ZERO)
                   for figure, column in zip(row.figures, placement))
    ] or all_placements
    holding = [p for p in allowed if _identities_hold(problem, vector(problem, row, p), row.step)]
    return holding or allowed


def holds_somewhere(problem: TableProblem, row: RowProblem) -> bool:
    """Some placement of the row's figures satisfies the table's row identities."""
    n, k = len(problem.columns), len(row.figures)
    if k > n or comb(n, k) > _SEARCH_LIMIT:
        return False
    return any(_identities_hold(problem, vector(problem, row, placement), row.step)
               for placement in combinations(range(n), k))


def _participating(
    options: list[list[Vector]], targets: list[Vector], tolerance: Decimal
) -> tuple[list[set[Vector]], set[Vector]] | None:
    """Which option of each child takes part in a combination summing to one of the targets.

    Returns (per-child used options, targets reached), or None when the search is too large.
    The search runs on integers (the figures scaled to their finest printed step): Decimal
    arithmetic made it most of a document's parse time.
    """
    scale = _scale([*(value for opts in options for option in opts for value in option),
                    *(value for target in targets for value in target), tolerance])
    as_int = {vector_: tuple(int(value * scale) for value in vector_)
              for vector_ in [*(option for opts in options for option in opts), *targets]}
    int_options = [[as_int[option] for option in opts] for opts in options]
    int_targets = [as_int[target] for target in targets]
    limit = int(tolerance * scale)
    fixed = [i for i, opts in enumerate(options) if len(opts) == 1]
    varying = [i for i, opts in enumerate(options) if len(opts) > 1]
    width = len(targets[0]) if targets else 0
    base = [sum(int_options[i][0][c] for i in fixed) for c in range(width)]
    used: list[set[Vector]] = [set() for _ in options]
    reached: set[Vector] = set()
    visits = 0
    chosen: list[int] = []
    # With no negative figure, a partial sum already above a target, or too far below it for what the
    # remaining children can add, can never reach that target: each branch carries the targets still
    # within reach and stops when none is.
    non_negative = all(value >= 0 for opts in int_options for option in opts for value in option)
    still = [[0] * width for _ in range(len(varying) + 1)]
    for depth in range(len(varying) - 1, -1, -1):
        most = [max(option[c] for option in int_options[varying[depth]]) for c in range(width)]
        still[depth] = [a + b for a, b in zip(still[depth + 1], most)]

    def within_reach(depth: int, partial: list[int], alive: list[int]) -> list[int]:
        if not non_negative:
            return alive
        more = still[depth]
        return [t for t in alive
                if all(p - limit <= y <= p + m + limit for p, m, y in zip(partial, more, int_targets[t]))]

    def walk(depth: int, partial: list[int], alive: list[int]) -> bool:
        nonlocal visits
        visits += 1
        if visits > _SEARCH_LIMIT:
            return False
        alive = within_reach(depth, partial, alive)
        if not alive:
            return True
        if depth == len(varying):
            hit = [targets[t] for t in alive if all(abs(x - y) <= limit for x, y in zip(partial, int_targets[t]))]
            if hit:
                reached.update(hit)
                for i in fixed:
                    used[i].add(options[i][0])
                for i, choice in zip(varying, chosen):
                    used[i].add(options[i][choice])
            return True
        child = varying[depth]
        for choice, option in enumerate(int_options[child]):
            chosen.append(choice)
            ok = walk(depth + 1, [p + o for p, o in zip(partial, option)], alive)
            chosen.pop()
            if not ok:
                return False
        return True

    if not walk(0, base, list(range(len(targets)))):
        return None
    return used, reached


def _scale(values: list[Decimal]) -> int:
    """10 ** (most decimal places among the values): multiplying by it makes every value whole."""
    places = [-value.as_tuple().exponent for value in values if value.is_finite()]
    return 10 ** max([0, *(p for p in places if p > 0)])


def solve(problem: TableProblem) -> list[RowAnswer]:
    rows = problem.rows
    options: list[list[Placement]] = [_candidates(problem, row) for row in rows]
    children: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        if row.parent is not None:
            children.setdefault(row.parent, []).append(i)

    def vectors(i: int, placements: list[Placement]) -> dict[Vector, list[Placement]]:
        grouped: dict[Vector, list[Placement]] = {}
        for placement in placements:
            grouped.setdefault(vector(problem, rows[i], placement), []).append(placement)
        return grouped

    def tolerance(i: int) -> Decimal:
        return rows[i].step * max(1, len(children.get(i, [])))

    # Known totals of the root row (from another table) narrow its placements first.
    for i, row in enumerate(rows):
        if row.is_root and problem.root_totals:
            narrowed = [
                p for p in options[i]
                if all(abs(vector(problem, row, p)[c] - total) <= row.step for c, total in problem.root_totals.items())
            ]
            options[i] = narrowed or options[i]

    # A column empty in a resolved root row is empty in every row.
    for i, row in enumerate(rows):
        if row.is_root and len(options[i]) == 1:
            empty = {c for c, value in enumerate(vector(problem, row, options[i][0])) if value == _ZERO}
            empty -= {c for c, f in zip(options[i][0], row.figures) if f is None}
            for j in range(len(rows)):
                if j != i:
                    kept = [p for p in options[j] if not any(c in empty and f not in (None, _ZERO)
                                                             for f, c in zip(rows[j].figures, p))]
                    options[j] = kept or options[j]

    # Bottom up: keep the placements of a parent that some combination of its children can sum to.
    order = _post_order(len(rows), children)
    for i in order:
        kids = children.get(i)
        if not kids:
            continue
        parent_vectors = vectors(i, options[i])
        kid_options = [list(vectors(k, options[k])) for k in kids]
        if any(not opts for opts in kid_options):
            continue
        result = _participating(kid_options, list(parent_vectors), tolerance(i))
        if result is None:
            continue
        used, reached = result
        if reached:
            options[i] = [p for v, ps in parent_vectors.items() if v in reached for p in ps]
            for k, kept in zip(kids, used):
                options[k] = [p for v, ps in vectors(k, options[k]).items() if v in kept for p in ps]

    # Top down: with the parents narrowed, keep only the children's placements that take part.
    for i in reversed(order):
        kids = children.get(i)
        if not kids:
            continue
        kid_options = [list(vectors(k, options[k])) for k in kids]
        if any(not opts for opts in kid_options):
            continue
        result = _participating(kid_options, list(vectors(i, options[i])), tolerance(i))
        if result is None or not result[1]:
            continue
        for k, kept in zip(kids, result[0]):
            options[k] = [p for v, ps in vectors(k, options[k]).items() if v in kept for p in ps]

    answers = []
    for i, row in enumerate(rows):
        placements = options[i]
        if not placements:
            # more figures than columns: keep the leftmost columns, say so
            placements = [tuple(range(min(len(row.figures), len(problem.columns))))]
        distinct = list(vectors(i, placements))
        answers.append(RowAnswer(placements[0], ambiguous=len(distinct) > 1, alternatives=placements[1:]))
    return answers


def _post_order(count: int, children: dict[int, list[int]]) -> list[int]:
    has_parent = {k for kids in children.values() for k in kids}
    order: list[int] = []

    def visit(i: int) -> None:
        for k in children.get(i, []):
            visit(k)
        order.append(i)

    for i in range(count):
        if i not in has_parent:
            visit(i)
    return order
