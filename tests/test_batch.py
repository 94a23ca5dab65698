"""`gouji batch check|index --ray`: the same functions as Ray tasks on a local Ray give the same outputs."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.conftest import gouji, seed

pytest.importorskip("ray")

TOTALS = {
    "cells": "SELECT COUNT(*), SUM(value) FROM cells",
    "claims": "SELECT COUNT(*), SUM(value) FROM claims",
    "findings": "SELECT rule, line, COUNT(*) FROM findings GROUP BY rule, line ORDER BY rule, line",
    "documents": "SELECT department, year, kind, sha256 FROM documents ORDER BY path",
}


def _facts(folder) -> dict:
    with sqlite3.connect(folder / "facts.sqlite") as connection:
        return {name: connection.execute(query).fetchall() for name, query in TOTALS.items()}


def test_batch_check_on_local_ray_matches_check():
    paths = [str(seed("000")), str(seed("002")), str(seed("004"))]
    on_ray = gouji("batch", "check", *paths, "--ray", "--format", "json")
    here = gouji("check", *paths, "--format", "json")
    assert on_ray.returncode == here.returncode == 1, on_ray.stderr  # both seeds' reviewed errors
    assert json.loads(on_ray.stdout) == json.loads(here.stdout)
    assert "Traceback" not in on_ray.stderr


def test_batch_index_on_local_ray_stores_the_same_facts(tmp_path):
    paths = [str(seed("000")), str(seed("001")), str(seed("003"))]
    on_ray = gouji("batch", "index", *paths, "--ray", "--facts-only", "--quiet", data=tmp_path / "ray")
    here = gouji("index", *paths, "--facts-only", "--quiet", data=tmp_path / "here")
    assert on_ray.returncode == here.returncode == 0, on_ray.stderr
    assert "indexed 3, unchanged 0, failed 0" in on_ray.stdout
    ray_facts = _facts(tmp_path / "ray")
    assert ray_facts == _facts(tmp_path / "here")
    assert len(ray_facts["documents"]) == 3 and ray_facts["cells"][0][0] > 100


def test_unreachable_ray_cluster_is_one_line_and_exit_2():
    result = gouji("batch", "check", str(seed("000")), "--ray", "127.0.0.1:9", timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["gouji: cannot reach the Ray cluster at 127.0.0.1:9: Connection refused"]
