"""Disclosures printed in traditional characters (Hong Kong, Macao, Taiwan style) read as simplified.

OpenCC's t2s conversion is applied line by line, so line numbers, pages and cells stay where they were;
where a phrase conversion would change a line's length, the line is converted character by character so
that every offset in it still points at the same character of the original.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from corpus.source import Source

SAMPLE_LINES = 400
TRADITIONAL_SHARE = 0.03  # of the CJK characters: simplified text has none that t2s changes


@cache
def _converter():
    import opencc  # lazily: only a document that needs it pays for it

    return opencc.OpenCC("t2s")


def _convert(text: str) -> str:
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(out if len(out := _converter().convert(char)) == 1 else char for char in text)


def is_traditional(text: str) -> bool:
    cjk = [char for char in text if "\u4e00" <= char <= "\u9fff"]
    if not cjk:
        return False
    sample = "".join(cjk)
    changed = sum(1 for a, b in zip(sample, _convert(sample)) if a != b)
    return changed > TRADITIONAL_SHARE * len(cjk)


def simplified(source: Source) -> Source:
    """The source as simplified text when it is printed in traditional characters, else unchanged."""
    if not is_traditional("".join(line.text for line in source.lines[:SAMPLE_LINES])):
        return source
    lines = [replace(line, text=_convert(line.text),
                     cells=[_convert(cell) for cell in line.cells] if line.cells is not None else None)
             for line in source.lines]
    return replace(source, lines=lines, text=_convert(source.text))



