"""A corpus of bad inputs, made by the tests themselves from the bundled seeds and a corpus-extra PDF.

Each maker writes one file (or a '+' pair) into a folder and returns the path to pass to gouji, with what a
user must see: `refused` (exit 2, one line naming the file and the problem) or `checked` (a report, exit 0 or
1, what could not be checked counted as skipped), and a phrase the output must contain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import EXTRA, seed

REAL_PDF = EXTRA / "sh-putuo-sifaju-2026-dept-budget.pdf"


@dataclass
class BadInput:
    name: str
    make: Callable[[Path], str]
    outcome: str  # refused | checked
    says: str  # a phrase the one-line error (refused) or the report (checked) contains
    needs_pdf: bool = False


def _seed_text(prefix: str = "003") -> str:
    return seed(prefix).read_text(encoding="utf-8")


def _write(folder: Path, name: str, data: bytes | str) -> str:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


def _blank_pdf(path: Path, pages: int = 2) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    document.save(str(path))


def _encrypted_pdf(folder: Path) -> str:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(REAL_PDF))
    writer.encrypt("secret")
    path = folder / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return str(path)


def _broken_font_map(folder: Path) -> str:
    """The real PDF with every font's ToUnicode map replaced by one that maps codes to nothing useful."""
    import pypdf
    from pypdf.generic import NameObject

    writer = pypdf.PdfWriter(clone_from=str(REAL_PDF))
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            for key in ("/ToUnicode",):
                if key in font:
                    del font[NameObject(key)]
            for descendant in font.get("/DescendantFonts", []) or []:
                descendant = descendant.get_object()
                if "/ToUnicode" in descendant:
                    del descendant[NameObject("/ToUnicode")]
    path = folder / "nofontmap.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return str(path)


def paths_pdf(folder: Path, paths: int) -> str:
    """A one-page PDF of `paths` short strokes (a million compress to under 5 MB), written by hand so the
    page is exactly that: no text, no fonts."""
    import zlib

    content = b"".join(b"%d %d m %d %d l S\n" % (i % 500, i % 700, i % 500 + 5, i % 700 + 5) for i in range(paths))
    stream = zlib.compress(content, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)]
    body, offsets = b"%PDF-1.4\n", []
    for number, content_object in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content_object)
    table = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += (b"xref\n0 %d\n0000000000 65535 f \n%strailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
             % (len(objects) + 1, table, len(objects) + 1, len(body)))
    return _write(folder, f"paths-{paths}.pdf", body)


def _scanned_pdf(folder: Path) -> str:
    path = folder / "scan.pdf"
    _blank_pdf(path, 3)
    return str(path)


def _huge(folder: Path) -> str:
    path = folder / "huge.txt"
    block = _seed_text().encode("utf-8")
    with path.open("wb") as handle:
        for _ in range(100 * 1024 * 1024 // len(block) + 1):
            handle.write(block)
    return str(path)


def _no_narrative(folder: Path) -> str:
    """Only the table lines: everything from the first 表 title on, minus the prose between tables."""
    lines = _seed_text().splitlines()
    first = next(i for i, line in enumerate(lines) if re.match(r"^\s*(?:表\s*\d|.*收支总表)", line))
    kept = [line for line in lines[first:] if not re.search(r"[，。；]", line)]
    return _write(folder, "tables-only.txt", "\n".join(lines[:3] + kept))


def _no_tables(folder: Path) -> str:
    lines = _seed_text().splitlines()
    kept = [line for line in lines if re.search(r"[，。；]", line) or re.match(r"^\s*[一二三四五六七八九十]+、", line)]
    return _write(folder, "prose-only.txt", "\n".join(lines[:3] + kept))


def _non_adding(folder: Path) -> str:
    """Every figure of every table row that carries a 科目 code is changed, so no column adds up."""
    out = []
    for line in _seed_text().splitlines():
        if re.match(r"^\s*\d{3,7}\s", line):
            line = re.sub(r"\d+\.\d{2}", lambda m: f"{float(m.group()) * 1.37 + 11:.2f}", line)
        out.append(line)
    return _write(folder, "not-adding.txt", "\n".join(out))


def _script(folder: Path) -> str:
    text = _seed_text()
    marker = "。"
    at = text.index(marker, len(text) // 3)
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)><b>粗体</b>&amp;"
    return _write(folder, "script.txt", text[:at] + evil + text[at:])


def _long_lines(folder: Path) -> str:
    text = _seed_text()
    return _write(folder, "long-lines.txt", text + "\n" + "很长的一行。" * 400_000 + "\n" + "9" * 200_000 + "\n")


def _one_line(folder: Path) -> str:
    return _write(folder, "one-line.txt", _seed_text().replace("\n", " "))


def _nul_bytes(folder: Path) -> str:
    text = _seed_text()
    return _write(folder, "nul.txt", text[: len(text) // 2] + "\x00\x00" + text[len(text) // 2:])


def _many_nuls(folder: Path) -> str:
    return _write(folder, "nuls.txt", _seed_text().replace("。", "。\x00" * 30))


def _half(folder: Path) -> str:
    text = _seed_text()
    return _write(folder, "half.txt", text[: len(text) // 2])


def _cut_mid_character(folder: Path) -> str:
    data = _seed_text().encode("utf-8")
    return _write(folder, "cut.txt", data[: len(data) // 3 + 1] if data[len(data) // 3] >= 0x80 else data[: 1001])


def _gbk(folder: Path) -> str:
    return _write(folder, "gbk.txt", _seed_text().encode("gbk", errors="replace"))


def _mixed_encodings(folder: Path) -> str:
    text = _seed_text()
    half = len(text) // 2
    return _write(folder, "mixed.txt", text[:half].encode("utf-8") + text[half:].encode("gb18030"))


def _truncated_pdf(folder: Path) -> str:
    return _write(folder, "cut.pdf", REAL_PDF.read_bytes()[:60_000])


def _pdf_header_only(folder: Path) -> str:
    return _write(folder, "header.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40)


def _zip_named_pdf(folder: Path) -> str:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", _seed_text())
    return _write(folder, "archive.pdf", buffer.getvalue())


def _huge_figures(folder: Path) -> str:
    text = re.sub(r"(\d+\.\d{2})万元", lambda m: "9" * 400 + ".99万元", _seed_text(), count=5)
    return _write(folder, "huge-figures.txt", text)


def _control_characters(folder: Path) -> str:
    text = _seed_text().replace("万元", "万\u200b元", 3).replace("。", "。\u202e\u0007\u001b[31m", 5)
    return _write(folder, "controls.txt", text)


def _heading_flood(folder: Path) -> str:
    return _write(folder, "headings.txt", _seed_text() + "\n" + "一、\n（一）\n1、\n" * 30_000)


def _account_number(folder: Path) -> str:
    """A table row with a 19-digit figure (a bank account number) in it."""
    lines = _seed_text().split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("201 29 01"))
    lines[at] += " 1234567890123456789"
    return _write(folder, "account.txt", "\n".join(lines))


def _ten_million_digits(folder: Path) -> str:
    return _write(folder, "digits.txt", _seed_text() + "\n" + "9" * 10_000_000 + "\n")


def _pages_json(folder: Path, page) -> str:
    import json

    text = _seed_text()
    pages = [{"page": 1, "text": text[:3000]}, {"page": page, "text": text[3000:]}]
    return _write(folder, f"pages-{type(page).__name__}.json", json.dumps(pages, ensure_ascii=False))


def _named_pipe(folder: Path) -> str:
    import os

    os.mkfifo(folder / "pipe.txt")
    return str(folder / "pipe.txt")


def _link_to_dev_zero(folder: Path) -> str:
    (folder / "zero.txt").symlink_to("/dev/zero")
    return str(folder / "zero.txt")


BAD_INPUTS = [
    BadInput("empty file", lambda f: _write(f, "empty.txt", b""), "refused", "the file is empty"),
    BadInput("only blank lines", lambda f: _write(f, "blank.txt", b" \n\t\n\r\n"), "refused", "the file is empty"),
    BadInput("binary junk", lambda f: _write(f, "junk.txt", bytes(range(256)) * 64), "refused", "binary"),
    BadInput("no such file", lambda f: str(f / "missing.txt"), "refused", "no such file"),
    BadInput("a folder of nothing", lambda f: str((f / "empty-folder").mkdir() or f / "empty-folder"), "refused",
             "no disclosures"),
    BadInput("not a disclosure", lambda f: _write(f, "notice.txt", "会议通知：明天下午三点开会。\n请准时参加。"),
             "refused", "not a budget disclosure"),
    BadInput("broken JSON", lambda f: _write(f, "pages.json", b'[{"page": 1, "text": '), "refused", "JSON"),
    BadInput("JSON of another shape", lambda f: _write(f, "other.json", b'[{"page": 1, "words": ["x"]}]'), "refused",
             "JSON"),
    BadInput("GBK-encoded seed", _gbk, "checked", "尉犁县总工会"),
    BadInput("UTF-8 and GB18030 mixed", _mixed_encodings, "checked", "尉犁县总工会"),
    BadInput("seed cut in half", _half, "checked", "skipped"),
    BadInput("seed cut inside a character", _cut_mid_character, "checked", "skipped"),
    BadInput("truncated PDF", _truncated_pdf, "refused", "PDF", needs_pdf=True),
    BadInput("encrypted PDF", _encrypted_pdf, "refused", "encrypted", needs_pdf=True),
    BadInput("scanned PDF (no text layer)", _scanned_pdf, "refused", "no text layer"),
    BadInput("PDF with a broken font map", _broken_font_map, "refused", "font", needs_pdf=True),
    BadInput("PDF header, junk body", _pdf_header_only, "refused", "PDF"),
    BadInput("zip archive named .pdf", _zip_named_pdf, "refused", "binary"),
    BadInput("100 MB file", _huge, "refused", "too large"),
    BadInput("columns that add up nowhere", _non_adding, "checked", "GJ2"),
    BadInput("<script> and HTML in the text", _script, "checked", "尉犁县总工会"),
    BadInput("no narrative", _no_narrative, "checked", "skipped"),
    BadInput("no tables", _no_tables, "checked", "skipped"),
    BadInput("very long lines", _long_lines, "checked", "尉犁县总工会"),
    BadInput("the whole text on one line", _one_line, "checked", "skipped"),  # tables unreadable: skipped
    BadInput("a few NUL bytes", _nul_bytes, "checked", "尉犁县总工会"),
    BadInput("NUL bytes after every sentence", _many_nuls, "checked", "尉犁县总工会"),
    BadInput("400-digit figures", _huge_figures, "checked", "尉犁县总工会"),
    BadInput("control and bidi characters", _control_characters, "checked", "尉犁县总工会"),
    BadInput("30,000 empty headings", _heading_flood, "checked", "尉犁县总工会"),
    BadInput("pair with a missing half", lambda f: f"{seed('003')}+{f / 'missing.pdf'}", "refused", "no such file"),
    BadInput("a 19-digit account number in a table row", _account_number, "checked", "尉犁县总工会"),
    BadInput("a line of ten million digits", _ten_million_digits, "checked", "尉犁县总工会"),
    BadInput("per-page JSON with a page number as a string", lambda f: _pages_json(f, "2"), "refused",
             "whole number"),
    BadInput("per-page JSON with a page number null", lambda f: _pages_json(f, None), "refused", "whole number"),
    BadInput("JSON nested 100,000 deep", lambda f: _write(f, "deep.json", "[" * 100_000 + "]" * 100_000), "refused",
             "not a budget disclosure"),
    BadInput("a named pipe", _named_pipe, "refused", "not a regular file (a named pipe)"),
    BadInput("a symlink to /dev/zero", _link_to_dev_zero, "refused", "not a regular file (a device)"),
    BadInput("a PDF page of a million paths", lambda f: paths_pdf(f, 1_000_000), "refused", "too complex to read"),
    BadInput("an upper-case extension", lambda f: _write(f, "SEED.TXT", _seed_text()), "checked", "尉犁县总工会"),
    BadInput("a file whose name holds +", lambda f: _write(f, "a+b.txt", _seed_text()), "checked", "尉犁县总工会"),
]
