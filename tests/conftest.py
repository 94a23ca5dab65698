"""Test data: the bundled seeds, and the shared corpus-extra next to the repository when present."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus" / "samples"
EXTRA = ROOT.parent / "shared" / "corpus-extra"


def seed(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}_*.txt"))


def extra(name: str) -> Path:
    path = EXTRA / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


@cache
def parsed(*paths: str):
    from corpus import parse_document

    return parse_document(*paths)
