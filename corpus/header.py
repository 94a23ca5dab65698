"""Resolve a table header to canonical value columns.

Headers in extracted text are often shredded (multi-row headers read line by line, words broken over
several lines), so the header text alone rarely gives the column order. The vocabulary's layouts do:
the layout of the table's kind that has the right number of columns and shares most concepts with the
header text wins; without one, the concepts in the order the header names them.
"""

from __future__ import annotations

from dataclasses import dataclass

from corpus.vocab import Layout, TableKind, vocabulary


@dataclass
class ResolvedHeader:
    keys: list[str]
    layout: Layout | None
    headers: list[str]  # printed header text per column where known, else ""


def _base(key: str) -> str:
    return key.split(":")[-1]


def ranked_layouts(
    spec: TableKind | None, header_text: str, count: int | None, at_least: int, side: str | None = None
) -> list[Layout]:
    """The layouts of the table's kind that fit the figures, best first: by the share of their columns
    the header names, then a layout some row fills completely, then the narrower."""
    if spec is None or not spec.layouts:
        return []
    found = {concept for _, concept in vocabulary().find_concepts(header_text)}

    def columns(layout: Layout) -> tuple[str, ...]:
        if side == "收入":
            return layout.income
        if side == "支出":
            return layout.expense
        return layout.columns

    scored = []
    for order, layout in enumerate(spec.layouts):
        width = len(columns(layout))
        if width == 0 or (count is not None and width != count) or width < at_least:
            continue
        names = {_base(key) for key in columns(layout)}
        coverage = len(names & found) / len(names) - len(found - names - {"金额", "合计"}) / 10
        scored.append(((round(coverage, 3), width == at_least, -width, -order), layout))
    return [layout for _, layout in sorted(scored, key=lambda pair: pair[0], reverse=True)]


def choose_layout(
    spec: TableKind | None, header_text: str, count: int | None, at_least: int, side: str | None = None
) -> Layout | None:
    ranked = ranked_layouts(spec, header_text, count, at_least, side)
    return ranked[0] if ranked else None


def resolve_header(
    spec: TableKind | None,
    header_text: str,
    count: int | None,
    at_least: int,
    grid_headers: list[str] | None = None,
    layout: Layout | None = None,
) -> ResolvedHeader:
    """Columns for a one-sided table.

    count: the number of value columns when the header says so (a numbered row, grid positions);
    at_least: the most figures any row has.
    """
    layout = layout or choose_layout(spec, header_text, count, at_least)
    if layout is not None:
        headers = grid_headers if grid_headers and len(grid_headers) == len(layout.columns) else [""] * len(layout.columns)
        return ResolvedHeader(list(layout.columns), layout, headers)
    vocab = vocabulary()
    if grid_headers:
        keys = [vocab.concept_of(text) or (vocab.find_concepts(text) or [(0, "")])[-1][1] or f"列{i + 1}"
                for i, text in enumerate(grid_headers)]
        return ResolvedHeader(_unique(keys), None, grid_headers)
    ordered = []
    for _, concept in vocab.find_concepts(header_text):
        if concept not in ordered:
            ordered.append(concept)
    width = count or max(at_least, 1)
    if len(ordered) == width:
        return ResolvedHeader(ordered, None, ordered)
    if width == 1:
        return ResolvedHeader(["金额"], None, [""])
    return ResolvedHeader([f"列{i + 1}" for i in range(width)], None, [""] * width)


def _unique(keys: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return out
