"""Parsing speed: all bundled seeds and every corpus-extra text and PDF. Prints docs/s and pages/s.

Run: make bench   (or .venv/bin/python bench/parse_bench.py)
Target (issue 2): a 25-page PDF parsed in ≤ 1 s on one core.
"""

from __future__ import annotations

import time
from pathlib import Path

from make_corpus import pdf_documents  # bench/ is on the path when a bench runs as a script

from corpus import parse_document

ROOT = Path(__file__).resolve().parent.parent
EXTRA = ROOT.parent / "shared" / "corpus-extra"


def timed(groups: list[list[Path]]) -> tuple[float, int, float]:
    start = time.perf_counter()
    pages = 0
    slowest = 0.0
    for group in groups:
        one = time.perf_counter()
        document = parse_document(*map(str, group))
        pages += document.page_count or 0
        slowest = max(slowest, time.perf_counter() - one)
    return time.perf_counter() - start, pages, slowest


def main() -> None:
    seeds = [[path] for path in sorted((ROOT / "corpus" / "samples").glob("*.txt"))]
    texts = [[path] for path in sorted(EXTRA.glob("*.txt"))]
    pdfs = pdf_documents()
    print(f"{'set':<22}{'docs':>6}{'pages':>7}{'seconds':>9}{'docs/s':>8}{'pages/s':>9}{'s/25 pages':>11}{'slowest s':>10}")
    for name, groups in (("seeds (text)", seeds), ("corpus-extra text", texts), ("corpus-extra PDF", pdfs)):
        if not groups:
            continue
        seconds, pages, slowest = timed(groups)
        per25 = f"{seconds / pages * 25:.2f}" if pages else "-"
        rate = f"{pages / seconds:.1f}" if pages else "-"
        print(f"{name:<22}{len(groups):>6}{pages:>7}{seconds:>9.2f}{len(groups) / seconds:>8.1f}{rate:>9}{per25:>11}"
              f"{slowest:>10.2f}")


if __name__ == "__main__":
    main()
