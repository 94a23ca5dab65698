"""The vocabulary (data/vocab.toml) and matching text against it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

VOCAB_FILE = Path(__file__).parent / "data" / "vocab.toml"

_QUOTES = str.maketrans({"“": None, "”": None, "‘": None, "’": None, "＂": None, '"': None, "'": None,
                         "(": "（", ")": "）", ":": "："})
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十\d]+）|\d+[、.．]|其中[：:]?)+")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Text for matching: no white space, no quotes (extractions drop them), full-width brackets."""
    return _SPACE.sub("", text).translate(_QUOTES)


def strip_ordinal(text: str) -> str:
    return _ORDINAL.sub("", text)


@dataclass(frozen=True)
class Identity:
    total: str
    parts: tuple[str, ...]


    @classmethod
    def parse(cls, text: str) -> Identity:
        total, parts = text.split("=", 1)
        return cls(total.strip(), tuple(part.strip() for part in parts.split("+")))


@dataclass(frozen=True)
class Layout:
    name: str
    columns: tuple[str, ...] = ()
    income: tuple[str, ...] = ()
    expense: tuple[str, ...] = ()
    identities: tuple[Identity, ...] = ()


@dataclass
class TableKind:
    name: str
    titles: list[str]
    layouts: list[Layout] = field(default_factory=list)
    sides: bool = False
    required: bool = False
    text_only: bool = False
    totals_from: str | None = None
    column_totals: dict[str, str] = field(default_factory=dict)  # column -> table kind whose total it equals
    # the words that name what the table is about, all of them ("一般公共预算", "项目支出"): what its
    # empty-table note must name, and what a narrative figure about it says
    fund: tuple[str, ...] = ()


@dataclass
class Vocabulary:
    concepts: dict[str, list[str]]
    tables: dict[str, TableKind]
    identities: list[Identity]
    units: dict[str, Decimal]
    _aliases: list[tuple[str, str]] = field(default_factory=list)  # (normalized alias, concept), longest first
    _titles: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Longest first; between equally long spellings the vocabulary's own order decides (never a set's
        # order, which changes with Python's hash seed: "本年收入合计" is listed under 合计 before 本年收入).
        pairs = [(normalize(alias), concept) for concept, aliases in self.concepts.items() for alias in aliases]
        pairs += [(normalize(concept), concept) for concept in self.concepts]
        self._aliases = sorted(dict.fromkeys(pairs), key=lambda pair: -len(pair[0]))
        titles = [(normalize(title), kind) for kind, spec in self.tables.items() for title in spec.titles]
        self._titles = sorted(dict.fromkeys(titles), key=lambda pair: -len(pair[0]))

    def concept_of(self, label: str) -> str | None:
        """The canonical concept a row label or header cell names exactly (ordinals and 其中 ignored)."""
        text = strip_ordinal(normalize(label))
        for alias, concept in self._aliases:
            if text == alias:
                return concept
        return None

    def find_concepts(self, text: str) -> list[tuple[int, str]]:
        """Every concept named in a run of header text, longest alias first, without overlaps."""
        text = normalize(text)
        taken = [False] * len(text)
        found = []
        for alias, concept in self._aliases:
            start = text.find(alias)
            while start >= 0:
                end = start + len(alias)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * (end - start)
                    found.append((start, concept))
                start = text.find(alias, end)
        return sorted(found)

    def official_titles(self) -> list[str]:
        """Every table title spelling of the vocabulary, longest first."""
        return sorted({title for spec in self.tables.values() for title in spec.titles}, key=len, reverse=True)

    def table_kind(self, title: str) -> str | None:
        text = normalize(title)
        for alias, kind in self._titles:
            if alias in text:
                return kind
        return None

    def identities_for(self, columns: list[str], layout: Layout | None) -> list[Identity]:
        """Row identities that hold in a table with these columns."""
        if layout is not None and layout.identities:
            return list(layout.identities)
        present = set(columns)
        return [identity for identity in self.identities if present == {identity.total, *identity.parts}]

    def unit_factor(self, unit: str) -> Decimal:
        return self.units.get(unit, Decimal(1))


@cache
def vocabulary() -> Vocabulary:
    with VOCAB_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    tables = {}
    for kind, spec in data["tables"].items():
        layouts = [
            Layout(
                name=layout["name"],
                columns=tuple(layout.get("columns", ())),
                income=tuple(layout.get("income", ())),
                expense=tuple(layout.get("expense", ())),
                identities=tuple(Identity.parse(text) for text in layout.get("identities", ())),
            )
            for layout in spec.get("layouts", [])
        ]
        tables[kind] = TableKind(
            name=kind,
            titles=spec["titles"],
            layouts=layouts,
            sides=spec.get("sides", False),
            required=spec.get("required", False),
            text_only=spec.get("text_only", False),
            totals_from=spec.get("totals_from"),
            column_totals=spec.get("column_totals", {}),
            fund=tuple(spec.get("fund", ())),
        )
    return Vocabulary(
        concepts={name: spec["aliases"] for name, spec in data["concepts"].items()},
        tables=tables,
        identities=[Identity(item["total"], tuple(item["parts"])) for item in data["identities"]],
        units={unit: Decimal(factor) for unit, factor in data["units"].items()},
    )
