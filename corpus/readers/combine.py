"""A document published as two files (narrative + tables) read as one."""

from __future__ import annotations

from dataclasses import replace

from corpus.source import Source


def combine(sources: list[Source]) -> Source:
    """Append the files' lines; line numbers and pages continue, as in the corpus' joined text files."""
    lines = []
    texts = []
    line_offset = 0
    page_offset = 0
    for source in sources:
        for line in source.lines:
            page = line.page + page_offset if line.page is not None else None
            lines.append(replace(line, number=line.number + line_offset, page=page))
        texts.append(source.text)
        line_offset += source.text.count("\n") + 1
        page_offset += source.page_count or 0
    pages = sum(source.page_count or 0 for source in sources) or None
    return Source(
        path=sources[0].path,
        style=sources[0].style,
        text="\n".join(texts),
        lines=lines,
        page_count=pages,
        sources=tuple(source.path for source in sources),
    )
