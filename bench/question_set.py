"""The question sets of tests/questions over the seeds and corpus-extra: the share of entries answered right
per category and file, and the share of questions answered from facts vs from passages.

    .venv/bin/python bench/question_set.py [--data DIR] [--list]   # --list prints every failing entry
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.questions.harness import ask, entries, known_failures, problems


def corpus_store(data: Path | None):
    from retrieval.indexer import index
    from retrieval.store import FactStore

    folder = data or Path(tempfile.mkdtemp(prefix="gouji-questions-"))
    store = FactStore(folder)
    if not store.documents():
        index([str(ROOT / "corpus" / "samples"), str(ROOT.parent / "shared" / "corpus-extra")], store)
    return store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, help="an indexed data folder to reuse (made in a temporary one if not)")
    parser.add_argument("--list", action="store_true", help="print every failing entry and why")
    args = parser.parse_args()
    from retrieval.qa import Answerer

    answerer = Answerer(corpus_store(args.data))
    known = known_failures()
    by_category: dict[str, Counter] = defaultdict(Counter)
    by_file: dict[str, Counter] = defaultdict(Counter)
    sources = Counter()
    for entry in entries():
        answer = ask(answerer, entry)
        wrong = problems(entry, answer)
        verdict = "right" if not wrong else "known" if entry["id"] in known else "wrong"
        by_category[entry["category"]][verdict] += 1
        by_file[entry["file"]][verdict] += 1
        sources[answer.source] += 1
        if wrong and args.list:
            print(f"{entry['id']} [{entry['category']}] {entry['question']}\n    " + "\n    ".join(wrong)
                  + f"\n    answer: {answer.answer[:300]}")
    for title, table in (("category", by_category), ("file", by_file)):
        print(f"\n{title:<28} right  wrong  known  share")
        total = Counter()
        for name, counts in sorted(table.items()):
            total.update(counts)
            n = sum(counts.values())
            print(f"{name:<28} {counts['right']:>5}  {counts['wrong']:>5}  {counts['known']:>5}  "
                  f"{counts['right'] / n:6.1%}")
        n = sum(total.values())
        print(f"{'all':<28} {total['right']:>5}  {total['wrong']:>5}  {total['known']:>5}  {total['right'] / n:6.1%}")
    n = sum(sources.values())
    print("\nanswered from: " + ", ".join(f"{source} {count / n:.1%}" for source, count in sources.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
