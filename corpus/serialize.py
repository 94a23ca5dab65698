"""The document model as JSON-ready data and as readable text."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from corpus.model import Document, Section, Table


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def table_data(table: Table) -> dict[str, Any]:
    return {
        "number": table.number,
        "title": table.title,
        "kind": table.kind,
        "unit": table.unit,
        "layout": table.layout,
        "line": table.span.line,
        "end_line": table.span.end_line,
        "page": table.span.page,
        "empty_statement": table.empty_statement,
        "columns": [{"key": c.key, "header": c.header, "side": c.side} for c in table.columns],
        "rows": [
            {
                "label": row.label,
                "code": row.code,
                "code_kind": row.code_kind,
                "concept": row.concept,
                "side": row.side,
                "is_total": row.is_total,
                "ambiguous": row.ambiguous,
                "note": row.note,
                "line": row.span.line,
                "page": row.span.page,
                "cells": [
                    {"column": c.column, "printed": c.printed, "value_wan": _number(c.value), "line": c.span.line,
                     "page": c.span.page}
                    for c in row.cells
                ],
            }
            for row in table.rows
        ],
    }


def _section_data(section: Section) -> dict[str, Any]:
    return {
        "number": section.number,
        "title": section.title,
        "level": section.level,
        "line": section.span.line,
        "page": section.span.page,
        "paragraphs": [
            {"text": p.text, "line": p.span.line, "end_line": p.span.end_line, "page": p.span.page,
             "sentences": [{"text": s.text, "line": s.span.line, "end_line": s.span.end_line, "page": s.span.page}
                           for s in p.sentences]}
            for p in section.paragraphs
        ],
        "children": [_section_data(child) for child in section.children],
    }


def document_data(document: Document) -> dict[str, Any]:
    return {
        "path": document.path,
        "sources": document.sources,
        "style": document.style,
        "metadata": asdict(document.metadata),
        "lines": document.line_count,
        "pages": document.page_count,
        "parts": [
            {"number": part.number, "title": part.title, "line": part.span.line,
             "sections": [_section_data(section) for section in part.sections]}
            for part in document.parts
        ],
        "tables": [table_data(table) for table in document.tables],
    }


def document_text(document: Document) -> str:
    meta = document.metadata
    out = [
        f"{document.path}",
        f"  {meta.department or '?'} · {meta.year or '?'} · {meta.kind or '?'} · {meta.scope or '?'}"
        f" · {meta.region or '?'} · template {meta.template or '?'} · {document.line_count} lines"
        + (f" · {document.page_count} pages" if document.page_count else ""),
        "",
        "Sections:",
    ]
    for part in document.parts:
        if part.number:
            out.append(f"  {part.number} {part.title}  (line {part.span.line})")
        for section in part.walk_sections():
            if section.level <= 2:
                out.append(f"  {'  ' * section.level}{section.number} {section.title}  (line {section.span.line})")
    out.append("")
    out.append("Tables:")
    for table in document.tables:
        label = f"表{table.number} " if table.number else ""
        out.append(f"  {label}{table.title} [{table.kind or 'unknown kind'}] 单位 {table.unit}, line {table.span.line}"
                   + (f", page {table.span.page}" if table.span.page else ""))
        if table.empty_statement:
            out.append(f"    empty: {table.empty_statement}")
        if table.columns:
            out.append("    columns: " + " | ".join(
                f"{c.side + ':' if c.side else ''}{c.key}" for c in table.columns))
        for row in table.rows:
            if not row.cells and not row.code:
                continue
            cells = ", ".join(f"{c.column}={c.printed}" for c in row.cells)
            flag = "  [ambiguous]" if row.ambiguous else ""
            side = f"{row.side}: " if row.side else ""
            code = f"{row.code} " if row.code else ""
            out.append(f"    {row.span.line:>5}  {side}{code}{row.label}: {cells}{flag}")
    return "\n".join(out)
