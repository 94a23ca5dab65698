"""What each template family allows that a rule would otherwise report (`checker/data/allowances.toml`)."""

from __future__ import annotations

from pathlib import Path

from corpus.datafile import load_toml

ALLOWANCES = Path(__file__).resolve().parent / "data" / "allowances.toml"


def allowances() -> dict:
    return load_toml(ALLOWANCES)


def restating_sections(template: str | None) -> list[list[str]]:
    """The pairs of section words whose sections the template restates by design."""
    return [pair for entry in allowances()["restating_sections"] if template in entry["templates"]
            for pair in entry["pairs"]]
