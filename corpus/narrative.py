"""Narrative text to parts, a section tree and paragraphs of re-joined sentences.

PDF line wraps fall anywhere (inside words and figures), so lines are joined back into paragraphs;
every paragraph keeps a map from its characters to the source lines, so a sentence or a figure in it
can still name its file line and page.
"""

from __future__ import annotations

import re
from pathlib import Path

from corpus.datafile import load_toml
from corpus.model import Paragraph, Part, Section, Sentence, Span
from corpus.segment import PART_HEADING, TOC_LEADER
from corpus.source import SourceLine

LEVEL_PATTERNS = [
    (1, re.compile(r"^([一二三四五六七八九十]+)\s*、\s*")),
    (2, re.compile(r"^[（(]\s*([一二三四五六七八九十]+)\s*[）)]\s*")),
    (3, re.compile(r"^(\d{1,2})\s*[、．.](?!\d)\s*")),
    (4, re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*")),
]
HEADINGS = Path(__file__).parent / "data" / "headings.toml"
PARAGRAPH_END = ("。", "！", "？", "!", "?")
SENTENCE_END = re.compile(r"[。！？；;!?]")
TITLE_END = re.compile(r"[：:。，,；;]")


def _heading(line: SourceLine) -> tuple[int, str, str] | None:
    """(level, number, title) when the line opens a section."""
    text = line.text.strip()
    if TOC_LEADER.search(text) or text.startswith("- "):
        return None
    for level, pattern in LEVEL_PATTERNS:
        match = pattern.match(text)
        if match:
            rest = text[match.end():]
            end = TITLE_END.search(rest)
            title = rest[: end.start()] if end and end.start() <= 60 else rest[:60]
            return level, match.group(1), title.strip()
    if line.heading is not None or _part_title(text):
        return 1, "", text
    return None


def part_titles() -> tuple[str, ...]:
    return tuple(load_toml(HEADINGS)["titles"])


def _part_title(text: str) -> bool:
    """A line that is nothing but a part's title, unnumbered ("2026年部门预算编制说明")."""
    return len(text) <= 30 and not TITLE_END.search(text) and text.endswith(part_titles())


# a title ending so cannot continue on the next line: "…情况说明" / "无" is the section's text
COMPLETE_TITLE = ("说明", "情况", "预算表", "决算表")


def _join(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha():
        return left + " " + right
    return left + right


def split_sentences(paragraph: Paragraph) -> None:
    start = 0
    text = paragraph.text
    for match in SENTENCE_END.finditer(text):
        end = match.end()
        if text[start:end].strip():
            paragraph.sentences.append(_sentence(paragraph, start, end))
        start = end
    if text[start:].strip():
        paragraph.sentences.append(_sentence(paragraph, start, len(text)))


def _sentence(paragraph: Paragraph, start: int, end: int) -> Sentence:
    while start < end and text_at(paragraph, start).isspace():
        start += 1
    return Sentence(paragraph.text[start:end], paragraph.span_of(start, end), start, end)


def text_at(paragraph: Paragraph, index: int) -> str:
    return paragraph.text[index]


class NarrativeBuilder:
    """Feeds lines in document order; tables interrupt paragraphs but not the section tree."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self._part: Part | None = None
        self._stack: list[Section] = []
        self._lines: list[SourceLine] = []
        self._open_title: Section | None = None  # a title-only heading whose last characters may wrap

    def _target(self) -> list[Paragraph]:
        if self._stack:
            return self._stack[-1].paragraphs
        return self._current_part().paragraphs

    def _current_part(self) -> Part:
        if self._part is None:
            first = self._lines[0] if self._lines else None
            span = Span(first.number, first.number, first.page) if first else Span(1, 1)
            self._part = Part("", "", span)
            self.parts.append(self._part)
        return self._part

    def break_paragraph(self) -> None:
        if not self._lines:
            return
        text = ""
        line_map = []
        for line in self._lines:
            line_map.append((len(text), line.number, line.page))
            text = _join(text, line.text.strip())
        first, last = self._lines[0], self._lines[-1]
        paragraph = Paragraph(text, Span(first.number, last.number, first.page), line_map=line_map)
        split_sentences(paragraph)
        target = self._target()
        self._lines = []
        target.append(paragraph)

    def add(self, line: SourceLine) -> None:
        text = line.text.strip()
        if not text:
            return
        part = PART_HEADING.match(text)
        if part:
            self.break_paragraph()
            self._part = Part(part.group(0), text[part.end():].strip(), Span(line.number, line.number, line.page))
            self.parts.append(self._part)
            self._stack = []
            return
        heading = _heading(line)
        if heading is None and self._open_title is not None and len(text) <= 6 and not text.endswith(PARAGRAPH_END) \
                and not self._open_title.title.endswith(COMPLETE_TITLE):
            self._open_title.title += text  # "…情况说" / "明"
            self._open_title = None
            return
        self._open_title = None
        if heading:
            self.break_paragraph()
            level, number, title = heading
            section = Section(number, title, level, Span(line.number, line.number, line.page))
            while self._stack and self._stack[-1].level >= level:
                self._stack.pop()
            if self._stack:
                self._stack[-1].children.append(section)
            else:
                self._current_part().sections.append(section)
            self._stack.append(section)
            if level <= 2 and not TITLE_END.search(text) and len(title) <= 60:
                self._open_title = section
                return  # a title, not narrative text
        self._lines.append(line)
        if text.endswith(PARAGRAPH_END):
            self.break_paragraph()

    def finish(self) -> list[Part]:
        self.break_paragraph()
        return self.parts
