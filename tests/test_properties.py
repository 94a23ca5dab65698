"""Property tests: what a PDF-to-text step does to prose (re-wrapping, page numbers between lines,
full-width digits, thousands separators) must not change the claims read or the findings reported."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import seed

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
PAGE_NUMBERS = ["- {n} -", "{n}", "第 {n} 页", "— {n} —", "第{n}页 共30页"]


def _check(text: str, folder: Path):
    from checker.runner import check_document
    from corpus import parse_document

    path = folder / "variant.txt"
    path.write_text(text, encoding="utf-8")
    report = check_document(parse_document(str(path)))
    return report


def _plain(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").replace(",", "").replace(" ", "")


def signature(report) -> tuple[Counter, list]:
    """Findings without their line numbers (the transformations move lines), figures normalised."""
    findings = Counter((f.rule, f.severity, _plain(f.stated), _plain(f.expected)) for f in report.findings)
    claims = [(claim.kind, claim.value) for statement in report.statements for claim in statement.claims]
    return findings, claims


@cache
def _base(prefix: str):
    text = seed(prefix).read_text(encoding="utf-8")
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        report = _check(text, Path(scratch))
        blocks = _paragraph_blocks(report.document)
        return text, blocks, signature(report)


def _paragraph_blocks(document) -> list[tuple[int, int]]:
    """(first line, last line) of every narrative paragraph that spans several source lines."""
    from checker.claims import _paragraphs

    blocks = []
    for *_, paragraph in _paragraphs(document):
        lines = sorted({line for _, line, _ in paragraph.line_map})
        if len(lines) > 1 and lines[-1] - lines[0] < 3 * len(lines):
            blocks.append((lines[0], lines[-1]))
    return blocks


def _rewrite(text: str, blocks: list[tuple[int, int]], change) -> str:
    """Apply `change(list of the paragraph's lines) -> new lines` to each narrative paragraph."""
    lines = text.split("\n")
    for first, last in sorted(blocks, reverse=True):
        block = [line for line in lines[first - 1:last] if line.strip()]
        new = change(block)
        lines[first - 1:last] = [piece for line in new for piece in (line, "")][:-1]
    return "\n".join(lines)


def _wrap(width: int):
    def change(block: list[str]) -> list[str]:
        joined = "".join(line.strip() for line in block)
        return [joined[i:i + width] for i in range(0, len(joined), width)]
    return change


@SETTINGS
@given(width=st.integers(min_value=24, max_value=60), prefix=st.sampled_from(["003", "001"]))
def test_rewrapping_prose_keeps_findings(tmp_path, width, prefix):
    text, blocks, expected = _base(prefix)
    assert signature(_check(_rewrite(text, blocks, _wrap(width)), tmp_path)) == expected


@SETTINGS
@given(data=st.data(), prefix=st.sampled_from(["003", "001"]))
def test_page_numbers_between_lines_keep_findings(tmp_path, data, prefix):
    text, blocks, expected = _base(prefix)
    style = data.draw(st.sampled_from(PAGE_NUMBERS))
    every = data.draw(st.integers(min_value=1, max_value=4))
    counter = iter(range(2, 10_000))

    def change(block: list[str]) -> list[str]:
        out = []
        for i, line in enumerate(block):
            out.append(line)
            if i < len(block) - 1 and i % every == 0:
                out += ["\f", style.format(n=next(counter))]  # a page break and the next page's number
        return out

    assert signature(_check(_rewrite(text, blocks, change), tmp_path)) == expected


@SETTINGS
@given(share=st.floats(min_value=0.1, max_value=1.0), prefix=st.sampled_from(["003", "001"]))
def test_full_width_digits_keep_findings(tmp_path, share, prefix):
    text, blocks, expected = _base(prefix)
    picked = blocks[: max(1, int(len(blocks) * share))]
    variant = _rewrite(text, picked, lambda block: [line.translate(FULL_WIDTH) for line in block])
    assert variant != text
    assert signature(_check(variant, tmp_path)) == expected


@SETTINGS
@given(prefix=st.sampled_from(["003", "001", "000"]), full_width=st.booleans())
def test_thousands_separators_keep_findings(tmp_path, prefix, full_width):
    text, blocks, expected = _base(prefix)

    def separate(match: re.Match) -> str:
        whole, rest = match.group(1), match.group(2) or ""
        return f"{int(whole):,}{rest}"

    def change(block: list[str]) -> list[str]:
        out = [re.sub(r"(?<![\d.,])(\d{4,})(\.\d+)?(?=\s*(?:万元|元|%))", separate, line) for line in block]
        return [line.translate(FULL_WIDTH) for line in out] if full_width else out

    variant = _rewrite(text, blocks, change)
    assert signature(_check(variant, tmp_path)) == expected
