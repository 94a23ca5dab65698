"""The fact store and fact-based answers over the bundled seeds, with citations."""

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLES


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from retrieval.indexer import index
    from retrieval.store import FactStore
    from retrieval.vectors import VectorIndex

    folder = tmp_path_factory.mktemp("data")
    store = FactStore(folder)
    result = index([str(SAMPLES)], store, vectors=VectorIndex(folder))
    assert len(result.indexed) == 5 and not result.failed
    return folder


@pytest.fixture(scope="module")
def vectors(data):
    from retrieval.vectors import VectorIndex

    return VectorIndex(data)


@pytest.fixture(scope="module")
def answerer(data, vectors):
    from retrieval.qa import Answerer
    from retrieval.store import FactStore

    return Answerer(FactStore(data), vectors)


def test_unanswerable_question_says_so_and_shows_passages(answerer):
    answer = answerer.ask("昌吉州总工会的出租车费是多少")
    assert answer.status == "not_understood" and "出租车费" in answer.answer and answer.citations


def test_citation_points_at_the_cited_line(answerer):
    answer = answerer.ask("昌吉州总工会的公务接待费是多少")
    citation = answer.citations[0]
    lines = (ROOT / citation.path).read_text(encoding="utf-8").split("\n")  # absolute paths stay absolute
    assert "公务接待费" in lines[citation.line - 1] and "0.20" in lines[citation.line - 1]


def test_index_is_incremental_and_idempotent(tmp_path):
    from retrieval.indexer import index
    from retrieval.store import FactStore

    folder = tmp_path / "docs"
    shutil.copytree(SAMPLES, folder)
    store = FactStore(tmp_path / "data")
    first = index([str(folder)], store)
    counts = [store.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"] for table in ("documents", "cells", "claims")]
    second = index([str(folder)], store)
    assert (len(first.indexed), len(second.indexed), len(second.skipped)) == (5, 0, 5)
    changed = next(folder.glob("003_*.txt"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    third = index([str(folder)], store)
    assert third.indexed == [str(changed)]
    assert [store.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"] for table in ("documents", "cells", "claims")] \
        == counts


def test_cli_index_and_ask_json(tmp_path):
    env = {"GOUJI_DATA": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "ui.cli"]
    indexed = subprocess.run([*run, "index", "--quiet", "--facts-only", str(SAMPLES)], capture_output=True, text=True,
                             cwd=ROOT,
                             env=env, timeout=300, check=False)
    assert indexed.returncode == 0 and "indexed 5" in indexed.stdout
    asked = subprocess.run([*run, "ask", "尉犁县总工会的三公经费是多少", "--format", "json"], capture_output=True,
                           text=True, cwd=ROOT, env=env, timeout=300, check=False)
    answer = json.loads(asked.stdout)
    assert set(answer) == {"question", "intent", "status", "answer", "query", "completed", "source", "citations"}
    assert answer["query"]["operator"] == "value" and answer["query"]["item"] == "三公经费"
    assert answer["query"]["departments"] == ["尉犁县总工会"]
    assert set(answer["citations"][0]) == {"path", "department", "year", "section", "table", "page", "line", "quote"}


def test_fact_store_and_text_index_hold_the_same_documents(data, vectors):
    from retrieval.store import FactStore

    stored = {row["path"] for row in FactStore(data).documents()}
    assert stored == vectors.paths() and len(stored) == 5
    assert vectors.count() > 400  # paragraphs and table chunks


def test_hybrid_search_finds_precedents_with_filters(vectors):
    from retrieval.search import hybrid_search

    found = hybrid_search(vectors, "上年结转里有访惠聚经费的部门", k=5)
    assert {p.metadata["path"][-24:-21] for p in found} >= {"002", "004"}
    assert sum("访惠聚" in p.page_content for p in found) >= 4
    only_2025 = hybrid_search(vectors, "政府采购预算", {"year": 2025}, k=4)
    assert only_2025 and all(p.metadata["year"] == 2025 for p in only_2025)
    one = hybrid_search(vectors, "机关运行经费", {"department": "尉犁县总工会"}, k=3)
    assert one and all(p.metadata["department"] == "尉犁县总工会" for p in one)


def test_free_question_is_answered_from_the_hybrid_index(answerer):
    answer = answerer.ask("访惠聚经费用在哪里")
    assert answer.intent == "search" and "访惠聚工作队" in answer.answer
    assert answer.citations[0].path.endswith("004_786f14b2df8f2009.txt")


def test_cli_search_json(data):
    result = subprocess.run([sys.executable, "-m", "ui.cli", "search", "劳模慰问奖", "--data", str(data), "--format",
                             "json", "--limit", "3"], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    results = json.loads(result.stdout)["results"]
    assert len(results) == 3 and "劳模" in results[0]["quote"]
    assert set(results[0]) == {"path", "department", "year", "section", "table", "page", "line", "quote"}


def test_llm_phrasing_is_off_by_default_and_never_changes_figures(monkeypatch):
    from retrieval.phrasing import figures, rephrase
    from retrieval.qa import Answer

    answer = Answer("q", "value", "尉犁县总工会2025年三公经费为 0.00 万元。", [])
    monkeypatch.delenv("GOUJI_LLM_URL", raising=False)
    assert rephrase(answer) is answer
    assert figures("共 1,747.75 万元，增长 5.71%") == {"1747.75", "5.71"}


def test_index_with_two_processes_stores_the_same_facts(tmp_path):
    from retrieval.indexer import index
    from retrieval.store import FactStore
    from ui.batch import workers

    counts = []
    for jobs in (1, 2):
        store = FactStore(tmp_path / f"jobs{jobs}")
        with workers(jobs) as run:
            result = index([str(SAMPLES)], store, mapper=run)
        assert len(result.indexed) == 5
        counts.append([store.query(f"SELECT COUNT(*) AS n, SUM(value) AS s FROM {table}")[0][:]
                       for table in ("cells", "claims")])
    assert counts[0] == counts[1]


def test_a_store_of_an_older_schema_is_rebuilt_not_misread(tmp_path, capsys):
    import sqlite3

    from retrieval.indexer import index
    from retrieval.store import FactStore

    with sqlite3.connect(tmp_path / "facts.sqlite") as old:  # the first schema: no identities, no forms
        old.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, sha256 TEXT)")
        old.execute("INSERT INTO documents (path, sha256) VALUES ('x.txt', 'abc')")
    store = FactStore(tmp_path)
    assert "made by an older gouji" in capsys.readouterr().err
    assert store.documents() == []
    assert len(index([str(SAMPLES)], store).indexed) == 5


def test_a_staff_change_keeps_its_direction(answerer):
    """Seed 000, line 25: "在职 14 人，减少 2 人；退休 26人，增加 2 人": a fall is a fall."""
    answer = answerer.ask("昌吉州总工会在职人员比上年减少了多少")
    assert answer.query.item == "在职人数" and "减少 2 人" in answer.answer
    assert "增加 2 人" in answerer.ask("昌吉州总工会退休人员比上年增加了多少").answer
