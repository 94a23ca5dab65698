"""One disclosure, one document: a folder holding a disclosure as PDF and as text extractions, or as a
narrative PDF and a tables PDF, is indexed as one document, the best-read form stored and named."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import SAMPLES, extra, gouji

SIFAJU = "sh-putuo-sifaju-2026-dept-budget"
CPPCC = "js-prov-cppcc-office-2018-dept-budget"


def _copy(folder, *names):
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(extra(name), folder / name)


def _store(data):
    from retrieval.store import FactStore

    return FactStore(data)


def test_a_disclosure_in_three_forms_and_one_in_two_halves_are_two_documents(tmp_path):
    docs = tmp_path / "docs"
    _copy(docs, f"{SIFAJU}.pdf", f"{SIFAJU}.txt", f"{SIFAJU}.layout.txt", f"{CPPCC}.narrative.pdf",
          f"{CPPCC}.tables.pdf")
    run = gouji("index", "--quiet", "--facts-only", str(docs), data=tmp_path / "data")
    assert run.returncode == 0, run.stderr
    stored = {row["path"].rsplit("/", 1)[-1]: dict(row) for row in _store(tmp_path / "data").documents()}
    assert set(stored) == {f"{SIFAJU}.pdf", f"{CPPCC}.narrative.pdf"}
    pair = stored[f"{CPPCC}.narrative.pdf"]
    assert pair["form"].endswith(f"{CPPCC}.narrative.pdf+{docs}/{CPPCC}.tables.pdf")
    assert (pair["department"], pair["year"], pair["kind"]) == ("江苏省政协办公厅", 2018, "预算")
    # the run says which form it stored and what else it saw, with the reading scores
    note = next(line for line in run.stdout.splitlines() if line.startswith(f"{docs}/{SIFAJU}.pdf"))
    assert f"{SIFAJU}.txt (" in note and f"{SIFAJU}.layout.txt (" in note
    roles = {row["form"].replace(f"{docs}/", ""): row["role"] for row in _store(tmp_path / "data").query(
        "SELECT form, role FROM forms")}
    assert roles[f"{SIFAJU}.pdf"] == "chosen"
    assert roles[f"{SIFAJU}.txt"] == roles[f"{SIFAJU}.layout.txt"] == "alternative"
    assert roles[f"{CPPCC}.narrative.pdf"] == roles[f"{CPPCC}.tables.pdf"] == "part"
    assert roles[f"{CPPCC}.narrative.pdf+{CPPCC}.tables.pdf"] == "chosen"
    again = gouji("index", "--quiet", "--facts-only", str(docs), data=tmp_path / "data")
    assert "indexed 0, unchanged 5" in again.stdout


def test_a_better_form_added_later_replaces_the_stored_one(tmp_path):
    docs = tmp_path / "docs"
    _copy(docs, f"{SIFAJU}.layout.txt")
    first = gouji("index", "--quiet", "--facts-only", str(docs), data=tmp_path / "data")
    assert first.returncode == 0 and "indexed 1" in first.stdout
    _copy(docs, f"{SIFAJU}.pdf")
    second = gouji("index", "--quiet", "--facts-only", str(docs), data=tmp_path / "data")
    assert second.returncode == 0, second.stderr
    documents = _store(tmp_path / "data").documents()
    assert [row["path"].rsplit("/", 1)[-1] for row in documents] == [f"{SIFAJU}.pdf"]
    # its facts are the PDF's, once: no cell of the replaced form is left behind
    counts = _store(tmp_path / "data").query("SELECT COUNT(*) AS n, COUNT(DISTINCT document) AS d FROM cells")[0]
    assert counts["d"] == 1


def test_halves_indexed_one_at_a_time_become_one_document(tmp_path):
    docs = tmp_path / "docs"
    _copy(docs, f"{CPPCC}.narrative.pdf")
    gouji("index", "--quiet", "--facts-only", str(docs), data=tmp_path / "data")
    alone = _store(tmp_path / "data").documents()
    assert len(alone) == 1 and alone[0]["form"].endswith(f"{CPPCC}.narrative.pdf")
    _copy(docs, f"{CPPCC}.tables.pdf")
    run = gouji("index", "--quiet", "--facts-only", str(docs), data=tmp_path / "data")
    assert run.returncode == 0, run.stderr
    documents = _store(tmp_path / "data").documents()
    assert len(documents) == 1 and "+" in documents[0]["form"]
    assert documents[0]["department"] == "江苏省政协办公厅"
    tables = _store(tmp_path / "data").query("SELECT COUNT(DISTINCT table_kind) AS n FROM cells")[0]["n"]
    assert tables >= 8


def test_the_same_department_across_years_and_spellings_is_one_department(tmp_path):
    from retrieval.lexicon import Lexicon

    docs = tmp_path / "docs"
    _copy(docs, "js-prov-party-office-2017-dept-budget.txt", "js-prov-party-office-2018-dept-budget.txt")
    gouji("index", "--quiet", "--facts-only", str(docs), data=tmp_path / "data")
    lexicon = Lexicon(_store(tmp_path / "data"))
    departments = lexicon.real_departments()
    # 2017 prints 中国共产党江苏省委员会办公厅, 2018 中共江苏省委办公厅
    assert len(departments) == 1 and [d["year"] for d in departments[0].documents] == [2017, 2018]
    assert departments[0].name == "中共江苏省委办公厅"


@pytest.mark.parametrize("name", ["sh-putuo-finance-2024-dept-final"])
def test_an_altered_copy_of_a_disclosure_loses_to_the_better_read_original(tmp_path, name):
    docs = tmp_path / "docs"
    _copy(docs, f"{name}.pdf", f"{name}-SEEDED-ERRORS.pdf")
    gouji("index", "--quiet", "--facts-only", str(docs), data=tmp_path / "data")
    documents = _store(tmp_path / "data").documents()
    assert [row["path"].rsplit("/", 1)[-1] for row in documents] == [f"{name}.pdf"]


def test_seeds_are_five_documents(tmp_path):
    run = gouji("index", "--quiet", "--facts-only", str(SAMPLES), data=tmp_path)
    assert "indexed 5" in run.stdout and len(_store(tmp_path).documents()) == 5
