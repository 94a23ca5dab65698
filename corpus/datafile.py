"""The project's data files (vocabularies, mappings, rule catalogs) read once per process."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path


@cache
def load_toml(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)
