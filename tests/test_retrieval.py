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


# (question, intent, words the answer must contain, seed files it must cite)
QUESTIONS = [
    ("哪些部门的三公经费增加了", "rise_fall", ["没有部门的三公经费增加", "昌吉回族自治州人民政府办公室（2024年）三公经费 70.80 万元",
                                          "比上年增加 0.00 万元"], ["000", "001", "002", "003", "004"]),
    ("Which departments increased their three public expenses?", "rise_fall", ["没有部门的三公经费增加"], ["004"]),
    ("尉犁县总工会的三公经费是多少", "value", ["尉犁县总工会2025年三公经费为 0.00 万元"], ["003"]),
    ("昌吉州总工会的公务接待费是多少", "value", ["昌吉回族自治州总工会2024年公务接待费为 0.20 万元"], ["000"]),
    ("克州总工会的项目支出是多少", "value", ["克孜勒苏柯尔克孜自治州总工会2025年项目支出为 100.00 万元"], ["001"]),
    ("州政府办的出国费", "value", ["昌吉回族自治州人民政府办公室2024年因公出国（境）费为"], ["004"]),
    ("哪个部门项目支出最多", "ranking", ["项目支出最多的是昌吉回族自治州人民政府办公室（2024年），619.64 万元"], ["004"]),
    ("哪个部门基本支出最少", "ranking", ["基本支出最少的是"], []),
    ("各部门公务用车运行费", "list", ["昌吉回族自治州人民政府办公室（2024年）68.00 万元", "昌吉回族自治州总工会（2024年）3.00 万元"],
     ["000", "004"]),
    ("What is the vehicle spending of each department?", "list", ["68.00 万元"], ["004"]),
    ("比较昌吉州总工会和州政府办的公务接待费", "compare", ["2.80 万元", "0.20 万元"], ["000", "004"]),
    ("什么是三公经费", "definition", ["因公出国（境）费", "公务接待费"], []),
    ("昌吉州总工会为什么增加基本支出", "why", ["人员经费增加"], ["000"]),
    ("有哪些文字与表格矛盾", "contradiction", ["预算安排规模 40.00 万元 ≠ 资金分配情况各项之和 39.50 万元", "601.12"], ["000", "002"]),
    ("What errors did the checker find for 昌吉州工商联?", "contradiction", ["39.50"], ["002"]),
    ("劳模慰问奖", "search", ["劳模慰问"], ["000"]),
    ("How much is the official reception budget of 昌吉州工商联?", "value", ["昌吉回族自治州工商业联合会2024年公务接待费为 0.19 万元"],
     ["002"]),
    ("Compare the vehicle operating costs of 昌吉州总工会 and 州政府办", "compare", ["3.00 万元", "68.00 万元"], ["000", "004"]),
    ("Why did the basic expenditure of 昌吉州总工会 increase?", "why", ["人员经费增加"], ["000"]),
    ("昌吉州工商联的政府采购预算是多少", "value", ["昌吉回族自治州工商业联合会2024年政府采购为"], ["002"]),
    ("克州总工会2025年的基本支出", "value", ["克孜勒苏柯尔克孜自治州总工会2025年基本支出为"], ["001"]),
    ("哪些部门的项目支出增长超过 100%", "rise_fall", ["昌吉回族自治州总工会（2024年）项目支出", "增长 230.15%"], ["000"]),
]


@pytest.mark.parametrize("question, intent, words, cited", QUESTIONS)
def test_questions(answerer, question, intent, words, cited):
    answer = answerer.ask(question)
    assert answer.intent == intent
    for word in words:
        assert word in answer.answer
    cited_seeds = {c.path.rsplit("/", 1)[-1][:3] for c in answer.citations}
    assert set(cited) <= cited_seeds
    assert all(c.line > 0 and c.quote for c in answer.citations)


def test_unanswerable_question_says_so_and_shows_passages(answerer):
    answer = answerer.ask("昌吉州总工会的出租车费是多少")
    assert answer.intent == "search" and answer.answer.startswith("资料中没有")


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
    assert set(answer) == {"question", "intent", "answer", "citations"}
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


EXTRA_DOCUMENTS = ["sh-putuo-sifaju-2026-dept-budget.txt", "sh-putuo-sifaju-2026-unit-budget.txt",
                   "sh-putuo-govoffice-2025-dept-budget.txt", "sh-putuo-finance-2025-dept-budget.txt",
                   "js-prov-high-court-2018-dept-budget.txt", "cq-transport-commission-2018-dept-budget-NARRATIVE-ONLY.txt"]


@pytest.fixture(scope="module")
def extra_answerer(tmp_path_factory):
    from retrieval.indexer import index
    from retrieval.qa import Answerer
    from retrieval.store import FactStore
    from tests.conftest import EXTRA

    if not EXTRA.exists():
        pytest.skip("corpus-extra not available")
    store = FactStore(tmp_path_factory.mktemp("extra"))
    result = index([str(SAMPLES)] + [str(EXTRA / name) for name in EXTRA_DOCUMENTS], store)
    assert len(result.indexed) == 11 and not result.failed
    return Answerer(store)


# Over the seeds and six corpus-extra documents of three other templates (facts only, no embeddings).
EXTRA_QUESTIONS = [
    ("普陀区司法局的三公经费是多少", "value", ["上海市普陀区司法局2026年三公经费为 10.81 万元",
                                        "上海市普陀区司法局（单位）2026年三公经费为 10.71 万元"], ["sifaju-2026-dept", "sifaju-2026-unit"]),
    ("普陀区司法局2026年公务接待费", "value", ["0.83 万元"], ["sifaju-2026-dept"]),
    ("What is the reception spending of 普陀区司法局?", "value", ["0.83 万元"], ["sifaju-2026-dept"]),
    ("江苏省高院2018年的三公经费", "value", ["江苏省高级人民法院2018年三公经费为 620.75 万元"], ["high-court-2018"]),
    ("重庆市交通委员会的三公经费", "value", ["2,800.68 万元"], ["cq-transport"]),
    ("上海市普陀区人民政府办公室的因公出国费", "value", ["839.00 万元"], ["govoffice-2025"]),
    ("普陀区财政局2025年的机关运行经费是多少", "value", ["229.43 万元"], ["finance-2025"]),
    ("普陀区司法局2026年收支总预算", "value", ["9,628.22 万元"], ["sifaju-2026-dept"]),
    ("哪个部门三公经费最多", "ranking", ["重庆市交通委员会（2018年），2,800.68 万元"], ["cq-transport"]),
    ("Which department has the most project spending?", "ranking", ["项目支出最多的是"], []),
    ("哪些部门的三公经费减少了", "rise_fall", ["重庆市交通委员会", "减少 295.18 万元"], ["cq-transport"]),
    ("2024年哪些部门的三公经费减少了", "rise_fall", ["没有部门的三公经费减少"], ["004"]),
    ("2026年各部门三公经费", "list", ["10.81 万元", "10.71 万元"], ["sifaju-2026-dept"]),
    ("普陀区司法局的文字和表格有哪些矛盾", "contradiction", ["3845.49"], ["sifaju-2026-dept"]),
    ("什么是机关运行经费", "definition", ["公用经费"], []),
]


@pytest.mark.parametrize("question, intent, words, cited", EXTRA_QUESTIONS)
def test_questions_over_other_templates(extra_answerer, question, intent, words, cited):
    answer = extra_answerer.ask(question)
    assert answer.intent == intent
    for word in words:
        assert word in answer.answer
    for name in cited:
        assert any(name in c.path for c in answer.citations), name
    assert all(c.line > 0 and c.quote for c in answer.citations)


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
