"""Text extracted from PDFs by other tools: plain (one PDF line per line), layout-aware markdown with
tab-separated cells, pdftotext -layout, and pdf.js-style text with page-break markers."""

from __future__ import annotations

import re

from corpus.source import Source, SourceLine

TAG = re.compile(r"</?(?:b|strong|i|em|span|br)\s*/?>", re.IGNORECASE)
MD_HEADING = re.compile(r"^(#{1,6})\s+")
PAGE_BREAK_MARKER = re.compile(r"^\s*-{2,}\s*PAGE_BREAK\s*-{2,}\s*$")
LAYOUT_GAP = re.compile(r"\S {3,}\S")
# In seeds 000–003 (a PDF-to-text export without form feeds) each page's first line starts with one space.
PAGE_LEAD = re.compile(r"^ \S")


def detect_style(lines: list[str]) -> str:
    content = [line for line in lines if line.strip()]
    if not content:
        return "plain"
    if any(PAGE_BREAK_MARKER.match(line) for line in content):
        return "pdfparse"
    tabbed = sum(1 for line in content if "\t" in line.strip())
    headings = sum(1 for line in content if MD_HEADING.match(line))
    if headings and (tabbed or any("<b>" in line for line in content)):
        return "markdown"
    gaps = sum(1 for line in content if LAYOUT_GAP.search(line))
    if gaps > 0.2 * len(content):
        return "layout"
    return "plain"


def read_text(path: str, text: str) -> Source:
    raw_lines = text.split("\n")
    style = detect_style(raw_lines)
    has_form_feeds = "\f" in text
    page_leads = sum(1 for line in raw_lines if PAGE_LEAD.match(line))
    use_page_leads = style == "plain" and not has_form_feeds and page_leads >= 3
    paged = has_form_feeds or style == "pdfparse" or use_page_leads

    page = 1
    lines: list[SourceLine] = []
    for number, raw in enumerate(raw_lines, start=1):
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        if style == "pdfparse" and PAGE_BREAK_MARKER.match(raw):
            page += 1
            lines.append(SourceLine("", number, page))
            continue
        if use_page_leads and PAGE_LEAD.match(raw) and lines and any(line.text for line in lines):
            page += 1
        lines.append(_line(raw, number, page if paged else None, style))
    return Source(path=path, style=style, text=text, lines=lines, page_count=page if paged else None)


def _line(raw: str, number: int, page: int | None, style: str) -> SourceLine:
    heading = None
    cells = None
    if style == "markdown":
        raw = TAG.sub("", raw)
        match = MD_HEADING.match(raw)
        if match:
            heading = len(match.group(1))
            raw = raw[match.end():]
        if "\t" in raw:
            cells = [cell.strip() for cell in raw.split("\t")]
            return SourceLine(" ".join(cell for cell in cells if cell), number, page, cells, heading)
    return SourceLine(raw.strip(), number, page, cells, heading)
