"""Checking speed: every seed and corpus-extra text document, and the corpus-extra PDFs. Prints docs/s.

Run: .venv/bin/python bench/check_bench.py   (also part of `make bench`)
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from make_corpus import pdf_documents  # bench/ is on the path when a bench runs as a script

from checker.runner import check_document
from corpus import parse_document

ROOT = Path(__file__).resolve().parent.parent
EXTRA = ROOT.parent / "shared" / "corpus-extra"


def run(name: str, groups: list[list[Path]], show: bool) -> None:
    start = time.perf_counter()
    severities: Counter = Counter()
    for group in groups:
        report = check_document(parse_document(*map(str, group)))
        severities.update(f.severity for f in report.findings)
        if show:
            counts = Counter(f.severity for f in report.findings)
            print(f"  {group[0].name[:52]:52} errors {counts['error']:3} warnings {counts['warning']:3} "
                  f"rounding {counts['rounding']:3} notes {counts['note']:3}  checks {report.tally.run}")
    seconds = time.perf_counter() - start
    print(f"{name:<22} {len(groups):4} docs {seconds:7.2f} s {len(groups) / seconds:6.1f} docs/s  {dict(severities)}")


def main() -> None:
    from checker.runner import _extractor

    start = time.perf_counter()
    _extractor()
    print(f"spaCy + jieba load: {time.perf_counter() - start:.2f} s (once per process)")
    seeds = [[p] for p in sorted((ROOT / "corpus" / "samples").glob("*.txt"))]
    texts = [[p] for p in sorted(EXTRA.glob("*.txt")) if ".layout." not in p.name]
    pdfs = pdf_documents()
    run("seeds (text)", seeds, show=True)
    run("corpus-extra text", texts, show=True)
    run("corpus-extra PDF", pdfs, show=False)


if __name__ == "__main__":
    main()
