"""Fail safe: one document's failure stays with it, configuration says what it did, nothing hostile from a
file name or a document reaches a terminal or a spreadsheet as anything but text (issue 15)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, gouji, seed


def test_any_failure_in_one_document_is_its_one_line(monkeypatch):
    """Not only InputError: an unexpected exception while reading or checking one file comes back as that
    file's one-line error, so a batch keeps the other files' reports."""
    import corpus
    from ui import cli

    def broken(*paths):
        raise ZeroDivisionError("a bug gouji has not met yet")

    monkeypatch.setattr(corpus, "parse_document", broken)
    result = cli._check_one(["somewhere/odd.txt"], None, None)
    assert isinstance(result, str) and result.startswith("somewhere/odd.txt: gouji failed on this file")
    assert "ZeroDivisionError" in result and "\n" not in result


def test_a_failing_document_among_good_ones_keeps_their_report(tmp_path):
    bad = tmp_path / "pages.json"
    bad.write_text('[{"page": "one", "text": "x"}]', encoding="utf-8")
    result = gouji("check", "--format", "json", str(seed("000")), str(bad), str(seed("002")))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f'gouji: {bad}: JSON page 1: "page" must be a whole number, not \'one\''
    assert "documents" in result.stdout and result.stdout.count('"path"') >= 2


def test_index_of_a_folder_with_a_named_pipe_does_not_hang(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    shutil.copy(seed("003"), folder / "B.TXT")
    result = gouji("index", "--facts-only", "--quiet", str(folder), data=tmp_path / "data", timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"gouji: {folder / 'pipe.txt'}: not a regular file (a named pipe); skipped"
    assert "indexed 1, unchanged 0, failed 1" in result.stdout


@pytest.mark.parametrize(("config", "rules_seen"), [
    ('ignore = "GJ304"', "no GJ304"),  # a string is one code, not the letters G, J, 3, 0, 4
    ('select = ["GJ3"]', "only GJ3"),
    ('select = "GJ3, GJ5"', "only GJ3 and GJ5"),
])
def test_configuration_takes_a_list_or_a_comma_string(tmp_path, config, rules_seen):
    (tmp_path / "pyproject.toml").write_text(f"[tool.gouji]\n{config}\n", encoding="utf-8")
    result = _in(tmp_path, "check", str(seed("000")))
    codes = {line.split(": ")[1].split()[0] for line in result.stdout.splitlines() if ": GJ" in line}
    run = int(result.stdout.rsplit("checks run ", 1)[1].split(",")[0])
    assert run > 0 and "Traceback" not in result.stderr
    if rules_seen == "no GJ304":
        assert "GJ304" not in codes and codes and result.returncode == 0
    else:
        allowed = ("GJ3",) if rules_seen == "only GJ3" else ("GJ3", "GJ5")
        assert codes and all(code.startswith(allowed) for code in codes)


@pytest.mark.parametrize(("where", "says"), [
    ("config:selekt = [\"GJ3\"]", "unknown key selekt"),
    ("config:ignore = 304", "expected rule codes as a list or a comma-separated string"),
    ("--select=GJ9", "GJ9 matches no rule"),
    ("--ignore=GJl01", "GJL01 matches no rule"),
])
def test_configuration_that_names_nothing_is_refused_in_one_line(tmp_path, where, says):
    args = ["check", str(seed("000"))]
    if where.startswith("config:"):
        (tmp_path / "pyproject.toml").write_text(f"[tool.gouji]\n{where[7:]}\n", encoding="utf-8")
    else:
        args.insert(1, where)
    result = _in(tmp_path, *args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and says in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("target", ["folder", "missing/report.json"])
def test_output_that_cannot_be_written_is_said_before_the_work(tmp_path, target):
    output = tmp_path if target == "folder" else tmp_path / target
    result = gouji("check", "--format", "json", "--output", str(output), str(seed("000")))
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert str(output) in result.stderr


def test_control_characters_never_reach_the_terminal(tmp_path):
    hostile = tmp_path / "evil\x1b]0;pwned\x07\nname.txt"
    text = seed("003").read_text(encoding="utf-8").replace("尉犁县总工会", "尉犁县总工会\x1b[2J", 1)
    hostile.write_text(text, encoding="utf-8")
    checked = gouji("check", str(hostile))
    missing = gouji("check", str(tmp_path / "gone\x1b[31m.txt"))
    for output in (checked.stdout, checked.stderr, missing.stderr):
        assert "\x1b" not in output and "\x07" not in output
    assert "evil\\x1b]0;pwned\\x07\\nname.txt:" in checked.stdout  # escaped, one line per finding
    assert all(line.startswith(str(tmp_path)) for line in checked.stdout.splitlines())
    assert "gone\\x1b[31m.txt: no such file" in missing.stderr


def test_the_checklist_workbook_keeps_document_text_as_text(tmp_path):
    from openpyxl import load_workbook

    from checker.report import sheet_name

    lines = seed("003").read_text(encoding="utf-8").split("\n")
    lines.insert(4, '=HYPERLINK("http://example.invalid","点击")')
    lines = [line.replace("尉犁县总工会", "尉犁/县?总[工]会:*") for line in lines]
    hostile = tmp_path / "formula.txt"
    hostile.write_text("\n".join(lines), encoding="utf-8")
    output = tmp_path / "sheet.xlsx"
    result = gouji("check", "--format", "xlsx", "--output", str(output), str(hostile))
    assert result.returncode in (0, 1), result.stderr
    workbook = load_workbook(output)
    assert len(workbook.sheetnames) == 1 and not set("/\\?*[]:") & set(workbook.sheetnames[0])
    assert not [cell.coordinate for sheet in workbook for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert sheet_name("1-财政局/预算?[草稿]:*") == "1-财政局_预算__草稿___" and sheet_name("") == "sheet"


def test_search_export_quotes_formula_payloads():
    from checker.report import csv_safe

    rows = [["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "正文", 2025]]
    text = io.StringIO()
    csv.writer(text).writerows([csv_safe(value) for value in row] for row in rows)
    read = next(csv.reader(io.StringIO(text.getvalue())))
    assert read[:4] == ["'=cmd|' /C calc'!A0", "'+1", "'-2", "'@SUM(A1)"] and read[4:] == ["正文", "2025"]


def _in(folder, *args):
    """gouji run from `folder` (where its pyproject.toml is read)."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "ui.cli", *args], capture_output=True, text=True, cwd=folder,
                          timeout=300, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})


# ---------------------------------------------------------------- the store


def _documents(data) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(data / "facts.sqlite") as connection:
        return connection.execute("SELECT path, identity FROM documents ORDER BY path").fetchall()


def test_a_second_index_on_one_data_folder_waits_for_the_first(tmp_path):
    import fcntl
    import subprocess
    import sys

    data = tmp_path / "data"
    data.mkdir()
    with open(data / ".writer.lock", "a+") as held:  # the first writer, here
        fcntl.flock(held, fcntl.LOCK_EX)
        second = subprocess.Popen([sys.executable, "-m", "ui.cli", "index", "--facts-only", "--quiet", "--data",
                                   str(data), str(seed("003"))], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        waiting = second.stderr.readline()
        assert "another gouji is writing to this data folder; waiting" in waiting
        assert second.poll() is None  # it waits, it does not write beside the first
        fcntl.flock(held, fcntl.LOCK_UN)
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    assert "indexed 1" in out and len(_documents(data)) == 1


def test_a_document_is_unchanged_only_with_all_its_chunks(tmp_path):
    from retrieval.vectors import VectorIndex

    data = tmp_path / "data"
    first = gouji("index", "--quiet", str(seed("003")), data=data, timeout=600)
    assert first.returncode == 0, first.stderr
    vectors = VectorIndex(data)
    path = _documents(data)[0][0]
    ids = vectors.collection.get(where={"path": path}, include=[])["ids"]
    whole = len(ids)
    vectors.collection.delete(ids=ids[: whole // 10])  # a run killed while it wrote the chunks
    del vectors
    again = gouji("index", "--quiet", str(seed("003")), data=data, timeout=600)
    assert "indexed 1, unchanged 0" in again.stdout, again.stdout
    assert VectorIndex(data).chunk_count(path) == whole


def test_a_damaged_fact_store_is_said_in_one_line_and_rebuilt_on_request(tmp_path):
    data = tmp_path / "data"
    assert gouji("index", "--facts-only", "--quiet", str(seed("003")), data=data).returncode == 0
    (data / "facts.sqlite").write_bytes(os.urandom(20_000))
    for command in (["ask", "尉犁县总工会的工会经费是多少"], ["index", "--facts-only", "--quiet", str(seed("003"))]):
        result = gouji(*command, data=data)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.strip().startswith(f"gouji: {data / 'facts.sqlite'} is damaged")
        assert "gouji index --rebuild" in result.stderr
    rebuilt = gouji("index", "--rebuild", "--facts-only", "--quiet", str(seed("003")), data=data)
    assert rebuilt.returncode == 0 and "set aside in" in rebuilt.stderr
    assert len(_documents(data)) == 1 and list(data.glob("damaged-*/facts.sqlite"))  # kept for a look
    assert "0.59" in gouji("ask", "尉犁县总工会的工会经费是多少", data=data).stdout


def test_a_text_index_chroma_cannot_load_is_set_aside_and_rebuilt(tmp_path):
    data = tmp_path / "data"
    assert gouji("index", "--quiet", str(seed("003")), data=data, timeout=600).returncode == 0
    (data / "chroma" / "chroma.sqlite3").write_bytes(os.urandom(200_000))
    searched = gouji("search", "工会经费", data=data)
    assert searched.returncode == 0 and "Traceback" not in searched.stderr
    assert "the text index could not be loaded" in searched.stderr and "set aside in" in searched.stderr
    again = gouji("index", "--quiet", str(seed("003")), data=data, timeout=600)
    assert "indexed 1, unchanged 0" in again.stdout  # its chunks were missing: embedded again
    assert "工会" in gouji("search", "工会经费", data=data).stdout


def test_one_file_by_two_spellings_or_renamed_is_one_document(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed("003"), folder / "a.txt")
    (tmp_path / "link.txt").symlink_to(folder / "a.txt")
    data = tmp_path / "data"
    spellings = [str(folder / "a.txt"), f"{folder}/./a.txt", f"{folder}//a.txt", str(tmp_path / "link.txt")]
    first = gouji("index", "--facts-only", "--quiet", *spellings, data=data)
    assert "indexed 1, unchanged 3" in first.stdout and len(_documents(data)) == 1
    (tmp_path / "link.txt").unlink()
    (folder / "a.txt").rename(folder / "b.txt")
    moved = gouji("index", "--facts-only", "--quiet", str(folder / "b.txt"), data=data)
    assert moved.returncode == 0 and _documents(data) == [(str(folder / "b.txt"), "尉犁县总工会|2025|预算|部门")]


def test_the_annotated_pdf_runs_nothing(tmp_path):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    from tests.bad_inputs import REAL_PDF

    if not REAL_PDF.exists():
        pytest.skip(f"{REAL_PDF} not available")
    writer = PdfWriter(clone_from=str(REAL_PDF))
    script = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('x')")})
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})
    names = DictionaryObject({NameObject("/Names"): writer._add_object(script)})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(names)})
    writer._root_object[NameObject("/OpenAction")] = script
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): launch})
    hostile = tmp_path / "hostile.pdf"
    with hostile.open("wb") as handle:
        writer.write(handle)
    output = tmp_path / "annotated.pdf"
    result = gouji("check", "--format", "pdf", "--output", str(output), str(hostile), timeout=300)
    assert result.returncode in (0, 1), result.stderr
    copy = PdfReader(output)
    raw = output.read_bytes()
    assert b"/JavaScript" not in raw and b"/Launch" not in raw and b"/OpenAction" not in raw
    assert "/AA" not in copy.pages[0] and any(page.get("/Annots") for page in copy.pages)  # the highlights stay


# ---------------------------------------------------------------- the web app


def test_a_very_long_question_is_refused_at_once(tmp_path):
    import time

    from ui.app import MAX_QUESTION_CHARS, App

    app = App(tmp_path / "data")
    started = time.monotonic()
    history, _, _, citations, _ = app.ask("三公经费" * 25_000, [])  # 100,000 characters
    assert time.monotonic() - started < 2 and citations == []
    assert f"请在 {MAX_QUESTION_CHARS} 字以内提问" in history[-1]["content"]
    assert len(history[-1]["content"]) < 200 and len(history[-2]["content"]) < 100


def test_a_download_that_cannot_be_made_leaves_the_findings_and_the_others(tmp_path, monkeypatch):
    from checker.report import xlsx
    from ui.app import App

    def broken(reports):
        raise ValueError("x.xlsx: the workbook cannot be written")

    monkeypatch.setattr(xlsx, "render", broken)
    app = App(tmp_path / "data")
    html, files = app.check(str(seed("000")), None, ["error", "warning", "rounding", "note"],
                            ["text-table", "arithmetic", "lists", "repeats", "table-internal", "cross-table",
                             "completeness", "wording"])
    assert "xlsx 未能生成：the workbook cannot be written" in html
    assert "GJ304" in html  # the findings are shown
    assert sorted(Path(f).suffix for f in files) == [".html", ".json"]


def test_a_first_start_that_was_cut_short_resumes_until_the_bundled_corpus_is_complete(tmp_path):
    import signal
    import subprocess
    import sys

    from bench.load_bench import start_server
    from ui.app import BUNDLED_STARTED

    data = tmp_path / "data"
    samples = sorted((ROOT / "corpus" / "samples").glob("*.txt"))
    first = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--facts-only", "--data", str(data),
                              "--port", "0"], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "正在索引 内置资料" in first.stdout.readline()
    first.send_signal(signal.SIGKILL)  # killed while it indexes
    first.wait(timeout=30)
    assert (data / BUNDLED_STARTED).exists()
    # what a start killed after two documents leaves: 2 of the bundled 5 stored
    assert gouji("index", "--facts-only", "--quiet", *map(str, samples[:2]), data=data).returncode == 0
    with start_server(data):
        pass
    assert len(_documents(data)) == len(samples) and not (data / BUNDLED_STARTED).exists()


def test_a_data_folder_indexed_by_its_user_gets_no_bundled_documents(tmp_path):
    from bench.load_bench import start_server

    data = tmp_path / "data"
    assert gouji("index", "--facts-only", "--quiet", str(seed("003")), data=data).returncode == 0
    with start_server(data):
        pass
    assert len(_documents(data)) == 1


def test_the_library_shows_names_not_server_paths(tmp_path):
    from ui.app import App

    data = tmp_path / "data"
    assert gouji("index", "--facts-only", "--quiet", str(seed("003")), data=data).returncode == 0
    app = App(data)
    [(label, key)] = app.library()
    assert str(ROOT) not in label and str(ROOT) not in key and "/" not in label + key
    assert label.startswith("尉犁县总工会 2025 预算") and seed("003").name in label
    html, files = app.check(None, key, ["error", "warning", "rounding", "note"], ["completeness"])
    assert files and "尉犁县总工会" in html


def test_upload_caches_expire_and_stay_under_their_quota(tmp_path):
    import time

    from ui.housekeeping import prune

    cache, uploads = tmp_path / "gradio", tmp_path / "uploads"
    (cache / "abc").mkdir(parents=True)
    uploads.mkdir()
    old = cache / "abc" / "old.pdf"
    old.write_bytes(b"x" * 100)
    os.utime(old, (time.time() - 2 * 86400,) * 2)  # two days old: expired
    files = []
    for number in range(5):
        path = uploads / f"u{number}.txt"
        path.write_bytes(b"y" * 1000)
        os.utime(path, (time.time() - 100 + number,) * 2)
        files.append(path)
    kept = files[0]  # the oldest, but being checked now
    removed = prune([cache, uploads], quota=2500, max_age=86400, keep={kept})
    assert not old.exists() and kept.exists()
    left = [path for path in files if path.exists()]
    assert sum(path.stat().st_size for path in left) <= 2500 + kept.stat().st_size
    assert files[-1] in left and removed == 1 + (5 - len(left))  # the newest stay, the oldest go first


def test_a_runaway_check_is_killed_at_its_limit(tmp_path, monkeypatch):
    import time

    import ui.app
    from ui.app import App

    def runaway(path):
        time.sleep(60)  # a PDF of a million paths

    monkeypatch.setattr(ui.app, "_check_file", runaway)
    monkeypatch.setattr(ui.app, "TIME_LIMIT_SECONDS", 1.5)
    app = App(tmp_path / "data")
    started = time.monotonic()
    html, files = app.check(str(seed("000")), None, ["error"], ["completeness"])
    assert "检查超出时间限制" in html and files is None and time.monotonic() - started < 10
    import multiprocessing

    assert multiprocessing.active_children() == []  # killed, not left running


def test_a_slow_check_does_not_hold_up_another_users_check(tmp_path, monkeypatch):
    import time

    from gradio_client import Client, handle_file

    import ui.app
    from bench.load_bench import free_port
    from ui.app import build

    original = ui.app._check_file

    def check_file(path):
        if "一份很慢的文件" in Path(path).read_text(encoding="utf-8"):  # uploads are stored under a content name
            time.sleep(12)
        return original(path)

    monkeypatch.setattr(ui.app, "_check_file", check_file)
    data = tmp_path / "data"
    slow_copy = tmp_path / "slow.txt"
    slow_copy.write_text(seed("002").read_text(encoding="utf-8") + "\n一份很慢的文件\n", encoding="utf-8")
    port = free_port()
    blocks = build(data)
    blocks.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        url = f"http://127.0.0.1:{port}"
        clients = [Client(url, verbose=False, analytics_enabled=False, download_files=False, ssl_verify=False)
                   for _ in range(2)]
        endpoint = next(name for name in clients[0].view_api(return_format="dict")["named_endpoints"]
                        if "check" in name)
        everything = [["error", "warning", "rounding", "note"], ["completeness"]]
        slow = clients[0].submit(handle_file(str(slow_copy)), None, *everything, api_name=endpoint)
        time.sleep(1)
        start = time.perf_counter()
        html, _ = clients[1].predict(handle_file(str(seed("000"))), None, *everything, api_name=endpoint)
        took = time.perf_counter() - start
        assert "昌吉回族自治州总工会" in html and not slow.done(), took
        slow.result(timeout=60)
    finally:
        blocks.close()


def test_a_pdf_that_needs_too_much_memory_is_stopped_and_the_others_are_checked(tmp_path):
    """Reading a PDF runs in a child process with an address-space cap: a page that needs more than the
    budget is that file's one line, not gigabytes taken from the machine."""
    from tests.bad_inputs import paths_pdf

    heavy = paths_pdf(tmp_path, 49_000)  # under the page-object limit, about 150 MB to lay out
    result = gouji("check", heavy, str(seed("003")), env={"GOUJI_MEMORY_LIMIT": "60"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"gouji: {heavy}: reading the PDF needed more than 60 MB of memory; skipped "
                                     "(GOUJI_MEMORY_LIMIT, in MB, to allow more)")
    assert "尉犁县总工会" in result.stdout or "003_" in result.stdout


def test_a_pdf_read_past_its_time_limit_leaves_no_reader_running(tmp_path):
    """SIGALRM cannot stop PDFium's C code, so the reading child is killed when the limit strikes."""
    import multiprocessing

    from corpus.deadline import time_limit
    from corpus.errors import InputError
    from corpus.readers import read_source
    from tests.bad_inputs import paths_pdf

    heavy = paths_pdf(tmp_path, 49_000)
    with pytest.raises(InputError, match="took longer than 0.2 s"), time_limit(heavy, 0.2):
        read_source(heavy)
    assert multiprocessing.active_children() == []


def _without_write_permission() -> tuple[str, ...]:
    """A launcher under which file modes hold: the tests run as root, and root writes anywhere unless it
    gives up CAP_DAC_OVERRIDE."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be made")
    dropped = "-dac_override,-dac_read_search"
    return ("setpriv", f"--bounding-set={dropped}", f"--inh-caps={dropped}")


def test_a_read_only_data_folder_answers_and_searches_and_index_says_it_cannot_write(tmp_path):
    data = tmp_path / "data"
    assert gouji("index", "--quiet", str(seed("003")), data=data).returncode == 0
    before = {path: path.read_bytes() for path in data.rglob("*") if path.is_file()}
    for path in [data, *data.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        reader = _without_write_permission()
        asked = gouji("ask", "尉犁县总工会的政府采购预算是多少", data=data, launcher=reader)
        assert asked.returncode == 0 and "62.60 万元" in asked.stdout, asked.stderr
        searched = gouji("search", "政府采购", data=data, launcher=reader)
        assert searched.returncode == 0 and "尉犁县总工会" in searched.stdout, searched.stderr
        indexed = gouji("index", str(seed("000")), data=data, launcher=reader)
        assert indexed.returncode == 2 and indexed.stderr.strip() == (
            f"gouji: {data}: the data folder is read-only; ask and search work, index cannot write")
    finally:
        for path in [data, *data.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
    assert {path: path.read_bytes() for path in data.rglob("*") if path.is_file()} == before


def _disk_full_at(limit: int) -> tuple[str, ...]:
    """A launcher under which no file can grow past `limit` bytes: writes then fail as on a full disk (the
    size-limit signal ignored, so a write returns an error instead of killing the process)."""
    code = ("import os, resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            "resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]),) * 2); os.execvp(sys.argv[2], sys.argv[2:])")
    return (sys.executable, "-c", code, str(limit))


@pytest.mark.parametrize("text_index", [True, False], ids=["with text index", "facts only"])
def test_a_full_disk_is_one_line_and_leaves_the_store_as_it_was(tmp_path, text_index):
    data = tmp_path / "data"
    only = () if text_index else ("--facts-only",)
    assert gouji("index", "--quiet", *only, str(seed("003")), data=data).returncode == 0
    largest = max(path.stat().st_size for path in data.rglob("*") if path.is_file())
    full = gouji("index", "--quiet", *only, str(seed("000")), str(seed("001")), data=data,
                 launcher=_disk_full_at(largest + 16_384))
    assert full.returncode == 2 and "Traceback" not in full.stderr and "internal error" not in full.stderr
    said = full.stderr.strip().splitlines()
    assert len(said) == 1 and f"{data}: cannot write (" in said[0] and "is the disk full?" in said[0]
    assert "indexed 0, unchanged 0, failed 1" in full.stdout
    assert not list(data.glob("damaged-*"))  # a full disk is not damage: nothing set aside
    asked = gouji("ask", "尉犁县总工会的政府采购预算是多少", data=data)
    assert asked.returncode == 0 and "62.60 万元" in asked.stdout
    assert "indexed 0, unchanged 1, failed 0" in gouji("index", "--quiet", *only, str(seed("003")), data=data).stdout
    if text_index:
        found = gouji("search", "昌吉回族自治州总工会 政府采购", data=data)
        assert found.returncode == 0 and "000_" not in found.stdout  # no chunks of the document that did not fit
