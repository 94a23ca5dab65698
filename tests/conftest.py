"""Test data: the bundled seeds, and the shared corpus-extra next to the repository when present."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus" / "samples"
EXTRA = ROOT.parent / "shared" / "corpus-extra"


def gouji(*args: str, data: Path | None = None, timeout: float = 300,
          env: dict[str, str] | None = None, launcher: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """The command line as a user runs it, in its own process (its data folder, extra environment and a
    launcher command such as setpriv when given)."""
    env = {**{key: value for key, value in os.environ.items() if key not in ("GOUJI_CHROMA_URL", "GOUJI_DATA")},
           **(env or {})}
    if data is not None:
        env["GOUJI_DATA"] = str(data)
    env["ANONYMIZED_TELEMETRY"] = "False"
    return subprocess.run([*launcher, sys.executable, "-m", "ui.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=timeout, check=False)


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
