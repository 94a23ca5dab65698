"""One table of speed and memory at corpus sizes of about 10, 100 (and, with --full, 1,000) documents,
made from the real ones by bench/make_corpus.py. Each step runs in its own process so its peak memory
is its own.

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["哪些部门的三公经费增加了", "哪个部门项目支出最多", "各部门公务用车运行费", "有哪些文字与表格矛盾",
             "尉犁县总工会的三公经费是多少", "什么是三公经费"]


def step(name: str, folder: str, data: str) -> dict:
    """Run in a child process: one step over the corpus folder, timing and peak memory."""
    paths = sorted(str(p) for p in Path(folder).glob("*.txt"))
    start = time.perf_counter()
    result: dict = {}
    if name == "parse":
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
    print(f"{'docs':>5} {'parse docs/s':>13} {'check docs/s':>13} {'index docs/min':>15} {'ask p50 ms':>11} "
          f"{'ask p95 ms':>11}   peak MB parse/check/index/ask")
    for size in sizes:
        with tempfile.TemporaryDirectory() as scratch:
            folder, data = Path(scratch) / "docs", Path(scratch) / "data"
            make(size, folder)
            results = {name: child(name, folder, data) for name in ("parse", "check", "index", "ask")}
        rate = {name: results[name]["documents"] / results[name]["seconds"] for name in ("parse", "check", "index")}
        peaks = "/".join(f"{results[name]['peak_mb']:.0f}" for name in ("parse", "check", "index", "ask"))
        print(f"{size:>5} {rate['parse']:>13.1f} {rate['check']:>13.1f} {rate['index'] * 60:>15.0f} "
              f"{results['ask']['p50_ms']:>11.1f} {results['ask']['p95_ms']:>11.1f}   {peaks}")
    print(f"gouji check process, one small document: {start_time():.2f} s (start-up incl. spaCy + jieba load)")
    print("PDF pages/s, embeddings chunks/s: bench/parse_bench.py and bench/retrieval_bench.py")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--step"]:
        print(json.dumps(step(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        main()
