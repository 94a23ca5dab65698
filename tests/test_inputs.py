"""Input forms and bad input: detected from content, one clear line and exit 2 for what cannot be read."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT, seed

GOUJI = [sys.executable, "-m", "ui.cli"]


def run_parse(*paths: str) -> subprocess.CompletedProcess:
    return subprocess.run([*GOUJI, "parse", *paths], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)


def test_gbk_and_bom_encodings_read_like_utf8(tmp_path):
    from corpus import parse_document

    text = seed("003").read_text(encoding="utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    reference = parse_document(str(seed("003")))
    for path in (gbk, bom):
        document = parse_document(str(path))
        assert document.metadata.department == "尉犁县总工会"
        assert [(t.kind, len(t.rows)) for t in document.tables] == [(t.kind, len(t.rows)) for t in reference.tables]


def _blank_pdf(path, pages=2):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    document.save(str(path))


@pytest.mark.parametrize("name, content, problem", [
    ("empty.txt", b"", "the file is empty"),
    ("spaces.txt", b"  \n\n ", "the file is empty"),
    ("junk.bin", bytes(range(256)) * 20, "binary data"),
    ("note.txt", "会议通知：明天下午三点开会。".encode(), "not a budget disclosure"),
    ("broken.pdf", b"%PDF-1.7\n1 0 obj <<>>\n", "not a readable PDF"),
    ("pages.json", b'[{"page": 1, "text": ', "invalid JSON"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content)
    result = run_parse(str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"gouji: {path}") and problem in result.stderr


def test_pdf_without_text_layer(tmp_path):
    path = tmp_path / "scan.pdf"
    _blank_pdf(path)
    result = run_parse(str(path))
    assert result.returncode == 2 and "no text layer" in result.stderr


def test_encrypted_pdf(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    source = tmp_path / "plain.pdf"
    _blank_pdf(source, 1)
    reader = pypdf.PdfReader(str(source))
    writer = pypdf.PdfWriter()
    writer.append(reader)
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    result = run_parse(str(path))
    assert result.returncode == 2 and "encrypted" in result.stderr


def test_truncated_pdf(tmp_path):
    from tests.conftest import EXTRA

    original = EXTRA / "sh-putuo-sifaju-2026-dept-budget.pdf"
    if not original.exists():
        pytest.skip("corpus-extra not available")
    path = tmp_path / "cut.pdf"
    path.write_bytes(original.read_bytes()[:40_000])
    result = run_parse(str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_good_and_bad_files_together_still_print_the_good_one(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    result = run_parse(str(seed("000")), str(bad))
    assert result.returncode == 2
    assert "昌吉回族自治州总工会" in result.stdout and "empty" in result.stderr


def test_json_output_has_cells_with_lines():
    import json

    result = run_parse("--format", "json", str(seed("000")))
    data = json.loads(result.stdout)
    table3 = next(t for t in data["tables"] if t["kind"] == "支出总表")
    row = next(r for r in table3["rows"] if r["code"] == "2012906")
    assert [(c["column"], c["printed"], c["line"]) for c in row["cells"]] == [("合计", "180.00", 324), ("项目支出", "180.00", 324)]
    assert data["metadata"]["department"] == "昌吉回族自治州总工会"


def test_parse_does_not_import_heavy_packages():
    code = (f"import sys; from ui.cli import main; main(['parse', {str(seed('000'))!r}]);"
            "heavy = [m for m in ('chromadb', 'gradio', 'langchain', 'langchain_core', 'spacy', 'torch') if m in sys.modules];"
            "sys.stderr.write(repr(heavy))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert result.stderr.strip() == "[]"
