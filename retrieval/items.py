"""What a question can ask about: the items of data/items.toml (concepts, counts) and the 科目 rows the
indexed tables hold, as one kind of thing with the knowledge of where its figure is printed."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from corpus.datafile import load_toml

ITEMS = Path(__file__).parent / "data" / "items.toml"


def items_data() -> dict:
    return load_toml(ITEMS)


@dataclass(frozen=True)
class Item:
    name: str  # as answers name it
    kind: str  # concept | count | 科目 | row
    codes: frozenset[str] = frozenset()  # classification codes of a 科目 (several: 行政运行 under many 款)
    tables: tuple[str, ...] = ()  # where a plain row item was seen
    spec: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def homes(self) -> list[str]:
        if self.kind in ("concept", "count"):
            return list(self.spec.get("homes", []))
        if self.kind == "row":
            return list(self.tables)
        homes: list[str] = []
        for kind in self.code_kinds:
            homes += [home for home in items_data()["classification"][kind]["homes"] if home not in homes]
        return homes

    @property
    def code_kinds(self) -> list[str]:
        """功能 before 经济 (住房公积金 is both: 2210201 and 30113)."""
        kinds = {"经济" if code[:1] in "35" else "功能" for code in self.codes}
        return [kind for kind in ("功能", "经济") if kind in kinds]

    @property
    def base(self) -> str | None:
        """The item a computed share is of."""
        if self.kind == "科目":
            return items_data()["classification"][self.code_kinds[0]]["base"] if self.codes else None
        return self.spec.get("base")

    @property
    def is_fund(self) -> bool:
        return bool(self.spec.get("fund"))


def concept_items() -> list[Item]:
    data = items_data()
    items = [Item(name, "concept", spec=spec) for name, spec in data["concepts"].items()]
    items += [Item(name, "count", spec=spec) for name, spec in data["counts"].items()]
    return items


def synonyms(item: Item) -> list[str]:
    return [item.name, *item.spec.get("synonyms", [])]


@cache
def _spellings() -> list[tuple[str, str]]:
    from corpus.vocab import normalize

    pairs = {(normalize(word), item.name, 0 if item.spec.get("generic") else 1 if item.spec.get("modifier") else 2)
             for item in concept_items()
             if item.kind == "concept" for word in synonyms(item) if len(normalize(word)) >= 3}
    return sorted(pairs)


def concept_in(text: str) -> str | None:
    """The concept a narrative subject names ("财政拨款三公经费预算" -> 三公经费): of the spellings it contains, the
    one that ends last (a Chinese noun phrase ends with its head), the longest at equal end; a fund
    (财政拨款, 一般公共预算) only where nothing else is named ("机关运行经费财政拨款预算" is 机关运行经费), a
    generic total (收入预算) only where not even a fund is ("一般公共预算收入预算" is 一般公共预算)."""
    best: tuple[int, int, int, str] | None = None
    for spelling, name, rank in _spellings():
        at = text.rfind(spelling)
        if at >= 0:
            candidate = (rank, at + len(spelling), len(spelling), name)
            if best is None or candidate[:3] > best[:3]:
                best = candidate
    return best[3] if best else None
