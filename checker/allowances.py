"""What each template family allows that a rule would otherwise report (`checker/data/allowances.toml`)."""

from __future__ import annotations

from pathlib import Path

from corpus.datafile import load_toml

ALLOWANCES = Path(__file__).resolve().parent / "data" / "allowances.toml"


def allowances() -> dict:
    return load_toml(ALLOWANCES)
