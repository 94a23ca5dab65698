"""Concurrent users: N chat sessions at once against the web app on 127.0.0.1, each its own gradio_client
session asking a few real questions. Prints p50/p95/max answer time and every error.

Run: .venv/bin/python bench/load_bench.py                 (starts `gouji serve --facts-only` on a fresh data folder)
     .venv/bin/python bench/load_bench.py --url http://127.0.0.1:7860 --sessions 40   (an app already running)

tests/test_webapp_hostile.py imports `start_server` and `run` from here, so the test and the bench measure the
same thing. Only loopback addresses are ever contacted; every loop is bounded.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["哪些部门的三公经费增加了", "尉犁县总工会的三公经费是多少", "哪个部门项目支出最多", "什么是三公经费",
             "昌吉回族自治州总工会的一般公共预算支出是多少", "各部门公务用车运行费", "有哪些文字与表格矛盾"]
FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|%)")
CITATION = re.compile(r"\[\d+\]")


@dataclass
class LoadResult:
    sessions: int
    latencies: list[float] = field(default_factory=list)  # seconds, one per answered question
    errors: list[str] = field(default_factory=list)
    answers: list[tuple[str, str]] = field(default_factory=list)  # (question, answer text)
    others: dict[str, list[float]] = field(default_factory=dict)  # seconds per search and per check (mixed load)

    def percentile(self, share: float) -> float:
        """Nearest-rank percentile of the answer times (0 when nothing was answered)."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.4999) - 1))]

    def summary(self) -> str:
        return (f"{self.sessions} sessions, {len(self.latencies)} answers: p50 {self.percentile(0.5):.3f} s, "
                f"p95 {self.percentile(0.95):.3f} s, max {max(self.latencies, default=0):.3f} s, "
                f"errors {len(self.errors)}"
                + "".join(f"; {kind} {len(times)}, max {max(times):.1f} s" for kind, times in self.others.items()))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def start_server(data: Path, port: int | None = None, facts_only: bool = True, timeout: float = 180,
                 env: dict | None = None, cwd: Path | None = None):
    """`gouji serve` on 127.0.0.1 in its own process (first start indexes the bundled corpus); yields the URL
    and stops the process afterwards."""
    port = port or free_port()
    command = [sys.executable, "-m", "ui.cli", "serve", "--data", str(data), "--port", str(port)]
    if facts_only:
        command.append("--facts-only")
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("GOUJI_CHROMA_URL", "GOUJI_DATA", "GRADIO_TEMP_DIR")}
    environment.update(env or {})
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environment.get("PYTHONPATH")]))
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=cwd or ROOT, stdout=log, stderr=subprocess.STDOUT, env=environment)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError("gouji serve did not start:\n" + log.read().decode(errors="replace"))
                    time.sleep(0.3)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(process)


def stop(process: subprocess.Popen, seconds: float = 20) -> None:
    """Ask a server process to end; kill it if it has not within `seconds`."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=seconds)


def answer_text(history: list) -> str:
    """The last assistant message of a chat history as returned by the API (content as text or parts)."""
    for message in reversed(history or []):
        if message.get("role") == "assistant":
            content = message.get("content")
            if isinstance(content, list):
                return "".join(part.get("text", "") for part in content if isinstance(part, dict))
            return str(content or "")
    return ""


# the mixed load of issue 15: of every 10 sessions, 6 chat, 3 search and 1 uploads a disclosure and checks it
MIX = ("chat",) * 6 + ("search",) * 3 + ("check",)
SEARCHES = ["上年结转 访惠聚", "政府采购 货物", "三公经费 增加 原因", "机关运行经费"]
CHECKED = sorted((ROOT / "corpus" / "samples").glob("*.txt"))
FAMILIES = ["text-table", "arithmetic", "lists", "repeats", "table-internal", "cross-table", "completeness", "wording"]


def _other(client, kind: str, turn: int) -> None:
    """One search or one check, as the page sends them."""
    from gradio_client import handle_file

    if kind == "search":
        client.predict(SEARCHES[turn % len(SEARCHES)], "全部", "全部", "全部", "全部", api_name="/search")
    else:
        client.predict(handle_file(str(CHECKED[turn % len(CHECKED)])), None, ["error", "warning"], FAMILIES,
                       api_name="/check")


def run(url: str, sessions: int = 20, per_session: int = 5, questions: list[str] | None = None,
        timeout: float = 120, mixed: bool = False) -> LoadResult:
    """`sessions` clients at once, each asking `per_session` questions in turn (its own chat history), all
    starting together. An answer must be non-empty and hold a citation marker or a figure. `mixed`: the
    sessions are chat, search and check sessions as MIX says; only chat answers count in the percentiles."""
    from gradio_client import Client

    questions = questions or QUESTIONS
    result = LoadResult(sessions)
    lock = threading.Lock()
    ready = threading.Barrier(sessions, timeout=timeout)

    def session(number: int) -> None:
        try:
            # plain http on loopback, so no certificate check: with it, httpx loads the CA bundle for every
            # request (~25 ms CPU), and 20 clients in one process on 2 cores would mostly measure themselves
            client = Client(url, verbose=False, analytics_enabled=False, download_files=False, ssl_verify=False,
                            httpx_kwargs={"timeout": timeout})
        except Exception as error:  # noqa: BLE001 - every failure is counted, none stops the others
            with lock:
                result.errors.append(f"session {number}: cannot connect: {error!r}")
            ready.abort()
            return
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            pass  # another session could not connect; still ask, so its failure is not the only one seen
        history: list = []
        kind = MIX[number % len(MIX)] if mixed else "chat"
        for turn in range(per_session):
            if kind != "chat":
                start = time.perf_counter()
                try:
                    _other(client, kind, number + turn)
                except Exception as error:  # noqa: BLE001
                    with lock:
                        result.errors.append(f"session {number} {kind}: {type(error).__name__}: {error}")
                    continue
                with lock:
                    result.others.setdefault(kind, []).append(time.perf_counter() - start)
                continue
            question = questions[(number + turn) % len(questions)]
            start = time.perf_counter()
            try:
                history, _, _ = client.predict(question, history, api_name="/ask")
            except Exception as error:  # noqa: BLE001
                with lock:
                    result.errors.append(f"session {number} {question}: {type(error).__name__}: {error}")
                continue
            seconds = time.perf_counter() - start
            text = answer_text(history)
            with lock:
                result.latencies.append(seconds)
                result.answers.append((question, text))
                if not text.strip():
                    result.errors.append(f"session {number} {question}: empty answer")
                elif not (CITATION.search(text) or FIGURE.search(text)):
                    result.errors.append(f"session {number} {question}: no citation or figure: {text[:80]}")
                elif text.startswith("出错了") or "超出了时间限制" in text:
                    result.errors.append(f"session {number} {question}: {text[:80]}")
        client.close()

    threads = [threading.Thread(target=session, args=(number,), daemon=True) for number in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + per_session * timeout)
    if any(thread.is_alive() for thread in threads):
        result.errors.append("some sessions did not finish in time")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="an app already running (default: start one on a fresh data folder)")
    parser.add_argument("--data", type=Path, help="data folder for the app started here (default: a temp folder)")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--questions", type=int, default=5, help="questions per session")
    parser.add_argument("--mixed", action="store_true",
                        help="chat, search and check sessions (6:3:1), the text index on: chat p95 is the figure")
    args = parser.parse_args(argv)

    if args.url:
        result = run(args.url, sessions=args.sessions, per_session=args.questions, mixed=args.mixed)
    else:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            with start_server(args.data or Path(folder) / "data", facts_only=not args.mixed, timeout=600) as url:
                print(f"started {url} in {time.perf_counter() - started:.1f} s")
                result = run(url, sessions=args.sessions, per_session=args.questions, mixed=args.mixed)
    print(result.summary())
    for error in result.errors:
        print("  error:", error)
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
