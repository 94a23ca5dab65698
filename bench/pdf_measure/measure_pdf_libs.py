"""Measure PDF text / table extraction options for gouji on the corpus-extra budget PDFs.

Run from /work/main:  .venv/bin/python bench/pdf_measure/measure_pdf_libs.py [--corpus DIR]
Prints markdown tables (per document and totals). Single process; timings are wall clock.
"""
from __future__ import annotations

import argparse
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import TableFinder

NUM = re.compile(r"\d[\d,]*(?:\.\d+)?")
ONLY_NUMS = re.compile(r"^[\d,.\s%-]+$")
PROSE = re.compile(r"[，。；]|万元|万 元")
SUSPECT = {  # characters that signal a broken ToUnicode map
    "private-use": re.compile(r"[\ue000-\uf8ff]"),
    "(cid:)": re.compile(r"\(cid:\d+\)"),
    "U+FFFD": re.compile("\ufffd"),
    "kangxi/radicals": re.compile(r"[\u2e80-\u2fdf]"),
    "cjk-compat": re.compile(r"[\uf900-\ufaff]"),
}
TEXT_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text"}
MIN_PATHS = 8  # cheap detector: a page with this many vector path objects probably holds a ruled table

Grid = list[list[str | None]]


def nums(text: str) -> list[str]:
    return [t.rstrip(",") for t in NUM.findall(text)]


@dataclass
class PageTables:
    grids: list[Grid]
    row_boxes: list[list[tuple[float, float]]]  # per grid, (top, bottom) of each row in pdfplumber coordinates


@dataclass
class PdfLine:
    top: float
    bottom: float
    text: str


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


# ---------------------------------------------------------------- extractors (one fresh open each)
def pl_text(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def pl_lines(path: Path) -> list[list[dict[str, Any]]]:
    with pdfplumber.open(path) as pdf:
        return [p.extract_text_lines() for p in pdf.pages]


def tables_of(page: Any, settings: dict[str, Any] | None = None) -> PageTables:
    return tables_of_finder(TableFinder(page, settings or {}))


def pl_tables(path: Path, pages: list[int] | None = None, settings: dict[str, Any] | None = None) -> dict[int, PageTables]:
    with pdfplumber.open(path) as pdf:
        wanted = range(len(pdf.pages)) if pages is None else pages
        return {i: tables_of(pdf.pages[i], settings) for i in wanted}


def pl_text_and_tables(path: Path) -> list[tuple[str, PageTables]]:
    with pdfplumber.open(path) as pdf:
        return [(p.extract_text() or "", tables_of(p)) for p in pdf.pages]


def pdfium_text(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(path)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def page_lines(page: Any) -> list[PdfLine]:
    """pypdfium2 text split at its own line breaks, each line with its vertical extent (top-down)."""
    tp = page.get_textpage()
    text, rot = tp.get_text_range(), page.get_rotation()
    x0, y0, x1, y1 = page.get_mediabox()
    lines, start = [], 0
    for chunk in text.split("\r\n"):
        boxes = [tp.get_charbox(i) for i in range(start, start + len(chunk)) if not chunk[i - start].isspace()]
        start += len(chunk) + 2
        if not boxes:
            continue
        lo, hi = (min(b[k] for b in boxes) for k in (0, 1)), (max(b[k] for b in boxes) for k in (2, 3))
        (left, bottom), (right, top) = lo, hi
        extent = {0: (y1 - top, y1 - bottom), 90: (left - x0, right - x0), 180: (bottom - y0, top - y0), 270: (x1 - right, x1 - left)}
        lines.append(PdfLine(*extent[rot], chunk))
    return lines


def path_count(page: Any) -> int:
    return sum(1 for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,)))


def pdfium_lines(path: Path) -> list[list[PdfLine]]:
    doc = pdfium.PdfDocument(path)
    try:
        return [page_lines(doc[i]) for i in range(len(doc))]
    finally:
        doc.close()


def combo(path: Path) -> tuple[list[list[PdfLine]], dict[int, PageTables]]:
    """pypdfium2 lines for every page; pdfplumber (lines strategy) only on pages with many path objects."""
    doc = pdfium.PdfDocument(path)
    try:
        lines = [page_lines(doc[i]) for i in range(len(doc))]
        ruled = [i for i in range(len(doc)) if path_count(doc[i]) >= MIN_PATHS]
    finally:
        doc.close()
    return lines, pl_tables(path, ruled)


@dataclass
class LitePage:
    """Just what pdfplumber's TableFinder / Table.extract read from a page, filled from pypdfium2."""
    bbox: tuple[float, float, float, float]
    chars: list[dict[str, Any]]
    edges: list[dict[str, Any]]


def to_display(box: tuple[float, float, float, float], rot: int, mb: tuple[float, ...]) -> tuple[float, float, float, float]:
    """PDF user-space (left, bottom, right, top) -> pdfplumber (x0, top, x1, bottom) of the rotated page."""
    l, b, r, t = box
    x0, y0, x1, y1 = mb
    return {0: (l - x0, y1 - t, r - x0, y1 - b), 90: (b - y0, l - x0, t - y0, r - x0),
            180: (x1 - r, b - y0, x1 - l, t - y0), 270: (y1 - t, x1 - r, y1 - b, x1 - l)}[rot]


def edge(x0: float, top: float, x1: float, bottom: float, orientation: str) -> dict[str, Any]:
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": orientation, "object_type": "line"}


def lite_page(page: Any) -> LitePage:
    rot, mb = page.get_rotation(), page.get_mediabox()
    tp = page.get_textpage()
    chars = []
    for i, ch in enumerate(tp.get_text_range()):
        if not ch.isspace():
            x0, top, x1, bottom = to_display(tp.get_charbox(i, loose=True), rot, mb)
            chars.append({"text": ch, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "upright": True})
    edges: list[dict[str, Any]] = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,)):  # corpus paths are single lines or rectangles
        x0, top, x1, bottom = to_display(obj.get_bounds(), rot, mb)
        if x1 - x0 < 3:
            edges.append(edge((x0 + x1) / 2, top, (x0 + x1) / 2, bottom, "v"))
        elif bottom - top < 3:
            edges.append(edge(x0, (top + bottom) / 2, x1, (top + bottom) / 2, "h"))
        else:
            edges += [edge(x0, top, x1, top, "h"), edge(x0, bottom, x1, bottom, "h"),
                      edge(x0, top, x0, bottom, "v"), edge(x1, top, x1, bottom, "v")]
    return LitePage((0, 0, *page.get_size()), chars, edges)


def char_lines(chars: list[dict[str, Any]]) -> list[PdfLine]:
    """Group chars into lines by vertical overlap (not by pypdfium2's own line breaks), left to right."""
    lines: list[list[dict[str, Any]]] = []
    for ch in sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2):
        mid = (ch["top"] + ch["bottom"]) / 2
        if lines and lines[-1][0]["top"] <= mid <= lines[-1][0]["bottom"]:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        text = "".join(("" if not i or c["x0"] - line[i - 1]["x1"] < 2 else " ") + c["text"] for i, c in enumerate(line))
        out.append(PdfLine(min(c["top"] for c in line), max(c["bottom"] for c in line), text))
    return out


def pdfium_only(path: Path) -> tuple[list[list[PdfLine]], dict[int, PageTables]]:
    """pypdfium2 chars and ruling paths; pdfplumber's grid logic (TableFinder) run on them, no pdfminer parse."""
    doc = pdfium.PdfDocument(path)
    lines, tables = [], {}
    try:
        for i in range(len(doc)):
            lp = lite_page(doc[i])
            lines.append(char_lines(lp.chars))
            if len(lp.edges) >= MIN_PATHS:
                tables[i] = tables_of_finder(TableFinder(lp, {}))
    finally:
        doc.close()
    return lines, tables


def tables_of_finder(finder: TableFinder) -> PageTables:
    found = finder.tables
    return PageTables([t.extract() for t in found], [[(r.bbox[1], r.bbox[3]) for r in t.rows] for t in found])


def same_cells(a: dict[int, PageTables], b: dict[int, PageTables]) -> Counter:
    """Cell-by-cell agreement of two table extractions (whitespace ignored), for grids of equal shape."""
    c: Counter = Counter()
    squash = lambda s: s if s is None else "".join(s.split())
    for i, pa in a.items():
        ga, gb = [g for g in pa.grids if real(g)], [g for g in b.get(i, PageTables([], [])).grids if real(g)]
        c["grids"] += len(ga)
        for x, y in zip(ga, gb):
            if [len(r) for r in x] != [len(r) for r in y]:
                continue
            c["same_shape"] += 1
            pairs = [(p, q) for rx, ry in zip(x, y) for p, q in zip(rx, ry)]
            c["cells"] += len(pairs)
            c["same"] += sum(squash(p) == squash(q) for p, q in pairs)
            c["num_diff"] += sum(squash(p) != squash(q) and bool(nums((p or "") + (q or ""))) for p, q in pairs)
    return c


# ---------------------------------------------------------------- metrics
def real(grid: Grid) -> bool:
    return len(grid) >= 2 and len(grid[0]) >= 2


def table_lines(txt_page: str) -> list[str]:
    """Table-like lines of a .txt page: at least two numbers and no sentence punctuation or 万元 (narrative)."""
    return [ln for ln in txt_page.splitlines() if len(nums(ln)) >= 2 and not PROSE.search(ln)]


def table_tokens(txt_page: str) -> list[str]:
    return [n for line in table_lines(txt_page) for n in nums(line)]


def coverage(tokens: list[str], grids: list[Grid]) -> int:
    have = Counter(n for g in grids for row in g for cell in row if cell for n in nums(cell))
    hit = 0
    for tok in tokens:
        if have[tok] > 0:
            have[tok] -= 1
            hit += 1
    return hit


def grid_stats(grids: list[Grid]) -> Counter:
    c: Counter = Counter()
    for g in grids:
        c["rows"] += len(g)
        for row in g:
            for cell in row:
                c["cells"] += 1
                if cell is None:
                    c["none"] += 1
                elif cell == "":
                    c["empty"] += 1
                elif ONLY_NUMS.match(cell) and len(nums(cell)) >= 2:
                    c["multi_num"] += 1
    return c


def norm_lines(text: str) -> list[str]:
    return [s for s in (re.sub(r"\s+", "", ln) for ln in text.splitlines()) if s]


def order_stats(ref: str, other: str) -> Counter:
    """Compare pypdfium2 page text with pdfplumber extract_text of the same page."""
    a, b = norm_lines(ref), norm_lines(other)
    ca, cb = Counter("".join(a)), Counter("".join(b))
    pool = Counter(b)
    same = sum(1 for ln in a if pool[ln] > 0 and not pool.subtract([ln]))
    return Counter(pages=1, identical=int(a == b), lines=len(a), line_hits=same,
                   chars=sum(ca.values()), char_hits=sum((ca & cb).values()))


def row_map(tables: dict[int, PageTables], lines: list[list[PdfLine]]) -> Counter:
    """Can each numeric table row be found in the pypdfium2 line(s) whose centre lies inside the row?"""
    c: Counter = Counter()
    for i, pt in tables.items():
        pairs = [pair for g, boxes in zip(pt.grids, pt.row_boxes) if real(g) for pair in zip(g, boxes)]
        for row, (top, bottom) in pairs:
            if not any(cell and nums(cell) for cell in row):
                continue
            hit = [ln for ln in lines[i] if top - 1 <= (ln.top + ln.bottom) / 2 <= bottom + 1]
            want = Counter(n for cell in row if cell for n in nums(cell))
            c["rows"] += 1
            c["one_line"] += len(hit) == 1
            c["ok"] += not (want - Counter(n for ln in hit for n in nums(ln.text)))
    return c


def suspects(text: str) -> Counter:
    return Counter({k: len(rx.findall(text)) for k, rx in SUSPECT.items() if rx.search(text)})


# ---------------------------------------------------------------- driver
@dataclass
class Doc:
    stem: str
    pdfs: list[Path]
    txt: list[str] = field(default_factory=list)
    c: Counter = field(default_factory=Counter)
    t: Counter = field(default_factory=Counter)  # seconds per method
    notes: set[str] = field(default_factory=set)


def find_docs(corpus: Path) -> list[Doc]:
    groups: dict[str, list[Path]] = defaultdict(list)
    for pdf in sorted(corpus.glob("*.pdf")):
        groups[pdf.name.removesuffix(".pdf").removesuffix(".narrative").removesuffix(".tables")].append(pdf)
    docs = []
    for stem, pdfs in groups.items():
        pdfs.sort(key=lambda p: ".tables." in p.name)  # narrative first, as in the .txt
        txt = (corpus / f"{stem}.txt").read_text(encoding="utf-8")
        docs.append(Doc(stem, pdfs, [p.strip("\n") for p in txt.split("\f")]))
    return docs


def measure(doc: Doc) -> None:
    offset = 0
    for path in doc.pdfs:
        pdoc = pdfium.PdfDocument(path)
        n = len(pdoc)
        if pdfium_c.FPDF_GetSecurityHandlerRevision(pdoc.raw) != -1:
            doc.notes.add("encrypted")
        doc.c["no_text_pages"] += sum(pdoc[i].get_textpage().count_chars() == 0 for i in range(n))
        pdoc.close()
        txt = doc.txt[offset:offset + n]
        offset += n
        doc.c["pages"] += n
        for name, fn in [("pl_text", pl_text), ("pl_lines", pl_lines), ("pl_tables", pl_tables),
                         ("pl_text+tables", pl_text_and_tables), ("pdfium_text", pdfium_text),
                         ("pdfium_lines", pdfium_lines), ("combo", combo), ("pdfium_only", pdfium_only)]:
            secs, out = timed(lambda fn=fn, path=path: fn(path))
            doc.t[name] += secs
            if name == "pl_tables":
                tables: dict[int, PageTables] = out
            elif name == "pdfium_text":
                ptext: list[str] = out
            elif name == "combo":
                plines, ctables = out
            elif name == "pdfium_only":
                clines, otables = out
        # tables: lines strategy on every page; coverage is measured on pages with a ruled grid, and pages
        # with >= 5 table-like .txt lines but no grid are counted as candidates for unruled tables
        table_pages = [i for i, pt in tables.items() if any(real(g) for g in pt.grids)]
        doc.c["unruled_pages"] += sum(1 for i in tables if i not in table_pages and len(table_lines(txt[i])) >= 5)
        doc.c["table_pages"] += len(table_pages)
        doc.c["tables"] += sum(real(g) for pt in tables.values() for g in pt.grids)
        doc.c.update(grid_stats([g for pt in tables.values() for g in pt.grids if real(g)]))
        text_tables = pl_tables(path, table_pages, TEXT_SETTINGS)
        for i in table_pages:
            toks = table_tokens(txt[i])
            doc.c["tokens"] += len(toks)
            doc.c["hit_lines"] += coverage(toks, [g for g in tables[i].grids if real(g)])
            doc.c["hit_text"] += coverage(toks, text_tables[i].grids)
            doc.c["hit_pdfium"] += coverage(toks, [g for g in otables.get(i, PageTables([], [])).grids if real(g)])
        text_grids = [g for i in table_pages for g in text_tables[i].grids]
        doc.c.update({f"text_{k}": v for k, v in grid_stats(text_grids).items()})
        # detector recall: pages with a real ruled grid that the path-count detector skipped
        doc.c["detected"] += len(ctables)
        doc.c["missed_by_detector"] += sum(1 for i in table_pages if i not in ctables)
        doc.c.update({f"map_{k}": v for k, v in row_map(ctables, plines).items()})
        doc.c.update({f"cmap_{k}": v for k, v in row_map(ctables, clines).items()})
        doc.c.update({f"same_{k}": v for k, v in same_cells(tables, otables).items()})
        for i in range(n):  # text order and suspicious characters, page by page
            doc.c.update({f"ord_{k}": v for k, v in order_stats(txt[i], ptext[i]).items()})
            doc.c.update({f"cord_{k}": v for k, v in order_stats(txt[i], "\n".join(ln.text for ln in clines[i])).items()})
            doc.c.update({f"pl_{k}": v for k, v in suspects(txt[i]).items()})
            doc.c.update({f"pdfium_{k}": v for k, v in suspects(ptext[i]).items()})


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}" if b else "-"


def report(docs: list[Doc]) -> None:
    methods = ["pl_text", "pl_lines", "pl_tables", "pl_text+tables", "pdfium_text", "pdfium_lines", "combo", "pdfium_only"]
    total_c, total_t = sum((d.c for d in docs), Counter()), sum((d.t for d in docs), Counter())
    print("## Speed, ms per page (single process)\n")
    print("| document | pages | " + " | ".join(methods) + " |")
    print("|---|---:|" + "---:|" * len(methods))
    for d in docs + [Doc("**TOTAL**", [], c=total_c, t=total_t)]:
        print(f"| {d.stem} | {d.c['pages']} | " + " | ".join(f"{1000 * d.t[m] / d.c['pages']:.1f}" for m in methods) + " |")
    print("\nSeconds per 25 pages (corpus mean): " + ", ".join(f"{m} {25 * total_t[m] / total_c['pages']:.2f}" for m in methods))
    for m in ("pl_text+tables", "combo", "pdfium_only"):
        worst = max(docs, key=lambda d: d.t[m] / d.c["pages"])
        print(f"Slowest document for {m}: {worst.stem} {25 * worst.t[m] / worst.c['pages']:.2f} s / 25 pages")

    print("\n## Tables (pdfplumber lines strategy, grids with >=2 rows and >=2 columns)\n")
    print("| document | ruled pages | table-like pages without grid | tables | rows | cells | '' | None | multi-number cells "
          "| numeric tokens | % in a cell (lines) | % in a cell (text strategy) | text-strategy multi-number cells "
          "| detector pages | ruled pages missed | % in a cell (pdfium_only grid) | pdfium_only cells = pdfplumber % | numeric cells differing |")
    print("|---|" + "---:|" * 17)
    for d in docs + [Doc("**TOTAL**", [], c=total_c)]:
        c = d.c
        print(f"| {d.stem} | {c['table_pages']} | {c['unruled_pages']} | {c['tables']} | {c['rows']} | {c['cells']} | {c['empty']} "
              f"| {c['none']} | {c['multi_num']} | {c['tokens']} | {pct(c['hit_lines'], c['tokens'])} | {pct(c['hit_text'], c['tokens'])} "
              f"| {c['text_multi_num']} | {c['detected']} | {c['missed_by_detector']} | {pct(c['hit_pdfium'], c['tokens'])} "
              f"| {pct(c['same_same'], c['same_cells'])} | {c['same_num_diff']} |")

    print("\n## pypdfium2 text vs pdfplumber extract_text (.txt), whitespace removed\n")
    print("| document | pages | identical pages % | .txt lines found as a pdfium line % | same, pdfium chars grouped by y % "
          "| chars shared % | table rows found in pdfium line(s) at row y % | same, lines grouped by y % | no-text pages "
          "| suspect chars (.txt) | suspect chars (pdfium) | notes |")
    print("|---|" + "---:|" * 10 + "---|")
    for d in docs + [Doc("**TOTAL**", [], c=total_c)]:
        c = d.c
        sus = {src: ", ".join(f"{k} {c[f'{src}_{k}']}" for k in SUSPECT if c[f"{src}_{k}"]) or "0" for src in ("pl", "pdfium")}
        print(f"| {d.stem} | {c['ord_pages']} | {pct(c['ord_identical'], c['ord_pages'])} | {pct(c['ord_line_hits'], c['ord_lines'])} "
              f"| {pct(c['cord_line_hits'], c['cord_lines'])} | {pct(c['ord_char_hits'], c['ord_chars'])} "
              f"| {pct(c['map_ok'], c['map_rows'])} | {pct(c['cmap_ok'], c['cmap_rows'])} | {c['no_text_pages']} | {sus['pl']} | {sus['pdfium']} | {', '.join(sorted(d.notes))} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=Path("/work/shared/corpus-extra"))
    args = ap.parse_args()
    docs = find_docs(args.corpus)
    for d in docs:
        measure(d)
    report(docs)


if __name__ == "__main__":
    main()
