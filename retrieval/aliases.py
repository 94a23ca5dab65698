"""Names people use: department short forms and item synonyms (data/aliases.toml)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

ALIASES = Path(__file__).parent / "data" / "aliases.toml"


@cache
def aliases() -> dict:
    with ALIASES.open("rb") as handle:
        return tomllib.load(handle)


def department_names(full: str) -> list[str]:
    """The full name and the short forms built from it, longest first."""
    data = aliases()
    names = {full}
    for region, shorts in data["regions"].items():
        if full.startswith(region):
            rest = full[len(region):]
            names |= {short + rest for short in shorts}
    for organisation, shorts in data["organisations"].items():
        for name in list(names):
            if organisation in name:
                names |= {name.replace(organisation, short) for short in shorts}
    return sorted(names, key=len, reverse=True)


def item_synonyms() -> list[tuple[str, str]]:
    """(what people write, concept), longest first so 公务用车运行费 wins over 公务用车."""
    pairs = [(word, concept) for concept, words in aliases()["items"].items() for word in words]
    return sorted(pairs, key=lambda pair: -len(pair[0]))
