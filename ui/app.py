"""The web app (gradio): 问答 (chat with citations), 校核 (check a disclosure), 检索 (precedents), 概览.

Everything runs on 127.0.0.1 from the data folder; uploads are checked (extension, size, content) and copied
into DATA/uploads under a content name, reports are written to DATA/reports, gradio's upload cache is
DATA/gradio and jieba's cache DATA/cache: nothing leaves the folder. Document text is always escaped before
display, in the chat too. Many users at once: the fact store is one SQLite connection under a lock; answers
run in their own pool, so a long check never holds up the chat.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Timeout
from html import escape
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import gradio as gr

from checker.report import csv_safe
from corpus.isolated import run_isolated
from retrieval.items import concept_items
from retrieval.qa import Answer, Answerer
from retrieval.store import FactStore
from ui.housekeeping import prune

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED = {".pdf", ".txt", ".json"}
PDF_MAGIC = b"%PDF-"
TIME_LIMIT_SECONDS = 120
CHECK_NICENESS = 10  # a check's process runs at low CPU priority: chat answers come first under load
CHECK_CONCURRENCY = 3  # checks at once (each a process; one core each on this 2-core machine, plus one waiting)
CHAT_CONCURRENCY = 8  # chat events processed at once (gradio's default is 1 per event)
EXAMPLES = ["哪些部门的三公经费增加了", "尉犁县总工会的三公经费是多少", "哪个部门项目支出最多", "按增幅排呢",
            "哪个部门的人员最多", "各部门公务用车运行费", "什么是三公经费", "有哪些文字与表格矛盾",
            "上年结转里有访惠聚经费的部门"]
SEVERITIES = ["error", "warning", "rounding", "note"]
CSS = """
body, .gradio-container {font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif}
.passage .line {font: 13px/1.7 monospace; white-space: pre-wrap; padding: 0 6px}
.passage .cited {background: #fde68a}
"""


class App:
    def __init__(self, data: Path, vectors=None):
        self.data = data
        self.store = FactStore(data)
        self.vectors = vectors
        self.answerer = Answerer(self.store, vectors)
        self.answerer.reader  # noqa: B018 - the question reader is built before the first visitor asks
        self.chat_pool = ThreadPoolExecutor(max_workers=4)  # answers: milliseconds each, never behind a check
        self.caches = [data / "gradio", data / "uploads", data / "reports"]
        prune(self.caches)

    # ------------------------------------------------------------------ 问答
    def ask(self, question: str, history: list, previous: Answer | None = None):
        """One chat turn: the answer, its citations to pick, and the answer kept for the next turn, which may
        be a follow-up of this one ("那上一年呢", "按增幅排呢")."""
        question = (question or "").strip()
        if not question:
            return history, gr.update(), "", [], previous
        if len(question) > MAX_QUESTION_CHARS:
            shown = escape(question[:60], quote=False) + "…"
            return history + [{"role": "user", "content": shown},
                              {"role": "assistant", "content": f"问题太长（{len(question)} 字）：请在 {MAX_QUESTION_CHARS} 字以内提问。"}], \
                gr.update(), "", [], previous
        try:
            answer: Answer = self.chat_pool.submit(self.answerer.ask, question, previous).result(
                timeout=TIME_LIMIT_SECONDS)
        except Timeout:
            return history + [{"role": "user", "content": escape(question, quote=False)},
                              {"role": "assistant", "content": "这个问题超出了时间限制，请换一种问法。"}], gr.update(), "", [], \
                previous
        except Exception as error:  # noqa: BLE001 - a message in the page, never a traceback
            return history + [{"role": "user", "content": escape(question, quote=False)},
                              {"role": "assistant", "content": f"出错了：{type(error).__name__}。请换一种问法。"}], \
                gr.update(), "", [], previous
        lines = ([f"（理解为：{answer.completed}）"] if answer.completed else []) + [answer.answer, ""]
        choices = []
        for number, citation in enumerate(answer.citations, start=1):
            where = citation.table or citation.section or ""
            label = f"[{number}] {Path(citation.path).name} 第{citation.line}行 {where}".strip()
            lines.append(f"{label}：“{citation.quote[:60]}”")
            choices.append(label)
        # document text as text: escaped here, and the chatbot renders no markdown (a quote cannot become a link)
        history = history + [{"role": "user", "content": escape(question, quote=False)},
                             {"role": "assistant", "content": escape("\n".join(lines), quote=False)}]
        citations = [(c.path, c.line) for c in answer.citations]
        return history, gr.update(choices=choices, value=None), "", citations, answer

    def show_citation(self, choice: str | None, citations: list) -> str:
        if not choice:
            return ""
        number = int(choice.split("]")[0].strip("[")) - 1
        path, line = citations[number]
        return passage_html(Path(path), line)

    # ------------------------------------------------------------------ 校核
    def check(self, upload, picked: str | None, severities: list[str], families: list[str]):
        from checker.report import html as html_report
        from corpus import InputError

        try:
            path = self._accept(upload) if upload else (self._indexed(picked) if picked else None)
        except ValueError as error:
            return f"<p class='error'>{escape(str(error))}</p>", None
        if path is None:
            return "<p>请上传文件或从资料库中选择一份。</p>", None
        prune(self.caches, keep={path})  # the file about to be checked stays
        try:
            report = run_isolated(_check_file, str(path), seconds=TIME_LIMIT_SECONDS, niceness=CHECK_NICENESS)
        except InputError as error:
            return f"<p class='error'>{escape(str(error))}</p>", None
        except Timeout:
            return "<p class='error'>检查超出时间限制。</p>", None
        except Exception as error:  # noqa: BLE001 - a message in the page, never a traceback
            return f"<p class='error'>检查失败：{escape(type(error).__name__)}</p>", None
        files, failed = self._write_reports(report, path)
        report.findings = [f for f in report.findings if f.severity in severities and f.family in families]
        notes = "".join(f"<p class='error'>{escape(line)}</p>" for line in failed)
        return notes + html_report.render([report]), files

    def library(self) -> list[tuple[str, str]]:
        """The library as a visitor sees it: department, year, kind and file name, never a server path."""
        return [(f"{row['department'] or '?'} {row['year'] or ''} {row['kind'] or ''}（{Path(row['path']).name}）",
                 library_key(row["path"])) for row in self.store.documents()]

    def _indexed(self, picked: str) -> Path:
        """A document picked from the library: only one the fact store holds (by its key), never a path from
        outside."""
        by_key = {library_key(row["path"]): row["path"] for row in self.store.documents()}
        if picked in by_key:
            return Path(by_key[picked])
        if picked not in {row["path"] for row in self.store.documents()}:
            raise ValueError("资料库中没有这份文件。")
        return Path(picked)

    def _accept(self, upload) -> Path:
        """An upload, checked and copied into DATA/uploads under a content name (no path from outside).
        Extension, size and content are checked before anything is stored: a refused file leaves no trace."""
        source = Path(str(upload if isinstance(upload, str | os.PathLike) else upload.name))
        suffix = source.suffix.lower()
        if suffix not in ALLOWED:
            raise ValueError(f"不支持的文件类型 {suffix or '(无扩展名)'}：请上传 PDF、TXT 或 JSON。")
        try:
            size = source.stat().st_size
            content = source.read_bytes() if size <= MAX_UPLOAD_BYTES else b""
        except (OSError, ValueError) as error:  # gone, a name too long, a NUL in the name
            raise ValueError("无法读取上传的文件，请重新上传。") from error
        if size > MAX_UPLOAD_BYTES:
            raise ValueError(f"文件过大（{size / 1048576:.1f} MB），上限 {MAX_UPLOAD_BYTES // 1048576} MB。")
        if not content.strip():
            raise ValueError("文件是空的：请上传有内容的 PDF、TXT 或 JSON。")
        is_pdf = content[:1024].lstrip().startswith(PDF_MAGIC)
        if suffix == ".pdf" and not is_pdf:
            raise ValueError("文件名是 .pdf，但内容不是 PDF：请上传原始的 PDF 文件。")
        if suffix != ".pdf":
            if is_pdf:
                raise ValueError(f"文件名是 {suffix}，但内容是 PDF：请以 .pdf 上传。")
            from corpus import InputError
            from corpus.encoding import decode_text

            try:
                decode_text(content, source.name)
            except InputError as error:
                raise ValueError(f"文件名是 {suffix}，但内容不是可读的文本（二进制数据或不支持的编码）。") from error
        target = self.data / "uploads" / f"{hashlib.sha256(content).hexdigest()[:16]}{suffix}"
        if not target.exists():  # the name is the content: an existing file already holds these bytes
            _write_atomic(target, content)
        return target

    def _write_reports(self, report, path: Path) -> tuple[list[str], list[str]]:
        """Every download that can be made, and a line for each that cannot: one format failing (an annotated
        copy pypdf cannot make) never costs the findings or the other formats."""
        from checker.report import html, json, pdf, xlsx

        folder = self.data / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        stem = path.stem
        makers = {f"{stem}.json": lambda: json.render([report]).encode("utf-8"),
                  f"{stem}.html": lambda: html.render([report]).encode("utf-8"),
                  f"{stem}.xlsx": lambda: xlsx.render([report])}
        if report.document.style == "pdf":
            makers[f"{stem}.annotated.pdf"] = lambda: pdf.render([report])
        written, failed = [], []
        for name, make in makers.items():
            try:
                _write_atomic(folder / name, make())  # another user's download never sees half a file
                written.append(str(folder / name))
            except Exception as error:  # noqa: BLE001 - said beside the findings, never instead of them
                reason = str(error).split(": ", 1)[-1] if isinstance(error, ValueError) else type(error).__name__
                failed.append(f"{name.rsplit('.', 1)[-1] if not name.endswith('.annotated.pdf') else '批注 PDF'}"
                              f" 未能生成：{reason}")
        return written, failed

    # ------------------------------------------------------------------ 检索
    def search(self, query: str, year: str, department: str, kind: str, item: str = "全部"):
        query = (query or "").strip()
        if item and item != "全部":
            query = f"{item} {query}".strip()  # an item narrows the passages to those naming it
        if not query:
            return [], None
        filters = {"year": int(year) if year and year != "全部" else None,
                   "department": department if department and department != "全部" else None,
                   "kind": kind if kind and kind != "全部" else None}
        rows = []
        if self.vectors is not None and self.vectors.count():
            from retrieval.search import hybrid_search

            for passage in hybrid_search(self.vectors, query, {k: v for k, v in filters.items() if v}, k=20):
                meta = passage.metadata
                rows.append([meta["department"], meta["year"], meta["table"] or meta["section"],
                             f"{Path(meta['path']).name}:{meta['line']}", passage.page_content[:200]])
        else:
            answer = self.answerer.ask(query)
            rows = [[c.department, c.year, c.table or c.section or "", f"{Path(c.path).name}:{c.line}", c.quote]
                    for c in answer.citations]
        # one file per search, so two users searching at once each download their own results
        key = hashlib.sha256(repr((query, sorted(filters.items()))).encode("utf-8")).hexdigest()[:12]
        target = self.data / "reports" / f"search-{key}.csv"
        text = io.StringIO(newline="")
        writer = csv.writer(text)
        writer.writerow(["部门", "年度", "章节/表", "位置", "原文"])
        writer.writerows([csv_safe(value) for value in row] for row in rows)
        _write_atomic(target, text.getvalue().encode("utf-8-sig"))
        return rows, str(target)

    # ------------------------------------------------------------------ 概览
    def overview(self):
        import pandas as pd

        documents = pd.DataFrame([{"部门": d["department"], "年度": d["year"], "类型": d["kind"], "范围": d["scope"]}
                                  for d in self.store.documents()])
        values = {identifier: (fact.value, fact.citation) for identifier, fact in self.answerer.facts.amounts(
            self.answerer.lexicon.by_name["三公经费"], self.answerer.documents).items()}
        sangong = [{"部门": f"{d['department']} {d['year']}", "三公经费（万元）": values[d["id"]][0]}
                   for d in self.answerer.documents if d["id"] in values]
        findings = pd.DataFrame([dict(row) for row in self.store.query(
            "SELECT rule AS 规则, COUNT(*) AS 数量 FROM findings WHERE severity IN ('error', 'warning') GROUP BY rule")])
        return documents, pd.DataFrame(sangong or [{"部门": "", "三公经费（万元）": 0}]), \
            findings if not findings.empty else pd.DataFrame([{"规则": "", "数量": 0}])


def _write_atomic(target: Path, content: bytes) -> None:
    """Write a file whole or not at all (a temporary file beside it, then renamed over it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def passage_html(path: Path, line: int, around: int = 6) -> str:
    """The cited line in its document, highlighted, with a few lines around it (all text escaped)."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n") if path.suffix != ".pdf" else _pdf_lines(path)
    except (OSError, UnicodeDecodeError):
        return "<p>无法打开原文。</p>"
    start, end = max(1, line - around), min(len(lines), line + around)
    rows = []
    for number in range(start, end + 1):
        text = escape(lines[number - 1].replace("\f", ""))
        cls = "line cited" if number == line else "line"
        rows.append(f'<div class="{cls}" data-line="{number}">{number:>5}  {text}</div>')
    return f'<div class="passage"><b>{escape(path.name)}</b>{"".join(rows)}</div>'


def _pdf_lines(path: Path) -> list[str]:
    from corpus.readers import read_source

    return read_source(str(path)).text.split("\n")


def build(data: Path, vectors=None) -> gr.Blocks:
    app = App(data, vectors)
    documents = app.answerer.documents
    departments = ["全部"] + sorted({d["department"] for d in documents if d["department"]})
    years = ["全部"] + sorted({str(d["year"]) for d in documents if d["year"]})
    families = ["text-table", "arithmetic", "lists", "repeats", "table-internal", "cross-table", "completeness",
                "wording"]
    with gr.Blocks(title="勾稽 gouji") as blocks:
        gr.Markdown("# 勾稽 · 部门预算公开 校核与问答")
        with gr.Tab("问答"):
            chatbot = gr.Chatbot(label="问答", height=420, elem_id="chat", render_markdown=False)
            question = gr.Textbox(label="问题", placeholder="例如：哪些部门的三公经费增加了", elem_id="question")
            gr.Examples(EXAMPLES, inputs=question, label="示例问题")
            citations = gr.State([])
            last_answer = gr.State(None)  # this session's previous answer: a follow-up is completed from it
            pick = gr.Radio(label="引用（点选查看原文）", choices=[], elem_id="citations")
            passage = gr.HTML(elem_id="passage")
            question.submit(app.ask, [question, chatbot, last_answer], [chatbot, pick, question, citations, last_answer],
                            concurrency_limit=CHAT_CONCURRENCY)
            pick.change(app.show_citation, [pick, citations], passage)
        with gr.Tab("校核"):
            with gr.Row():
                upload = gr.File(label="上传 PDF 或文本（≤50 MB）", file_types=sorted(ALLOWED), elem_id="upload")
                picked = gr.Dropdown(app.library(), label="或从资料库选择", value=None)
            with gr.Row():
                severity = gr.CheckboxGroup(SEVERITIES, value=SEVERITIES, label="严重程度")
                family = gr.CheckboxGroup(families, value=families, label="规则类别")
            run = gr.Button("检查", variant="primary", elem_id="run-check")
            report = gr.HTML(elem_id="report")
            downloads = gr.File(label="下载报告（JSON / HTML / Excel 检查表 / 批注 PDF）", file_count="multiple")
            # checks run side by side, each in its own process killed at its limit
            run.click(app.check, [upload, picked, severity, family], [report, downloads],
                      concurrency_limit=CHECK_CONCURRENCY)
        with gr.Tab("检索"):
            with gr.Row():
                query = gr.Textbox(label="检索", placeholder="例如：上年结转里有访惠聚经费的部门", scale=3)
                year = gr.Dropdown(years, value="全部", label="年度")
                department = gr.Dropdown(departments, value="全部", label="部门")
                kind = gr.Dropdown(["全部", "预算", "决算"], value="全部", label="类型")
                item = gr.Dropdown(["全部", *(item.name for item in concept_items())], value="全部", label="项目")
            results = gr.Dataframe(headers=["部门", "年度", "章节/表", "位置", "原文"], wrap=True)
            export = gr.File(label="导出 CSV")
            query.submit(app.search, [query, year, department, kind, item], [results, export])
        with gr.Tab("概览"):
            table = gr.Dataframe(label="资料库")
            chart = gr.BarPlot(x="部门", y="三公经费（万元）", label="各部门三公经费")
            rules = gr.BarPlot(x="规则", y="数量", label="发现的问题（按规则）")
            blocks.load(app.overview, None, [table, chart, rules])
    return blocks


MAX_QUESTION_CHARS = 500  # a question, not a document: longer ones are refused at once with a message
def _check_file(path: str):
    """One check, as the child process of run_isolated runs it."""
    from checker.runner import check_document
    from corpus import parse_document

    return check_document(parse_document(path))


def library_key(path: str) -> str:
    """A stored document's name in the page: a digest of its path, which the page never shows."""
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:16]


# written when a first start begins indexing the bundled corpus, removed once it has all of it: a start cut
# short resumes next time
BUNDLED_STARTED = ".bundled-indexing"


def serve(data: Path, host: str, port: int, facts_only: bool = False, chroma_url: str | None = None) -> None:
    import jieba

    from corpus import __file__ as corpus_file
    from retrieval.indexer import index

    os.environ.setdefault("GRADIO_TEMP_DIR", str((data / "gradio").resolve()))  # gradio's upload cache
    store = FactStore(data)
    # jieba's dictionary cache too (by default a shared /tmp/jieba.cache it would also load from)
    jieba.dt.tmp_dir = str(data / "cache")
    (data / "cache").mkdir(exist_ok=True)
    vectors = None
    if not facts_only:
        from retrieval.vectors import VectorIndex

        vectors = VectorIndex(data, url=chroma_url)  # on the Chroma server when given, else data/chroma
    stored = [row["path"] for row in store.documents()]
    # the bundled corpus on a first start, and until that start has it all; after a --facts-only start, the
    # text index for what is stored
    started = data / BUNDLED_STARTED
    if not stored:
        started.write_text("a first start is indexing the bundled corpus\n", encoding="utf-8")
    bundled = started.exists()  # a first start, or one cut short (a folder indexed by its user is left alone)
    paths = [str(Path(corpus_file).parent / "samples")] if bundled else []
    if vectors is not None and stored and vectors.count() == 0:
        paths += stored
    if paths:
        from retrieval.datafolder import one_writer

        print(f"正在索引 {'内置资料' if bundled else '已存的资料'} …", flush=True)
        with one_writer(data):
            result = index(paths, store, progress=lambda path: print(f"  {Path(path).name}", flush=True),
                           vectors=vectors)
        print(f"已索引 {len(result.indexed)} 份，未变 {len(result.skipped)} 份。", flush=True)
        if bundled and not result.failed:
            started.unlink()
    build(data, vectors).launch(server_name=host, server_port=port, share=False, css=CSS,
                                allowed_paths=[str(data / "reports")], max_file_size=MAX_UPLOAD_BYTES)
