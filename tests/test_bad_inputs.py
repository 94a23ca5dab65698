"""Hostile and broken inputs (tests/bad_inputs.py): each is refused in one line naming the file and the
problem (exit 2) or checked with what could not be checked counted as skipped; never a traceback or a hang."""

from __future__ import annotations

import json

import pytest

from tests.bad_inputs import BAD_INPUTS, REAL_PDF, BadInput
from tests.conftest import gouji, seed

# No input may take longer than this to come back (the per-document limit is 120 s; these take seconds).
SECONDS = 90


def _made(bad: BadInput, folder) -> str:
    if bad.needs_pdf and not REAL_PDF.exists():
        pytest.skip(f"{REAL_PDF} not available")
    return bad.make(folder)


def _named(path: str) -> str:
    """The file a refusal names: for a '+' pair with a missing half, that half."""
    return path.split("+")[-1] if "missing" in path else path


def _assert_outcome(bad: BadInput, path: str, stderr: str, report: dict | None) -> None:
    if bad.outcome == "refused":
        shown = _named(path)
        lines = [line for line in stderr.splitlines() if shown in line]
        assert len(lines) == 1, stderr
        assert lines[0].startswith(f"gouji: {shown}") and bad.says in lines[0], lines[0]
        assert report is None
    else:
        assert report is not None, stderr
        assert report["checks"]["not_checked"] == []  # no rule tripped over the input
        if bad.says == "skipped":
            assert report["checks"]["skipped"] > 0
        else:
            assert bad.says in json.dumps(report, ensure_ascii=False)


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=[bad.name for bad in BAD_INPUTS])
def test_bad_input_alone(tmp_path, bad):
    path = _made(bad, tmp_path)
    result = gouji("check", "--format", "json", path, timeout=SECONDS)
    assert "Traceback" not in result.stderr
    if bad.outcome == "refused":
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1
        _assert_outcome(bad, path, result.stderr, None)
    else:
        assert result.returncode in (0, 1), result.stderr
        documents = json.loads(result.stdout)["documents"]
        assert len(documents) == 1
        _assert_outcome(bad, path, result.stderr, documents[0])


def test_at_least_25_kinds_of_bad_input():
    assert len(BAD_INPUTS) >= 25
    assert {bad.outcome for bad in BAD_INPUTS} == {"refused", "checked"}


def test_bad_inputs_among_good_ones_in_one_run(tmp_path):
    """A batch keeps going: every good document is reported, every bad one is one line."""
    made = [(bad, _made(bad, tmp_path)) for bad in BAD_INPUTS if not bad.needs_pdf or REAL_PDF.exists()]
    good = [str(seed("000")), str(seed("002"))]
    result = gouji("check", "--format", "json", *good, *(path for _, path in made), timeout=SECONDS * 3)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    reports = {document["path"]: document for document in json.loads(result.stdout)["documents"]}
    assert set(good) <= set(reports)
    for bad, path in made:
        _assert_outcome(bad, path, result.stderr, reports.get(path))
    assert len(result.stderr.splitlines()) == sum(1 for bad, _ in made if bad.outcome == "refused")


def test_time_limit_per_document():
    result = gouji("check", "--time-limit", "0.05", str(seed("000")), str(seed("003")), timeout=SECONDS)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all("took longer than 0.05 s" in line for line in lines)


def test_a_bad_file_never_costs_what_is_stored(tmp_path):
    """Indexing a document that has since been damaged fails in one line and keeps its stored facts."""
    import shutil
    import sqlite3

    data, copy = tmp_path / "data", tmp_path / "wl-2025.txt"
    shutil.copy(seed("003"), copy)
    first = gouji("index", "--facts-only", "--quiet", str(copy), data=data)
    assert first.returncode == 0, first.stderr

    def stored() -> list:
        with sqlite3.connect(data / "facts.sqlite") as connection:
            return [connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                    for table in ("documents", "cells", "claims", "findings", "passages")]

    before = stored()
    copy.write_bytes(bytes(range(256)) * 64)
    again = gouji("index", "--facts-only", "--quiet", str(copy), str(seed("001")), data=data)
    assert again.returncode == 2 and "Traceback" not in again.stderr
    assert again.stderr.splitlines() == [f"gouji: {copy}: binary data, not text (NUL bytes in the first 4 KiB)"]
    assert "indexed 1, unchanged 0, failed 1" in again.stdout
    after = stored()
    assert after[0] == before[0] + 1 and all(a > b for a, b in zip(after[1:], before[1:]))  # 001 added, 003 kept


def test_bad_inputs_through_index(tmp_path):
    """`gouji index` over the whole bad corpus: each refused input is one line naming it and its problem,
    every other one is recorded (the best-read copy of each disclosure stored), and a second run finds them
    all unchanged."""
    import sqlite3

    made = [(bad, _made(bad, tmp_path)) for bad in BAD_INPUTS if not bad.needs_pdf or REAL_PDF.exists()]
    data = tmp_path / "data"
    first = gouji("index", "--facts-only", "--quiet", *(path for _, path in made), data=data, timeout=SECONDS * 3)
    assert first.returncode == 2 and "Traceback" not in first.stderr
    refused = [(bad, path) for bad, path in made if bad.outcome == "refused"]
    assert len(first.stderr.splitlines()) == len(refused)
    for bad, path in refused:
        shown = _named(path)
        assert any(line.startswith(f"gouji: {shown}: ") and bad.says in line for line in first.stderr.splitlines())
    checked = [path for bad, path in made if bad.outcome == "checked"]
    with sqlite3.connect(data / "facts.sqlite") as connection:
        documents = [row[0] for row in connection.execute("SELECT path FROM documents")]
        forms = {row[0]: row[1] for row in connection.execute("SELECT form, role FROM forms")}
    # damaged copies of one seed are forms of one disclosure: each is recorded, the best-read one is stored
    assert set(forms) == set(checked) and set(documents) <= set(checked)
    assert sorted(path for path, role in forms.items() if role == "chosen") == sorted(documents)
    assert f"indexed {len(documents)}, unchanged 0, failed {len(refused)}" in first.stdout
    again = gouji("index", "--facts-only", "--quiet", *(path for _, path in made), data=data, timeout=SECONDS * 3)
    assert f"indexed 0, unchanged {len(checked)}, failed {len(refused)}" in again.stdout
