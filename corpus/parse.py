"""parse_document: file(s) in, Document out."""

from __future__ import annotations

import re

from corpus.errors import InputError
from corpus.metadata import extract_metadata
from corpus.model import Document, Span
from corpus.narrative import NarrativeBuilder
from corpus.readers import read_sources
from corpus.segment import TableBlock, segment
from corpus.tables import DocumentContext, build_table
from corpus.vocab import vocabulary

_BUDGET_WORDS = re.compile(r"预算|决算")


def _build_order(blocks: list[TableBlock]) -> list[TableBlock]:
    """The 收支总表 first (it tells which funds have money), then the tables whose totals others
    refer to (表6, 表7 for 表5), then the rest, each group in document order."""
    vocab = vocabulary()
    referenced = {kind for spec in vocab.tables.values() for kind in spec.column_totals.values()}

    def rank(block: TableBlock) -> int:
        if block.kind == "收支总表":
            return 0
        return 1 if block.kind in referenced else 2

    return sorted(blocks, key=rank)


CUT_AT_LEAST = 1  # characters of a line printed in part (corpus/readers/pdf_geometry.py says which)


def parse_document(*paths: str) -> Document:
    if not paths:
        raise ValueError("parse_document needs at least one path")
    source = read_sources(list(paths))
    blocks = segment(source.lines, lenient=source.style == "pdfparse")
    table_blocks = [block for block in blocks if isinstance(block, TableBlock)]

    context = DocumentContext()
    built = {id(block): build_table(block, context) for block in _build_order(table_blocks)}

    narrative = NarrativeBuilder()
    for block in blocks:
        if isinstance(block, TableBlock):
            narrative.break_paragraph()
        else:
            for line in block.lines:
                narrative.add(line)
    parts = narrative.finish()

    if not table_blocks and len(_BUDGET_WORDS.findall(source.text)) < 3:
        raise InputError(source.path, "not a budget disclosure: no budget table and no 预算/决算 text found")
    tables = [built[id(block)] for block in table_blocks]
    return Document(
        path=source.path,
        style=source.style,
        metadata=extract_metadata(source.lines, [table.title for table in tables]),
        parts=parts,
        tables=tables,
        line_count=len(source.lines),
        page_count=source.page_count,
        text=source.text,
        sources=list(source.sources or (source.path,)),
        cut_lines=[(Span(line.number, line.number, line.page), line.text) for line in source.lines
                   if line.cut >= CUT_AT_LEAST],
    )
