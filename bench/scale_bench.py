"""`make bench`'s one table: every speed and memory figure of issue 6 at corpus sizes of about 10, 100
(and, with --full, 1,000) documents. Text corpora are made from the real documents by bench/make_corpus.py
(departments and years renamed); PDF rows cycle the real corpus-extra PDFs up to the size. Each step runs in
its own process so its peak memory is its own. Indexing with embeddings is measured at the smallest size
(about 6 s a document on 2 cores; 1,000 documents would take hours): chunks/s and the share of indexing
time spent inside the embedding model.

Run: .venv/bin/python bench/scale_bench.py [--full]      (also `make bench`)
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# one of each kind: value, filter by direction, rank (amount, growth, people), list, count, threshold over items,
# trend, share, contradictions, definition, a name the corpus lacks
QUESTIONS = ["尉犁县总工会的三公经费是多少", "哪些部门的三公经费增加了", "哪个部门项目支出最多", "三公经费增幅最大的三个部门",
             "哪个部门的人员最多", "各部门公务用车运行费", "语料里有多少个部门的决算", "增长超过100%的项目",
             "万里街道三公经费这几年怎么变的", "昌吉州总工会一般公共预算占收入的比重", "有哪些文字与表格矛盾",
             "什么是三公经费", "北京市财政局的三公经费"]
STEPS = ["parse", "parse_pdf", "check", "check_pdf", "index", "embed", "ask"]


def pdf_groups(size: int) -> list[list[str]]:
    """The real PDF documents, cycled up to `size`."""
    from make_corpus import pdf_documents

    groups = [[str(path) for path in group] for group in pdf_documents()]
    return list(islice(cycle(groups), size)) if groups else []


def step(name: str, folder: str, data: str) -> dict:
    """Run in a child process: one step over the corpus folder, timing and peak memory."""
    paths = sorted(str(p) for p in Path(folder).glob("*.txt"))
    size = len(paths)
    start = time.perf_counter()
    result: dict = {}
    if name in ("parse_pdf", "check_pdf"):
        from checker.runner import check_document
        from corpus import parse_document

        groups, pages = pdf_groups(size), 0
        start = time.perf_counter()
        for group in groups:
            document = parse_document(*group)
            pages += document.page_count or 0
            if name == "check_pdf":
                check_document(document)
        result["pages"], paths = pages, groups
    elif name == "parse":
        from corpus import parse_document

        for path in paths:
            parse_document(path)
    elif name == "check":
        from checker.runner import check_document
        from corpus import parse_document

        for path in paths:
            check_document(parse_document(path))
    elif name == "index":
        from retrieval.indexer import index
        from retrieval.store import FactStore

        index(paths, FactStore(data))
    elif name == "embed":
        from retrieval.embeddings import model
        from retrieval.indexer import index
        from retrieval.store import FactStore
        from retrieval.vectors import VectorIndex

        encoder, spent = model(), {"seconds": 0.0, "chunks": 0}
        passage = encoder.passage

        def timed(texts: list[str]):
            begin = time.perf_counter()
            vectors_out = passage(texts)
            spent["seconds"] += time.perf_counter() - begin
            spent["chunks"] += len(texts)
            return vectors_out

        encoder.passage = timed  # count the time inside the model itself
        vectors = VectorIndex(Path(data).with_name("embedded"))
        start = time.perf_counter()
        index(paths, FactStore(Path(data).with_name("embedded")), vectors=vectors)
        result["model_seconds"], result["chunks"] = spent["seconds"], spent["chunks"]
    elif name == "ask":
        from retrieval.qa import Answerer
        from retrieval.store import FactStore

        answerer = Answerer(FactStore(data))
        answerer.ask(QUESTIONS[0])
        start = time.perf_counter()
        timings = []
        for _ in range(5):
            for question in QUESTIONS:
                begin = time.perf_counter()
                answerer.ask(question)
                timings.append((time.perf_counter() - begin) * 1000)
        timings.sort()
        result = {"p50_ms": statistics.median(timings), "p95_ms": timings[int(0.95 * (len(timings) - 1))]}
    result.update(seconds=time.perf_counter() - start, documents=len(paths),
                  peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def child(name: str, folder: Path, data: Path) -> dict:
    output = subprocess.run([sys.executable, __file__, "--step", name, str(folder), str(data)], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def start_time() -> float:
    """Seconds for a whole `gouji check` process on one small document (mostly start-up and model load)."""
    sample = next((ROOT / "corpus" / "samples").glob("003_*.txt"))
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ui.cli", "check", str(sample)], cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - begin


def main() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from make_corpus import make

    sizes = [10, 100, 1000] if "--full" in sys.argv else [10, 100]
    runs: dict[int, dict] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as scratch:
            folder, data = Path(scratch) / "docs", Path(scratch) / "data"
            make(size, folder)
            steps = [name for name in STEPS if name != "embed" or size == sizes[0]]
            runs[size] = {name: child(name, folder, data) for name in steps}
    rows = [
        ("parse text, docs/s", lambda r: r["parse"]["documents"] / r["parse"]["seconds"], "{:.1f}"),
        ("parse PDF, pages/s", lambda r: r["parse_pdf"]["pages"] / r["parse_pdf"]["seconds"], "{:.0f}"),
        ("check text (parse, model load incl.), docs/s", lambda r: r["check"]["documents"] / r["check"]["seconds"], "{:.1f}"),
        ("check PDF (parse, model load incl.), docs/s", lambda r: r["check_pdf"]["documents"] / r["check_pdf"]["seconds"],
         "{:.1f}"),
        ("check PDF, s per 25 pages", lambda r: r["check_pdf"]["seconds"] / r["check_pdf"]["pages"] * 25, "{:.2f}"),
        ("index facts, docs/min", lambda r: r["index"]["documents"] / r["index"]["seconds"] * 60, "{:.0f}"),
        ("index + embeddings, docs/min", lambda r: r["embed"]["documents"] / r["embed"]["seconds"] * 60, "{:.1f}"),
        ("embeddings, chunks/s", lambda r: r["embed"]["chunks"] / r["embed"]["model_seconds"], "{:.1f}"),
        ("share of indexing in the model, %", lambda r: r["embed"]["model_seconds"] / r["embed"]["seconds"] * 100,
         "{:.0f}"),
        ("ask warm p50, ms", lambda r: r["ask"]["p50_ms"], "{:.1f}"),
        ("ask warm p95, ms", lambda r: r["ask"]["p95_ms"], "{:.1f}"),
        *((f"peak memory {name}, MB", lambda r, name=name: r[name]["peak_mb"], "{:.0f}") for name in STEPS),
    ]
    width = max(len(label) for label, _, _ in rows) + 2
    print(f"{'':{width}}" + "".join(f"{f'{size} docs':>12}" for size in sizes))
    for label, value, shape in rows:
        cells = []
        for size in sizes:
            try:
                cells.append(shape.format(value(runs[size])))
            except (KeyError, ZeroDivisionError):
                cells.append("-")
        print(f"{label:{width}}" + "".join(f"{cell:>12}" for cell in cells))
    print(f"{'gouji check process start, s':{width}}{start_time():>12.2f}   (one small document: imports, spaCy + jieba)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--step"]:
        print(json.dumps(step(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        main()
