"""Split a source's lines into narrative runs and table blocks.

A table starts at a title the vocabulary knows, confirmed by a unit or 编制部门 line just below it
(which tells a real title from a table-of-contents entry or a sentence that names the table). It ends at
the next table, a part or section heading, or prose. A table continued on the next page (repeated
编制部门/header lines without a new title) stays one table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.source import SourceLine
from corpus.vocab import normalize, vocabulary

TABLE_NUMBER = re.compile(r"^表\s*(\d+|[一二三四五六七八九十]+)\s*$")
TABLE_NUMBER_PREFIX = re.compile(r"^(?:表\s*(\d+)|([一二三四五六七八九十]+)、|(\d{1,2})\s*[.．、])\s*")
UNIT_LINE = re.compile(r"单\s*位\s*[:：]\s*(万\s*元|元|千\s*元|亿\s*元)")
ORG_LINE = re.compile(r"^(?:编制部门|编制单位|部门|部门名称|单位名称|预算单位|主管部门|预算主管部门)\s*[:：]")
PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+部分")
SECTION_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))")
PAGE_NUMBER = re.compile(r"^(?:[-—–]\s*)?\d{1,3}(?:\s*[-—–])?$|^第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?$")
TOC_LEADER = re.compile(r"[…\.·]{4,}|…{2,}")
EMPTY_TABLE = re.compile(r"(?:为空表|无数据|本表为空|空表。?$|^[（(]无[^（()）]*[）)]$)")  # …, "(无政府性基金支出）"
FOOTNOTE = re.compile(r"^[（(]表\s*\d+\s*中|^注[:：]|^说明[:：]|^备注[:：]")
CJK = re.compile(r"[\u4e00-\u9fff]")
HEADING_WORDS = re.compile(r"说明|情况|关于|概况|解释|职能|机构")


def is_noise(line: SourceLine) -> bool:
    """Page numbers and empty lines: never content."""
    text = line.text.strip()
    return not text or PAGE_NUMBER.match(text) is not None


def is_prose(text: str) -> bool:
    """A sentence of narrative, not a table row or a title."""
    cjk = len(CJK.findall(text))
    return cjk >= 18 and (text.endswith(("。", "；")) or text.count("，") >= 2 or "。" in text[:-1])


@dataclass
class TableBlock:
    number: str | None
    title: str
    kind: str | None
    title_lines: list[SourceLine]
    lines: list[SourceLine] = field(default_factory=list)  # body: unit/org lines, header, rows, notes


@dataclass
class TextBlock:
    lines: list[SourceLine] = field(default_factory=list)


def _title_at(lines: list[SourceLine], i: int, lenient: bool = False) -> tuple[int, str, str | None, str] | None:
    """If a table title starts at lines[i]: (lines used, title, number, kind).

    lenient: accept a title standing alone without its unit line below (extractions that scramble the
    reading order put the unit elsewhere)."""
    text = lines[i].text.strip()
    number = None
    used = 1
    match = TABLE_NUMBER.match(text)
    if match and i + 1 < len(lines):
        number = match.group(1)
        text = lines[i + 1].text.strip()
        used = 2
    if not text or TOC_LEADER.search(text) or EMPTY_TABLE.search(text) or text.startswith("-"):
        return None
    if len(normalize(text)) > 70 or "，" in text or "。" in text:
        return None
    vocab = vocabulary()
    kind = vocab.table_kind(text)
    title = text
    if kind is None and i + used < len(lines):
        # a title wrapped over two lines ("…培训费支" / "出预算表"), also around a line of the quotes the
        # extraction moved out of it ("…一般公共预算 三公 经费…支出预" / "“ ”" / "算表")
        skipped = 0
        while i + used + skipped + 1 < len(lines) and not normalize(lines[i + used + skipped].text):
            skipped += 1
        following = lines[i + used + skipped].text.strip()
        joined = text + following
        if len(following) <= 12 and vocab.table_kind(following) is None and not EMPTY_TABLE.search(joined):
            kind = vocab.table_kind(joined)
            if kind is not None:
                title = joined
                used += 1 + skipped
    if kind is None:
        return None
    if vocab.tables[kind].text_only:
        # 绩效目标表: tables of text; the title stands alone on its line
        if not any(normalize(title).endswith(normalize(alias)) for alias in vocab.tables[kind].titles):
            return None
    else:
        # A real table has its unit or issuing body right below (a TOC entry or a sentence has not).
        # … and before the next table's title: a 目录 lists titles one under the other
        below = []
        for line in lines[i + used : i + used + 4]:
            if vocab.table_kind(line.text.strip()) is not None and not UNIT_LINE.search(line.text):
                break
            below.append(line.text)
        window = " ".join(below)
        confirmed = (UNIT_LINE.search(window) or any(ORG_LINE.search(text.strip()) for text in below)
                     or UNIT_LINE.search(title))
        alone = lenient and TABLE_NUMBER_PREFIX.match(title) is None
        if not (confirmed or alone):
            return None
    if number is None:
        prefix = TABLE_NUMBER_PREFIX.match(title)
        if prefix and vocab.table_kind(title[prefix.end():]):
            number = prefix.group(1) or prefix.group(2) or prefix.group(3)
    return used, title, number, kind


def _ends_table(line: SourceLine, following: SourceLine | None, block: TableBlock) -> bool:
    text = line.text.strip()
    if following is not None and EMPTY_TABLE.search(text + following.text.strip()):
        return False
    if PART_HEADING.match(text):
        return True
    if SECTION_HEADING.match(text) and HEADING_WORDS.search(text) and not re.search(r"\d+\.\d{2}", text):
        return True
    if line.heading is not None and line.cells is None and not UNIT_LINE.search(text):
        return True
    if EMPTY_TABLE.search(text) or FOOTNOTE.match(text):
        return False
    if vocabulary().tables.get(block.kind or "") and vocabulary().tables[block.kind].text_only:
        return False
    return is_prose(text)


def segment(lines: list[SourceLine], lenient: bool = False) -> list[TableBlock | TextBlock]:
    content = [line for line in lines if not is_noise(line)]
    blocks: list[TableBlock | TextBlock] = []
    current: TableBlock | TextBlock = TextBlock()
    i = 0
    while i < len(content):
        title = _title_at(content, i, lenient)
        if title is not None:
            used, text, number, kind = title
            if current.lines or isinstance(current, TableBlock):
                blocks.append(current)
            current = TableBlock(number, text, kind, content[i : i + used])
            i += used
            continue
        line = content[i]
        following = content[i + 1] if i + 1 < len(content) else None
        if isinstance(current, TableBlock) and _ends_table(line, following, current):
            blocks.append(current)
            current = TextBlock()
        current.lines.append(line)
        i += 1
    if current.lines or isinstance(current, TableBlock):
        blocks.append(current)
    return blocks
