"""Chunks that follow the document: a narrative paragraph, or a table's rows with their header."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.model import Document

ROWS_PER_CHUNK = 12


@dataclass
class Chunk:
    text: str
    metadata: dict


def _base(document: Document) -> dict:
    meta = document.metadata
    return {"path": document.path, "department": meta.department or "", "year": meta.year or 0,
            "kind": meta.kind or "", "scope": meta.scope or ""}


def chunks(document: Document) -> list[Chunk]:
    base = _base(document)
    out = []
    for part in document.parts:
        part_label = f"{part.number} {part.title}".strip()
        for section, paragraphs in [(None, part.paragraphs)] + [(s, s.paragraphs) for s in part.walk_sections()]:
            for paragraph in paragraphs:
                if len(paragraph.text) < 8:
                    continue
                title = section.title if section else part_label
                out.append(Chunk(paragraph.text, {**base, "section": title, "table": "", "line": paragraph.span.line,
                                                  "end_line": paragraph.span.end_line,
                                                  "page": paragraph.span.page or 0}))
    for table in document.tables:
        header = f"{table.title}（单位：{table.unit}）" + " | ".join(c.key for c in table.columns)
        rows = [row for row in table.rows if row.cells or row.label]
        for start in range(0, len(rows), ROWS_PER_CHUNK):
            group = rows[start:start + ROWS_PER_CHUNK]
            lines = [f"{row.code or ''} {row.label}：" + "，".join(f"{c.column} {c.printed}" for c in row.cells)
                     for row in group]
            out.append(Chunk(header + "\n" + "\n".join(lines),
                             {**base, "section": "", "table": table.title, "line": group[0].span.line,
                              "end_line": group[-1].span.end_line, "page": group[0].span.page or 0}))
    return out
