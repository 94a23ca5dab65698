"""Hostile input and concurrent users, against the web app as served (`gouji serve`) and its handlers.

1. Markup in a disclosure (narrative sentence and table row) is shown as text in 问答, 检索 and 校核, never run:
   in headless Chromium window.__pwned stays undefined, no dialog opens, and `<script>` is visible as text.
2. Uploads are checked before anything is stored: wrong content for the extension, binary junk, empty files
   and oversize uploads are refused with a message and leave DATA/uploads as it was.
3. Uploaded file names cannot escape the data folder: hostile names through the handler and through gradio's
   upload route; every file the app writes is inside DATA (the whole temp tree is compared before and after).
4. 20 concurrent chat sessions (bench/load_bench.py, reused here): no errors, cited answers, p95 < 2 s.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from bench.load_bench import free_port, run, start_server
from tests.conftest import ROOT, SAMPLES, seed
from tests.test_webapp import SHOTS, browser_page, needs_browser

SCRIPT = "<script>window.__pwned = 1</script>"
IMAGE = '<img src=x onerror="window.__pwned=2">'
BOLD = '<b onmouseover="window.__pwned=3">粗</b>'
MARKDOWN = "![追踪](http://localhost/pixel.png)[点我](javascript:alert(document.domain))"  # no link, no image
# a file name that is markup too: it shows in citation labels, passage headers and search results
HOSTILE_NAME = "hostile<img src=x onerror=window.__pwned=4>.txt"
WHY = "尉犁县总工会一般公共预算增加的原因"
FAMILIES = ["text-table", "arithmetic", "lists", "repeats", "table-internal", "cross-table", "completeness",
            "wording"]


def hostile_text() -> str:
    """Seed 003 with markup in two narrative sentences and in a table row; it still parses as the same
    disclosure (same tables, same findings), so the markup reaches every view."""
    text = seed("003").read_text(encoding="utf-8")
    for old, new in [
        ("主要原因是我部门人员调资、社保医保基数调增，因此一般公共预算",
         f"主要原因是我部门人员调资{SCRIPT}、社保医保基数调增{IMAGE}{MARKDOWN}，因此一般公共预算"),
        ("2025 年，尉犁县总工会政府采购预算 62.60 万元，其中", f"2025 年，尉犁县总工会政府采购预算 62.60 万元{IMAGE}，其中"),
        ("\n301 01 基本工资 30.08 30.08", f"\n301 01 基本工资{BOLD} 30.08 30.08"),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def assert_escaped(html: str) -> None:
    """Markup from the document appears only escaped in HTML the app produces."""
    for raw in (SCRIPT, IMAGE, BOLD, "<img src=x", "onerror=window"):
        assert raw not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every file under root: size and content digest."""
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            try:
                files[str(path)] = (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
            except OSError:  # removed while walking (a temporary file)
                continue
    return files


def written_outside(before: dict, after: dict, data: Path) -> list[str]:
    return sorted(path for path, state in after.items()
                  if before.get(path) != state and not Path(path).is_relative_to(data))


# ---------------------------------------------------------------------------------------------- the server
@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-doc")
    path = folder / HOSTILE_NAME
    path.write_text(hostile_text(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory, hostile):
    """`gouji serve --facts-only` on a data folder holding the bundled seeds (003 replaced by its hostile
    copy), with its own TMPDIR, HOME and working folder inside one temp tree, so any file it writes
    outside DATA shows up in the tree."""
    from retrieval.indexer import index
    from retrieval.store import FactStore

    root = tmp_path_factory.mktemp("site")
    data, tmp, home, cwd = root / "data", root / "tmp", root / "home", root / "cwd"
    for folder in (tmp, home, cwd):
        folder.mkdir()
    store = FactStore(data)
    result = index([str(p) for p in sorted(SAMPLES.glob("*.txt")) if not p.name.startswith("003_")]
                   + [str(hostile)], store)
    store.close()
    assert not result.failed and str(hostile) in result.indexed
    before = snapshot(root)
    with start_server(data, env={"TMPDIR": str(tmp), "HOME": str(home)}, cwd=cwd) as url:
        yield {"url": url, "data": data, "root": root, "before": before}


@pytest.fixture(scope="module")
def page(site):
    with browser_page(site["url"]) as page:
        yield page


def assert_nothing_ran(page) -> None:
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert page.evaluate("document.querySelectorAll('[onerror], [onmouseover], [onload]').length") == 0
    # gradio's own config script holds the file name JSON-escaped (\\u003c); no script holds document text
    assert not page.evaluate("[...document.scripts].some(s => s.textContent.includes('window.__pwned = 1'))")


@needs_browser
def test_markup_in_an_answer_and_its_citation_is_text(page):
    page.fill("#question textarea", WHY)
    page.press("#question textarea", "Enter")
    page.wait_for_selector("#chat >> text=社保医保基数调增", timeout=60000)
    answer = page.locator("#chat [data-testid=bot]").last
    assert SCRIPT in answer.inner_text() and IMAGE in answer.inner_text() and MARKDOWN in answer.inner_text()
    assert "hostile<img src=x" in answer.inner_text()  # the file name in the citation label, as text
    assert page.locator("#chat img").count() == 0 and page.locator("#chat [data-testid=bot] a").count() == 0
    page.locator("#citations label").first.click()
    page.wait_for_selector("#passage .cited", timeout=30000)
    passage = page.locator("#passage").inner_text()
    assert SCRIPT in passage and IMAGE in passage and HOSTILE_NAME in passage
    page.screenshot(path=str(SHOTS / "hostile-chat.png"), full_page=True)
    assert_nothing_ran(page)


@needs_browser
def test_markup_in_search_results_is_text(page):
    page.get_by_role("tab", name="检索").click()
    box = page.get_by_label("检索")
    box.fill("主要原因 人员调资")
    box.press("Enter")
    cell = page.locator("[role=gridcell]", has_text="人员调资").first  # the rows drawn (not the sizing copy)
    cell.wait_for(timeout=60000)
    assert SCRIPT in cell.inner_text() and IMAGE in cell.inner_text()
    assert page.locator("[role=gridcell]", has_text="hostile<img src=x").count() >= 1
    page.screenshot(path=str(SHOTS / "hostile-search.png"), full_page=True)
    assert_nothing_ran(page)


@needs_browser
def test_markup_in_an_uploaded_disclosure_is_text_in_the_report(page, site, hostile):
    page.get_by_role("tab", name="校核").click()
    page.set_input_files("#upload input[type=file]", str(hostile))
    page.wait_for_timeout(1500)
    page.click("#run-check")
    page.wait_for_selector("#report >> text=政府采购预算 62.60 万元", timeout=120000)
    report = page.locator("#report").inner_text()
    assert SCRIPT in report and IMAGE in report and BOLD in report
    page.locator("#report .line", has_text="基本工资").first.hover()  # the row whose markup has onmouseover
    page.screenshot(path=str(SHOTS / "hostile-check.png"), full_page=True)
    assert_nothing_ran(page)
    digest = hashlib.sha256(hostile.read_bytes()).hexdigest()[:16]
    assert_escaped((site["data"] / "reports" / f"{digest}.html").read_text(encoding="utf-8"))


@needs_browser
def test_markup_in_a_file_name_is_text_in_the_library_and_the_overview(page):
    """The library list and the overview table show stored names: a name that is markup stays text."""
    page.get_by_role("tab", name="校核").click()
    page.get_by_label("或从资料库选择").click()
    option = page.get_by_role("option", name="hostile<img src=x onerror=window.__pwned=4>.txt", exact=False)
    option.first.wait_for(timeout=30000)
    page.keyboard.press("Escape")
    page.get_by_role("tab", name="概览").click()
    page.locator("[role=gridcell]", has_text="尉犁县总工会").first.wait_for(timeout=30000)
    page.screenshot(path=str(SHOTS / "hostile-overview.png"), full_page=True)
    assert_nothing_ran(page)


@needs_browser
def test_a_pdf_that_is_not_a_pdf_is_refused_in_the_page(page, site, tmp_path):
    stored = sorted((site["data"] / "uploads").iterdir())
    fake = tmp_path / "预算公开.pdf"
    fake.write_text("这不是 PDF，只是改了扩展名的文字。", encoding="utf-8")
    page.get_by_role("tab", name="校核").click()
    page.locator("#upload button[aria-label='Clear']").first.click()
    page.set_input_files("#upload input[type=file]", str(fake))
    page.wait_for_timeout(1500)
    page.click("#run-check")
    page.wait_for_selector("#report >> text=内容不是 PDF", timeout=60000)
    assert sorted((site["data"] / "uploads").iterdir()) == stored
    assert_nothing_ran(page)


def _call(url: str, api: str, data: list) -> tuple[str, list | str]:
    """One event through gradio's REST API: ('complete', outputs) or ('error', message)."""
    import httpx

    posted = httpx.post(f"{url}/gradio_api/call/{api}", json={"data": data}, timeout=30)
    posted.raise_for_status()
    event, payload = "", ""
    with httpx.stream("GET", f"{url}/gradio_api/call/{api}/{posted.json()['event_id']}", timeout=120) as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                payload = line.split(":", 1)[1].strip()
                break
    return event, json.loads(payload) if payload and payload != "null" else payload


def test_uploaded_names_and_downloads_stay_in_the_data_folder(site):
    import httpx

    url, data = site["url"], site["data"]
    content = seed("002").read_bytes()
    names = ["../../evil.txt", "/etc/passwd.txt", "..\\..\\evil.txt", "a/../../b.txt", "../" * 20 + "x.txt",
             "nul\x00.txt", "q" * 300 + ".txt"]
    answer = httpx.post(f"{url}/gradio_api/upload", files=[("files", (name, content)) for name in names], timeout=60)
    assert answer.status_code == 200, answer.text
    stored = answer.json()
    assert len(stored) == len(names)
    assert all(Path(path).resolve().is_relative_to(data.resolve()) for path in stored), stored
    event, outputs = _call(url, "check", [{"path": stored[0], "meta": {"_type": "gradio.FileData"}}, None,
                                          ["error"], FAMILIES])
    assert event == "complete", outputs
    html, downloads = outputs
    assert "资金分配情况各项之和 39.50 万元" in html
    assert downloads and all(Path(d["path"]).resolve().is_relative_to(data.resolve()) for d in downloads)
    digest = hashlib.sha256(content).hexdigest()[:16]
    assert {p.name for p in (data / "reports").glob(f"{digest}.*")} >= {f"{digest}.{s}" for s in ("json", "html",
                                                                                               "xlsx")}
    # a file the server did not receive as an upload is not read, copied or checked
    outside = site["root"] / "outside.txt"
    outside.write_bytes(content)
    event, _ = _call(url, "check", [{"path": str(outside), "meta": {"_type": "gradio.FileData"}}, None,
                                    ["error"], FAMILIES])
    assert event == "error"
    outside.unlink()


def test_an_upload_over_the_cap_is_refused_by_the_server(site):
    import httpx

    from ui.app import MAX_UPLOAD_BYTES

    before = snapshot(site["data"])
    answer = httpx.post(f"{site['url']}/gradio_api/upload",
                        files=[("files", ("big.pdf", b"%PDF-1.4\n" + b"0" * MAX_UPLOAD_BYTES))], timeout=60)
    assert answer.status_code == 413
    assert snapshot(site["data"]) == before


def test_the_file_routes_serve_reports_and_uploads_and_nothing_else(site, hostile):
    """gradio serves files by path: only its upload cache and DATA/reports, never the store, the sources,
    the code or the machine, however the path is spelled."""
    from urllib.parse import quote

    import httpx

    url, data = site["url"], site["data"]
    content = seed("002").read_bytes()
    uploaded = httpx.post(f"{url}/gradio_api/upload", files=[("files", ("ok.txt", content))], timeout=60).json()[0]
    assert httpx.get(f"{url}/gradio_api/file={uploaded}", timeout=30).content == content  # the control
    secret = site["root"] / "secret.txt"
    secret.write_text("不应被读到", encoding="utf-8")
    reports = data / "reports"
    reports.mkdir(exist_ok=True)
    targets = ["/etc/passwd", str(data / "facts.sqlite"), str(hostile), str(secret), str(ROOT / "pyproject.toml"),
               f"{reports}/../facts.sqlite", f"{reports}/%2e%2e/facts.sqlite", f"{reports}/..%2ffacts.sqlite",
               f"{Path(uploaded).parent}/../../{secret.relative_to(site['root'])}", "../" * 12 + "etc/passwd"]
    for target in targets:
        for route in ("/gradio_api/file=", "/file="):
            for spelled in (target, quote(target)):
                answer = httpx.get(f"{url}{route}{spelled}", timeout=30)
                assert answer.status_code != 200 or (b"root:" not in answer.content and b"SQLite" not in answer.content
                                                     and "不应被读到".encode() not in answer.content
                                                     and b"[project]" not in answer.content), (route, spelled)
    secret.unlink()


def test_uploads_just_under_the_cap_and_many_at_once_are_taken_and_checked(site):
    """49 MB is taken (51 MB is refused: the test above) and its check says in one message what is wrong;
    twenty uploads at once are all stored in the upload cache, and the server answers afterwards."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    url = site["url"]
    near_cap = b"%PDF-1.4\n" + b"0" * (49 * 2**20)
    answer = httpx.post(f"{url}/gradio_api/upload", files=[("files", ("near-cap.pdf", near_cap))], timeout=120)
    assert answer.status_code == 200, answer.text
    event, outputs = _call(url, "check", [{"path": answer.json()[0], "meta": {"_type": "gradio.FileData"}}, None,
                                          ["error"], FAMILIES])
    assert event == "complete" and "PDF" in outputs[0] and outputs[1] is None, outputs

    content = seed("002").read_bytes()

    def upload(number: int) -> int:
        posted = httpx.post(f"{url}/gradio_api/upload", files=[("files", (f"many-{number}.txt", content))], timeout=120)
        return posted.status_code

    with ThreadPoolExecutor(20) as pool:
        assert list(pool.map(upload, range(20))) == [200] * 20
    event, outputs = _call(url, "ask", ["尉犁县总工会的政府采购预算是多少", [], None])
    assert event == "complete" and "62.60 万元" in json.dumps(outputs, ensure_ascii=False)


def test_a_100_kb_question_through_the_route_is_refused_at_once(site):
    event, outputs = _call(site["url"], "ask", ["问" * 100_000, [], None])
    assert event == "complete"
    history = outputs[0]
    assert "问题太长（100000 字）" in json.dumps(history[-1], ensure_ascii=False)


def test_the_server_wrote_nothing_outside_the_data_folder(site):
    """Runs after the browser and upload tests above: the temp tree (DATA, the server's TMPDIR, HOME and
    working folder) has changed only inside DATA."""
    after = snapshot(site["root"])
    assert written_outside(site["before"], after, site["data"]) == []
    assert any(Path(path).is_relative_to(site["data"] / "uploads") for path in after)


# ---------------------------------------------------------------------------------------------- handlers
def test_chat_and_report_handlers_escape_document_text(site, hostile, tmp_path):
    from ui.app import App

    app = App(site["data"])
    history, _, _, citations, _ = app.ask(WHY, [])
    text = history[-1]["content"]
    assert SCRIPT not in text and "<img" not in text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in text and citations
    shown = app.show_citation(f"[1] {HOSTILE_NAME}", citations)
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    own = App(tmp_path / "data")
    html, files = own.check(str(hostile), None, ["error", "warning", "rounding", "note"], FAMILIES)
    assert_escaped(html)
    report = next(Path(f) for f in files if f.endswith(".html"))
    assert_escaped(report.read_text(encoding="utf-8"))


def test_refused_uploads_store_nothing_and_leave_stored_files_alone(tmp_path):
    from ui.app import App

    app = App(tmp_path / "data")
    good = tmp_path / "good.txt"
    good.write_bytes(seed("002").read_bytes())
    kept = app._accept(str(good))
    uploads = tmp_path / "data" / "uploads"
    before = snapshot(uploads)
    junk = bytes(range(256)) * 64
    cases = {
        "fake.pdf": ("这不是 PDF。".encode(), "内容不是 PDF"),
        "FAKE.PDF": (b"<html><script>alert(1)</script></html>", "内容不是 PDF"),
        "junk.txt": (junk, "内容不是可读的文本"),
        "controls.txt": (bytes(range(1, 9)) * 512, "内容不是可读的文本"),
        "junk.json": (junk, "内容不是可读的文本"),
        "pdf-inside.txt": (b"%PDF-1.4\n%junk", "内容是 PDF"),
        "empty.txt": (b"", "文件是空的"),
        "blank.pdf": (b" \n\t ", "文件是空的"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ValueError, match=message):
            app._accept(str(path))
        html, files = app.check(str(path), None, ["error"], FAMILIES)
        assert message in html and files is None, name
        assert snapshot(uploads) == before, name
    assert kept.read_bytes() == good.read_bytes()
    # a library pick is a document the store holds, never any path on the machine
    html, files = app.check(None, "/etc/passwd", ["error"], FAMILIES)
    assert "资料库中没有这份文件" in html and files is None


def test_upload_names_cannot_escape_the_data_folder(tmp_path, monkeypatch):
    """The handler gets the uploaded file's path; whatever its name, the app writes only under DATA/uploads
    (a content name) and DATA/reports, and refuses names it cannot read with a message."""
    from ui.app import App

    root = tmp_path / "root"
    data, cwd = root / "data", root / "w" / "x" / "y"
    (cwd / "a").mkdir(parents=True)
    monkeypatch.chdir(cwd)
    content = seed("002").read_bytes()
    readable = ["../../evil.txt", "..\\..\\evil.txt", "a/../../b.txt", "n" * 250 + ".txt",
                str(root / "w" / "x" / "..." / "..txt"), "./-rf .txt", "评论 <b>.json"]
    for name in readable:
        (cwd / name).parent.mkdir(parents=True, exist_ok=True)
        (cwd / name).write_bytes(content if not name.endswith(".json") else b'[{"page": 1, "text": "x"}]')
    app = App(data)
    before = snapshot(root)

    class Named:  # an upload object with a .name, as older gradio versions pass
        def __init__(self, name: str):
            self.name = name

    for name in readable:
        for upload in (name, Named(name)):
            stored = app._accept(upload)
            assert stored.parent == data / "uploads" and stored.name[:16].isalnum(), (name, stored)
    for name, message in [("/etc/passwd", "不支持的文件类型"), ("../../../../../../../../etc/passwd", "不支持的文件类型"),
                          ("nul\x00.txt", "无法读取"), ("../../" + "q" * 300 + ".txt", "无法读取"),
                          ("missing/../../../gone.txt", "无法读取")]:
        with pytest.raises(ValueError, match=message):
            app._accept(name)
        html, files = app.check(name, None, ["error"], FAMILIES)
        assert message in html and files is None
    html, files = app.check("../../evil.txt", None, ["error"], FAMILIES)
    assert "资金分配情况各项之和 39.50 万元" in html
    assert files and all(Path(f).resolve().parent == (data / "reports").resolve() for f in files)
    _, export = app.search("政府采购", "全部", "全部", "全部")
    assert Path(export).resolve().parent == (data / "reports").resolve()
    after = snapshot(root)
    assert written_outside(before, after, data) == []
    allowed = {data / "uploads", data / "reports", data}
    assert all(Path(path).parent in allowed for path in after if path not in before), sorted(after)


# ---------------------------------------------------------------------------------------------- load
def test_twenty_concurrent_chat_sessions(tmp_path):
    """`gouji serve --facts-only` on a fresh data folder; 20 gradio_client sessions asking 5 questions each,
    all at once (bench/load_bench.py). No errors, every answer cited or with figures, p95 < 2 s."""
    with start_server(tmp_path / "data") as url:
        result = run(url, sessions=20, per_session=5)
    print(result.summary())
    assert result.errors == []
    assert len(result.latencies) == 100
    assert all(text.strip() for _, text in result.answers)
    assert result.percentile(0.95) < 2.0, result.summary()


def test_a_slow_question_does_not_hold_up_other_sessions(site, monkeypatch):
    """gradio runs one event of a listener at a time unless told otherwise: with the chat's concurrency_limit
    (and its own answer pool) other sessions are answered while one question is slow."""
    import time

    from gradio_client import Client

    from retrieval.qa import Answerer
    from ui.app import build

    original = Answerer.ask

    def ask(self, question, previous=None):
        if question == "慢":
            time.sleep(4)
        return original(self, question, previous)

    monkeypatch.setattr(Answerer, "ask", ask)
    port = free_port()
    blocks = build(site["data"])
    blocks.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        url = f"http://127.0.0.1:{port}"
        slow_client, fast_client = (Client(url, verbose=False, analytics_enabled=False, download_files=False,
                                           ssl_verify=False) for _ in range(2))
        slow = slow_client.submit("慢", [], api_name="/ask")
        time.sleep(0.5)
        start = time.perf_counter()
        history, _, _ = fast_client.predict("什么是三公经费", [], api_name="/ask")
        took = time.perf_counter() - start
        assert "三公" in str(history[-1]) and took < 2 and not slow.done(), took
        slow.result(timeout=30)
    finally:
        blocks.close()
