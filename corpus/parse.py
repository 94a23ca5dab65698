"""parse_document: file(s) in, Document out."""

from __future__ import annotations

import re

from corpus.errors import InputError
from corpus.metadata import extract_metadata
from corpus.model import Document
from corpus.narrative import NarrativeBuilder
from corpus.readers import read_sources
from corpus.segment import TableBlock, segment
from corpus.tables import DocumentContext, build_table

_BUDGET_WORDS = re.compile(r"预算|决算")


def parse_document(*paths: str) -> Document:
    if not paths:
        raise ValueError("parse_document needs at least one path")
    source = read_sources(list(paths))
    blocks = segment(source.lines)
    table_blocks = [block for block in blocks if isinstance(block, TableBlock)]

    context = DocumentContext()
    # The 收支总表 first: what it says about the funds helps place the figures of the others.
    first = sorted(table_blocks, key=lambda block: block.kind != "收支总表")
    built = {id(block): build_table(block, context) for block in first}

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
    )
