"""Narrative figures as claims.

A sentence such as "一般公共预算 430.12 万元，占 70.50%，比上年预算增加 23.24 万元，增长 5.71%" becomes one
statement about a subject (一般公共预算) holding four claims: the amount, its share, the change amount and
the change rate. Figures are found by the spaCy Matcher (checker/nlp.py); clauses are the runs between
Chinese punctuation; the subject is the text a clause opens with, or the running subject of the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from corpus.model import Document, Paragraph, Section, Sentence, Span
from corpus.numbers import parse_amount
from corpus.vocab import normalize, strip_ordinal, vocabulary

CLAUSE_BREAKS = {"，", "；", "。", "：", ";", ":", ",", "！", "？", "、"}
COMPARE_WORDS = {"比", "较", "与", "同比", "比较"}
UP = {"增加", "增长", "上升", "增", "增幅"}
DOWN = {"减少", "下降", "降低", "减", "减幅"}
FLAT = {"持平"}
# Words a clause may open with that name no new subject: "2026年预算安排 X 万元" restates the running one.
RESTATING = re.compile(r"^(?:\d{4}年)?(?:当年|本年|今年)?(?:预算|决算)?(?:数|安排|为|是|合计|总额|金额|总计|共|共计|)*$")
# a figure the stated one is compared with, given as a value: last year's ("2025年当年预算执行数为 X", "上年预算数为 X"),
# or in a 决算 the budget it was executed against ("年初预算为 X", "全年预算为 Y，支出决算为 Z")
PREVIOUS = re.compile(r"(?:执行数|上年预算数?|上年决算数?|上一年度?|年初预算数?|全年预算数?|调整预算数?)(?:为|是)?$")
SUBJECT_TAIL = re.compile(r"(?:的)?(?:预算数|决算数|预算安排|安排|合计|总额|金额|为|是|共计|共|总计)+$")
PATH_LEVEL = re.compile(r"([^（）()]+?)[（(](\d*)\s*(类|款|项)[）)]")
YEAR = re.compile(r"(20\d{2})\s*年")
YEAR_OPENING = re.compile(r"\s*20\d{2}\s*年")
MAY_CLAIM = re.compile(r"\d|持平|其中")
# No sentence of a disclosure is this long; a "sentence" that is, is a run of figures or junk with no
# full stop, and making claims of it would cost spaCy a gigabyte per million characters.
LONGEST_SENTENCE = 5000
# Ordinals that number list items, by kind: "（三）" follows "（二）", "3." follows "2."
ORDINAL_KINDS = [("（一）", re.compile(r"^[（(][一二三四五六七八九十]+[）)]")), ("（1）", re.compile(r"^[（(]\d+[）)]")),
                 ("一、", re.compile(r"^[一二三四五六七八九十]+[、.．]")), ("1.", re.compile(r"^\d+[、.．](?!\d)")),
                 ("一是", re.compile(r"^[一二三四五六七八九十]是"))]


def ordinal_kind(text: str) -> str | None:
    """The kind of ordinal the text starts with ("（一）", "1." …), or None."""
    text = text.lstrip()
    return next((kind for kind, pattern in ORDINAL_KINDS if pattern.match(text)), None)


@dataclass
class Claim:
    kind: str  # amount | previous | share | change_amount | change_rate | flat | count
    printed: str
    value: Decimal | None
    unit: str | None
    span: Span
    start: int  # offsets in the paragraph text
    end: int
    base: str | None = None  # what it is compared with or a share of
    year: int | None = None
    direction: int | None = None  # +1 增加/增长, -1 减少/下降, 0 持平


@dataclass
class Statement:
    subject: str
    concept: str | None
    path: list[tuple[str, str | None, str]]  # [(name, code digits or None, 类|款|项)]
    sentence: Sentence
    paragraph: Paragraph
    section: Section | None
    part: str
    claims: list[Claim] = field(default_factory=list)
    top: Section | None = None  # the level-1 section (一、…) it belongs to
    opens_list: bool = False  # the clause ends with "其中：" – the figures after it are its parts
    breaks_list: bool = False  # follows "…中，" (a sub-list) or names the body again (本部门…)
    ordinal: str | None = None  # the kind of ordinal its clause starts with ("（一）", "1." …)
    in_list_of: Statement | None = None

    def first(self, kind: str) -> Claim | None:
        return next((claim for claim in self.claims if claim.kind == kind), None)

    @property
    def code(self) -> str | None:
        codes = [code for _, code, _ in self.path]
        if self.path and all(codes):
            return "".join(code.zfill(2) if i else code for i, code in enumerate(codes))
        return None


def _clauses(texts: list[str]) -> list[tuple[int, int]]:
    """Token ranges between clause punctuation, from the tokens' texts."""
    clauses, start = [], 0
    for i, text in enumerate(texts):
        if text == "、" and i and _joins_words(texts[i - 1]):
            continue  # "收、支总预算": 、 between two one-character words joins them, it ends no clause
        if text in CLAUSE_BREAKS:
            if i > start:
                clauses.append((start, i + 1))
            start = i + 1
    if start < len(texts):
        clauses.append((start, len(texts)))
    return clauses


def _joins_words(before: str) -> bool:
    return len(before) == 1 and "\u4e00" <= before <= "\u9fff" and before not in "元万亿"


def clean_subject(text: str) -> str:
    text = strip_ordinal(normalize(text))
    text = re.sub(r"^(?:其中|另外|此外|包括|分别是|分别为)[：:]?", "", text)
    text = re.sub(r"^(?:20\d{2}年度?)", "", text)
    return SUBJECT_TAIL.sub("", text)


def resolve_path(subject: str) -> list[tuple[str, str | None, str]]:
    """'公共安全支出（204类）司法（06款）行政运行（01项）' -> [(公共安全支出, 204, 类), (司法, 06, 款), …]."""
    return [(strip_ordinal(name.strip()), code or None, level) for name, code, level in PATH_LEVEL.findall(subject)]


class ClaimExtractor:
    def __init__(self) -> None:
        from checker.nlp import matcher, pipeline

        self.nlp = pipeline()
        self.matcher = matcher()
        self.vocab = vocabulary()

    def statements(self, document: Document) -> list[Statement]:
        year = document.metadata.year  # a figure labelled with an earlier year is last year's
        out: list[Statement] = []
        # only sentences with a figure, "持平" or "其中" can make or extend a statement: the others skip spaCy
        items = [(part, top, section, paragraph, sentence)
                 for part, top, section, paragraph in _paragraphs(document) for sentence in paragraph.sentences
                 if len(sentence.text) <= LONGEST_SENTENCE and MAY_CLAIM.search(sentence.text)]
        docs = self.nlp.pipe(sentence.text for *_, sentence in items)
        for (part, top, section, paragraph, sentence), doc in zip(items, docs):
            # a sentence without a subject of its own goes on about the paragraph's last one
            # ("…行政运行（01项）1672.67万元。…。2025年当年预算执行数为1690.69万元，…")
            carried = out[-1] if out and out[-1].paragraph is paragraph else None
            for statement in self._sentence(doc, part, section, paragraph, sentence, carried, year):
                statement.top = top
                out.append(statement)
        _link_lists(out, normalize(document.metadata.department or ""))
        return out

    def _sentence(self, doc, part: str, section, paragraph: Paragraph, sentence: Sentence,
                  carried: Statement | None = None, year: int | None = None) -> list[Statement]:
        """One sentence's statements; `year` is the document's (the extractor keeps no per-document state,
        so the web app's threads can share it)."""
        matches = sorted(("COUNT", start + 1, end) if label == "HEADCOUNT" else (label, start, end)
                         for label, start, end in ((self.nlp.vocab.strings[key], start, end)
                                                   for key, start, end in self.matcher(doc)))
        statements: list[Statement] = []
        current: Statement | None = carried
        pending = ""  # "1、一般公共服务支出（类）…（项）：" names the subject of the figures after the colon
        sub_list = False
        texts = [token.text for token in doc]  # once: spaCy token objects are costly to make
        for start, end in _clauses(texts):
            figures = [(label, s, e) for label, s, e in matches if start <= s and e <= end]
            words = texts[start:end]
            if "原因" in "".join(words):
                break  # the reason is free text: its figures are not claims about the item
            if not any(label in ("MONEY", "PERCENT", "COUNT") for label, _, _ in figures) and "持平" not in words:
                colon = bool(words) and words[-1] in ("：", ":")
                if current is not None and colon and "其中" in "".join(words):
                    current.opens_list = True
                elif colon:
                    pending = doc[start:end - 1].text
                elif words and words[-1] in ("，", ",") and len(words) > 1 and words[-2].endswith("中"):
                    sub_list = True  # "财政拨款支出预算中，…": a sub-list, not more parts of the list before
                continue
            start, figures = self._past_unit_counts(doc, start, figures)
            first_figure = min((s for label, s, _ in figures if label != "DIRECTION"), default=end)
            direction_at = next((s for label, s, _ in figures if label == "DIRECTION"), None)
            # 比/较/与 compare only when a direction word follows ("医疗卫生与计划生育支出" names one item)
            compare = next((t.i for t in doc[start:first_figure] if t.text in COMPARE_WORDS
                            and direction_at is not None and t.i < direction_at), None)
            share = next((t.i for t in doc[start:first_figure] if t.text == "占"), None)
            opener = min(i for i in (compare, share, first_figure) if i is not None)
            if direction_at is not None and direction_at < opener:
                opener = direction_at
            subject_text = doc[start:opener].text
            subject = clean_subject(subject_text)
            if pending and (not subject or RESTATING.match(subject) or PREVIOUS.search(normalize(subject_text))):
                current = self._new_statement(clean_subject(pending), part, section, paragraph, sentence)
                current.ordinal = ordinal_kind(pending)
                statements.append(current)
            pending = ""
            stated_year = YEAR.search(subject_text)
            bracket = subject_text.rfind("（")
            if bracket >= 0 and "）" not in subject_text[bracket:]:
                # "与2016年度相比（2016年度…为8,648.07万元）": the figure in the bracket is the year it names
                stated_year = YEAR.search(subject_text, bracket) or stated_year
            earlier_year = bool(stated_year and year and int(stated_year.group(1)) < year)
            previous_amount = (bool(PREVIOUS.search(normalize(subject_text))) or earlier_year) and compare is None
            if subject and not RESTATING.match(subject) and not previous_amount:
                current = self._new_statement(subject, part, section, paragraph, sentence)
                current.breaks_list = sub_list or subject.startswith(("本部门", "本单位", "我部门", "我单位"))
                current.ordinal = ordinal_kind(subject_text)
                sub_list = False
                statements.append(current)
            if current is None:
                current = self._new_statement("", part, section, paragraph, sentence)
                statements.append(current)
            base = doc[compare + 1:direction_at].text if compare is not None and direction_at else None
            if share is not None:
                base = doc[share + 1:first_figure].text or None
            year_match = stated_year
            for label, s, e in figures:
                claim = self._claim(label, doc, s, e, paragraph, sentence)
                if claim is None:
                    continue
                if label == "MONEY":
                    if direction_at is not None and direction_at < s:
                        claim.kind = "change_amount"
                    elif previous_amount:
                        claim.kind = "previous"
                        claim.year = int(year_match.group(1)) if year_match else None
                elif label == "COUNT" and direction_at is not None and direction_at < s:
                    claim.kind = "change_count"
                elif label == "PERCENT":
                    claim.kind = "share" if share is not None and share < s else "change_rate"
                if claim.kind in ("change_amount", "change_rate", "change_count"):
                    word = doc[direction_at].text if direction_at is not None else ""
                    claim.direction = 1 if word in UP else -1 if word in DOWN else None
                    claim.base = base
                elif claim.kind == "share":
                    claim.base = base
                current.claims.append(claim)
            if "持平" in words:
                at = words.index("持平") + start
                current.claims.append(Claim("flat", "持平", Decimal(0), None, *self._where(doc, at, at + 1, paragraph,
                                                                                        sentence), base=base,
                                            direction=0))
            if words and words[-1] in ("：", ":") and "其中" in "".join(words):
                current.opens_list = True
        return statements

    def _past_unit_counts(self, doc, start: int, figures: list) -> tuple[int, list]:
        """"XX下属1家机关和1家参公事业单位财政拨款的机关运行经费预算为217.83万元": counts of units that
        lead a clause before the item its amount is about. The clause's statement then starts after the
        last count, so that its subject is the item ("…的机关运行经费预算"), not the body's name."""
        leading = sorted((f for f in figures if f[0] != "DIRECTION"), key=lambda f: f[1])
        money = next((s for label, s, _ in leading if label == "MONEY"), None)
        if not leading or leading[0][0] != "COUNT" or money is None:
            return start, figures
        from checker.linking import mapping  # linking reads statements: imported when first needed

        after = max((e for label, s, e in leading if label == "COUNT" and s < money), default=start)
        named = {concept for _, concept in self.vocab.find_concepts(normalize(doc[after:money].text))}
        if not named - set(mapping()["subject"]["funds"]):
            return start, figures
        return after, [f for f in figures if f[1] >= after]

    def _new_statement(self, subject: str, part, section, paragraph, sentence) -> Statement:
        path = resolve_path(subject)
        leaf = path[-1][0] if path else subject
        concept = self.vocab.concept_of(leaf) if leaf else None
        return Statement(subject, concept, path, sentence, paragraph, section, part)

    def _where(self, doc, start: int, end: int, paragraph: Paragraph, sentence: Sentence):
        first = sentence.start + doc[start].idx
        last = sentence.start + doc[end - 1].idx + len(doc[end - 1].text)
        return paragraph.span_of(first, last), first, last

    def _claim(self, label: str, doc, start: int, end: int, paragraph: Paragraph, sentence: Sentence) -> Claim | None:
        if label == "DIRECTION":
            return None
        text = doc[start:end].text
        number = re.match(r"-?[\d,]+(?:\.\d+)?", text.replace(" ", ""))
        value = parse_amount(number.group(0)) if number else None
        unit = {"MONEY": re.sub(r"[\d.,\s-]", "", text), "PERCENT": "%"}.get(label)
        if label == "COUNT":
            unit = doc[end - 1].text if not doc[end - 1].text.isdigit() else "名"  # a head count without its unit
        if value is None:
            return None  # not a number anyone prints (e.g. hundreds of digits): no claim to check
        kind = {"MONEY": "amount", "PERCENT": "change_rate", "COUNT": "count"}[label]
        span, first, last = self._where(doc, start, end, paragraph, sentence)
        return Claim(kind, number.group(0) if number else text, value, unit, span, first, last)


def _paragraphs(document: Document):
    """(part label, level-1 section, section, paragraph) in reading order."""
    for part in document.parts:
        label = f"{part.number} {part.title}".strip()
        for paragraph in part.paragraphs:
            yield label, None, None, paragraph
        for top in part.sections:
            for section in top.walk():
                for paragraph in section.paragraphs:
                    yield label, top, section, paragraph


def _link_lists(statements: list[Statement], department: str) -> None:
    """Statements after a "…，其中：" in the same section are parts of that statement, until one starts a
    new topic: it names the department again ("2024 年，XX总工会面向中小企业…"), its paragraph opens with a
    year ("2018年政府性基金预算收入…" after the 一般公共预算 paragraph), or it is numbered like the
    list's owner ("（三）公务接待费" after "（二）公务用车购置及运行费…其中：": the owner's sibling)."""
    owner: Statement | None = None
    for statement in statements:
        new_topic = statement.breaks_list or (bool(department) and department in normalize(statement.subject))
        if owner is not None and (statement.section is not owner.section or new_topic or statement.opens_list
                                  or (owner.ordinal is not None and statement.ordinal == owner.ordinal)
                                  or (statement.paragraph is not owner.paragraph
                                      and YEAR_OPENING.match(statement.paragraph.text))):
            owner = None
        if owner is not None and statement is not owner:
            statement.in_list_of = owner
        if statement.opens_list:
            owner = statement
