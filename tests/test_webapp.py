"""The web app in a real browser: Playwright (pip) driving Debian's Chromium (/usr/bin/chromium, installed
by `make test`). Asks a question and sees a cited answer, opens a citation, uploads a seed and sees a
highlighted finding. Screenshots go to tests/screenshots/."""

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.load_bench import start_server
from tests.conftest import ROOT, seed

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "tests" / "screenshots"
needs_browser = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (make test does)")


@contextmanager
def browser_page(url: str):
    """A page of Debian's headless Chromium on the app at `url`, ready once the chat box is there."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.dialogs = []  # every alert/confirm/prompt the page opens
            page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(url)
            page.wait_for_selector("#question textarea", timeout=60000)
            yield page
        finally:
            browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("app")
    with start_server(data) as url:
        yield url, data


@pytest.fixture(scope="module")
def page(server):
    with browser_page(server[0]) as page:
        yield page


@needs_browser
def test_chat_answer_with_citations_and_open_one(page):
    page.fill("#question textarea", "哪些部门的三公经费增加了")
    page.press("#question textarea", "Enter")
    page.wait_for_selector("#chat >> text=没有部门的三公经费增加", timeout=60000)
    page.screenshot(path=str(SHOTS / "chat.png"), full_page=True)
    page.locator("#citations label").first.click()
    cited = page.wait_for_selector("#passage .cited", timeout=30000)
    assert "三公" in cited.inner_text()
    page.screenshot(path=str(SHOTS / "citation.png"), full_page=True)


@needs_browser
def test_a_follow_up_is_completed_from_the_question_before(page):
    page.fill("#question textarea", "哪个部门项目支出最多")
    page.press("#question textarea", "Enter")
    page.wait_for_selector("#chat >> text=项目支出最多的是昌吉回族自治州人民政府办公室", timeout=60000)
    page.fill("#question textarea", "那基本支出呢")
    page.press("#question textarea", "Enter")
    # the chat shows how it read the follow-up, and answers that question, not another
    page.wait_for_selector("#chat >> text=理解为", timeout=60000)
    page.wait_for_selector("#chat >> text=基本支出最多的是", timeout=60000)
    page.screenshot(path=str(SHOTS / "follow-up.png"), full_page=True)


def test_chat_keeps_each_sessions_previous_question(tmp_path):
    """The chat handler completes a follow-up from the answer it is handed (gradio keeps it per session), and
    a question that is no follow-up is read alone."""
    from retrieval.indexer import index
    from retrieval.store import FactStore
    from tests.conftest import SAMPLES
    from ui.app import App

    index([str(SAMPLES)], FactStore(tmp_path))
    app = App(tmp_path)
    history, _, _, _, first = app.ask("尉犁县总工会2025年一般公共预算拨款比上年增加了多少", [])
    assert "1.43" in history[-1]["content"] and first.query.measure == "change_amount"
    history, _, _, _, second = app.ask("克州总工会呢", history, first)
    assert second.query.followup and second.query.measure == "change_amount" and second.query.item == "一般公共预算"
    assert "理解为" in history[-1]["content"] and "115.10" in history[-1]["content"]
    _, _, _, _, other = app.ask("什么是三公经费", history, second)
    assert not other.query.followup and other.intent == "definition"


@needs_browser
def test_upload_a_seed_and_see_a_highlighted_finding(page):
    page.get_by_role("tab", name="校核").click()
    page.set_input_files("#upload input[type=file]", str(seed("002")))
    page.wait_for_timeout(1500)
    page.click("#run-check")
    page.wait_for_selector("#report >> text=资金分配情况各项之和 39.50 万元", timeout=120000)
    highlighted = page.locator('#report .line[style*="background:#f8c4c4"]')
    assert highlighted.count() >= 1
    assert "预算安排规模" in highlighted.first.inner_text()
    page.screenshot(path=str(SHOTS / "check.png"), full_page=True)


@needs_browser
def test_uploads_stay_in_the_data_folder(page, server):
    data = server[1]
    assert any((data / "uploads").glob("*.txt"))
    assert all(path.parent == data / "uploads" for path in (data / "uploads").iterdir())


def test_upload_checks_type_and_size_before_anything_is_stored(tmp_path):
    from ui.app import MAX_UPLOAD_BYTES, App

    app = App(tmp_path / "data")
    script = tmp_path / "evil.exe"
    script.write_bytes(b"MZ")
    with pytest.raises(ValueError, match="不支持的文件类型 .exe"):
        app._accept(str(script))
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)
    with pytest.raises(ValueError, match="文件过大"):
        app._accept(str(big))
    assert not (tmp_path / "data" / "uploads").exists()
    html, files = app.check(str(script), None, ["error"], ["lists"])
    assert "不支持的文件类型" in html and files is None
