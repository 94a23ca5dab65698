"""The question sets of tests/questions (written from the documents before gouji answered them), asked over
the seeds and every corpus-extra disclosure indexed together: each answer's status, parsed query, figures
and cited documents. Entries in tests/questions/known_failures.toml fail for a reason outside question
answering (a misread document, a check the checker lacks) and are expected to fail until that is mended."""

from __future__ import annotations

import pytest

from tests.conftest import EXTRA, SAMPLES
from tests.questions.harness import ask, entries, known_failures, problems

ENTRIES = entries()
KNOWN = known_failures()


@pytest.fixture(scope="module")
def answerer(tmp_path_factory):
    from retrieval.indexer import index
    from retrieval.qa import Answerer
    from retrieval.store import FactStore

    if not EXTRA.exists():
        pytest.skip("corpus-extra not available: the question sets are written over the whole corpus")
    store = FactStore(tmp_path_factory.mktemp("questions"))
    result = index([str(SAMPLES), str(EXTRA)], store)
    assert not result.failed
    return Answerer(store)


def test_the_sets_are_large_and_cover_every_kind_of_question():
    categories = {entry["category"] for entry in ENTRIES}
    assert len(ENTRIES) >= 200
    assert {"value", "list", "rank", "filter", "count", "compare", "trend", "change", "share", "budget_vs_final",
            "why", "definition", "contradictions", "department", "english", "followup", "unanswerable"} <= categories
    assert len({entry["id"] for entry in ENTRIES}) == len(ENTRIES)
    assert set(KNOWN) <= {entry["id"] for entry in ENTRIES}
    assert len(KNOWN) <= len(ENTRIES) // 10  # known failures stay the exception


@pytest.mark.parametrize("entry", [
    pytest.param(entry, id=entry["id"], marks=[pytest.mark.xfail(reason=KNOWN[entry["id"]], strict=True)]
                 if entry["id"] in KNOWN else [])
    for entry in ENTRIES])
def test_question(answerer, entry):
    answer = ask(answerer, entry)
    wrong = problems(entry, answer)
    assert not wrong, f"{entry['question']}\n" + "\n".join(wrong) + f"\nanswer: {answer.answer[:400]}"
